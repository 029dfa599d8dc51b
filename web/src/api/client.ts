/**
 * Minimal fetch wrapper for the Deskmate HTTP API.
 *
 * Every request is same-origin with cookies, asks for JSON, and turns failures into an
 * {@link ApiError}: the Deskmate error envelope `{"error":{"code","message"}}` when the
 * server sent one, otherwise a client-side code such as `network_error` or `invalid_response`.
 */

/** Code used when the server could not be reached at all. */
export const NETWORK_ERROR = 'network_error';

/** Code used when the server answered with something that is not the expected JSON. */
export const INVALID_RESPONSE = 'invalid_response';

/** An error from a Deskmate API call. */
export class ApiError extends Error {
  /** HTTP status code, or 0 when no response was received. */
  readonly status: number;
  /** Machine-readable code from the error envelope or one of the client codes above. */
  readonly code: string;

  constructor(status: number, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** Options for {@link apiRequest}. */
export interface RequestOptions {
  method?: string;
  /** Value sent as a JSON request body. */
  json?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * Non-2xx statuses whose JSON body is a regular answer rather than an error,
   * such as 503 from `/readyz`, which still reports every check.
   */
  acceptStatuses?: readonly number[];
}

/** Parses an unknown JSON value into `T`, throwing a {@link ShapeError} when it does not fit. */
export type Parser<T> = (body: unknown) => T;

/** Thrown by a {@link Parser} when a response body does not have the expected shape. */
export class ShapeError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'ShapeError';
  }
}

/** Narrows a value to a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns the code and message of a Deskmate error envelope, or null if `body` is not one. */
export function parseErrorEnvelope(body: unknown): { code: string; message: string } | null {
  if (!isRecord(body) || !isRecord(body.error)) {
    return null;
  }
  const { code, message } = body.error;
  if (typeof code !== 'string' || typeof message !== 'string') {
    return null;
  }
  return { code, message };
}

function isAbortError(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

function describeStatus(response: Response): string {
  return response.statusText ? `HTTP ${response.status} ${response.statusText}` : `HTTP ${response.status}`;
}

/**
 * Sends a request to the Deskmate server and returns the parsed JSON body.
 *
 * `path` is relative to the server root, for example `/api/knowledge` or `/readyz`.
 */
export async function apiRequest<T>(path: string, parse: Parser<T>, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  const init: RequestInit = {
    method: options.method ?? 'GET',
    headers,
    credentials: 'same-origin',
  };
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.json);
  }
  if (options.signal) {
    init.signal = options.signal;
  }

  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    if (isAbortError(err)) {
      throw err;
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw new ApiError(0, NETWORK_ERROR, `Could not reach the Deskmate server (${reason}).`, { cause: err });
  }

  const accepted = response.ok || (options.acceptStatuses?.includes(response.status) ?? false);
  const text = await response.text();

  let body: unknown = null;
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch (err) {
      if (accepted) {
        throw new ApiError(
          response.status,
          INVALID_RESPONSE,
          `The answer from ${path} was not JSON (${describeStatus(response)}).`,
          { cause: err },
        );
      }
      throw new ApiError(response.status, `http_${response.status}`, `Request to ${path} failed: ${describeStatus(response)}.`);
    }
  }

  const envelope = parseErrorEnvelope(body);
  if (!response.ok && (!accepted || envelope)) {
    if (envelope) {
      throw new ApiError(response.status, envelope.code, envelope.message);
    }
    throw new ApiError(response.status, `http_${response.status}`, `Request to ${path} failed: ${describeStatus(response)}.`);
  }

  try {
    return parse(body);
  } catch (err) {
    if (err instanceof ShapeError) {
      throw new ApiError(response.status, INVALID_RESPONSE, `Unexpected response from ${path}: ${err.message}.`, {
        cause: err,
      });
    }
    throw err;
  }
}
