/**
 * Minimal fetch wrapper for the Deskmate HTTP API.
 *
 * Every request is same-origin with cookies, asks for JSON, and turns failures into an
 * {@link ApiError}: the Deskmate error envelope `{"error":{"code","message","fields"}}` when the
 * server sent one, otherwise a client-side code such as `network_error` or `invalid_response`.
 *
 * State-changing requests carry the session's CSRF token in `X-CSRF-Token`; the token is kept in
 * a module-level store that signing in (setup, login, `GET /api/auth/me`, accepting an
 * invitation) fills and signing out empties. A 401 answer tells the listeners registered with
 * {@link onUnauthorized} that the session is gone, unless the caller expects it.
 */

/** Code used when the server could not be reached at all. */
export const NETWORK_ERROR = 'network_error';

/** Code used when the server answered with something that is not the expected JSON. */
export const INVALID_RESPONSE = 'invalid_response';

/** Header that carries the session's CSRF token on state-changing requests. */
export const CSRF_HEADER = 'X-CSRF-Token';

/** An error from a Deskmate API call. */
export class ApiError extends Error {
  /** HTTP status code, or 0 when no response was received. */
  readonly status: number;
  /** Machine-readable code from the error envelope or one of the client codes above. */
  readonly code: string;
  /** For 422 `invalid` answers: the message for each bad field, by field name. Empty otherwise. */
  readonly fields: Record<string, string>;
  /** For 429 answers: how many seconds to wait, from `Retry-After`, when the server sent it. */
  readonly retryAfter: number | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    options?: { cause?: unknown; fields?: Record<string, string>; retryAfter?: number | undefined },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = options?.fields ?? {};
    this.retryAfter = options?.retryAfter;
  }
}

/** Options for {@link apiRequest}. */
export interface RequestOptions {
  method?: string;
  /** Value sent as a JSON request body. */
  json?: unknown;
  /**
   * A multipart body, such as files to upload. The browser sets its Content-Type with the
   * boundary; the CSRF header is sent as for JSON bodies.
   */
  formData?: FormData;
  /**
   * A text body sent as it is, such as a CSV file, with its Content-Type. The CSRF header is
   * sent as for JSON bodies.
   */
  text?: { body: string; contentType: string };
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * Non-2xx statuses whose JSON body is a regular answer rather than an error,
   * such as 503 from `/readyz`, which still reports every check.
   */
  acceptStatuses?: readonly number[];
  /**
   * 401 answers the caller handles itself instead of treating them as a lost session: `true` for
   * every 401 (signing in, checking whether a session exists), or the error codes to keep, such
   * as `invalid_credentials` for a wrong current password.
   */
  ownUnauthorized?: boolean | readonly string[];
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

/** A parsed Deskmate error envelope. */
export interface ErrorEnvelope {
  code: string;
  message: string;
  /** Messages for bad fields (422); empty when the envelope names none. */
  fields: Record<string, string>;
}

/** Returns the parts of a Deskmate error envelope, or null if `body` is not one. */
export function parseErrorEnvelope(body: unknown): ErrorEnvelope | null {
  if (!isRecord(body) || !isRecord(body.error)) {
    return null;
  }
  const { code, message, fields } = body.error;
  if (typeof code !== 'string' || typeof message !== 'string') {
    return null;
  }
  const parsedFields: Record<string, string> = {};
  if (isRecord(fields)) {
    for (const [name, value] of Object.entries(fields)) {
      if (typeof value === 'string') {
        parsedFields[name] = value;
      }
    }
  }
  return { code, message, fields: parsedFields };
}

/**
 * Seconds to wait from a `Retry-After` header: a number of seconds or an HTTP date.
 * Undefined when the header is missing or not understood.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) {
    return undefined;
  }
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed);
  }
  const at = Date.parse(trimmed);
  if (!Number.isFinite(at)) {
    return undefined;
  }
  return Math.max(0, Math.ceil((at - now) / 1000));
}

// --- CSRF token ----------------------------------------------------------------------------

let csrfToken: string | null = null;

/** Stores the CSRF token of the current session, or forgets it with null. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token === '' ? null : token;
}

/** The CSRF token of the current session, if one is known. */
export function getCsrfToken(): string | null {
  return csrfToken;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

// --- Lost session --------------------------------------------------------------------------

type UnauthorizedListener = (error: ApiError) => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/**
 * Calls `listener` whenever a request answers 401 that its caller did not expect, which means
 * the session ended (signed out elsewhere, expired). Returns a function that unsubscribes.
 */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => {
    unauthorizedListeners.delete(listener);
  };
}

function isOwnUnauthorized(error: ApiError, own: RequestOptions['ownUnauthorized']): boolean {
  if (own === true) {
    return true;
  }
  return Array.isArray(own) && own.includes(error.code);
}

// --- Requests ------------------------------------------------------------------------------

function isAbortError(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

function describeStatus(response: Response): string {
  return response.statusText ? `HTTP ${response.status} ${response.statusText}` : `HTTP ${response.status}`;
}

function errorFrom(response: Response, path: string, envelope: ErrorEnvelope | null): ApiError {
  const retryAfter = response.status === 429 ? parseRetryAfter(response.headers.get('Retry-After')) : undefined;
  if (envelope) {
    return new ApiError(response.status, envelope.code, envelope.message, { fields: envelope.fields, retryAfter });
  }
  return new ApiError(response.status, `http_${response.status}`, `Request to ${path} failed: ${describeStatus(response)}.`, {
    retryAfter,
  });
}

/**
 * Sends a request to the Deskmate server and returns the parsed JSON body.
 *
 * `path` is relative to the server root, for example `/api/knowledge` or `/readyz`.
 */
export async function apiRequest<T>(path: string, parse: Parser<T>, options: RequestOptions = {}): Promise<T> {
  const method = (options.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  const init: RequestInit = {
    method,
    headers,
    credentials: 'same-origin',
  };
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.json);
  } else if (options.formData !== undefined) {
    init.body = options.formData;
  } else if (options.text !== undefined) {
    headers['Content-Type'] = options.text.contentType;
    init.body = options.text.body;
  }
  if (!SAFE_METHODS.has(method) && csrfToken !== null) {
    headers[CSRF_HEADER] = csrfToken;
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
  let notJson: unknown = undefined;
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch (err) {
      notJson = err;
    }
  }

  if (notJson !== undefined && accepted) {
    throw new ApiError(
      response.status,
      INVALID_RESPONSE,
      `The answer from ${path} was not JSON (${describeStatus(response)}).`,
      { cause: notJson },
    );
  }

  const envelope = parseErrorEnvelope(body);
  if (!response.ok && (!accepted || envelope)) {
    const error = errorFrom(response, path, envelope);
    if (response.status === 401 && !isOwnUnauthorized(error, options.ownUnauthorized)) {
      for (const listener of [...unauthorizedListeners]) {
        listener(error);
      }
    }
    throw error;
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

/** Parser for answers without a body, such as 204 No Content. */
export function noContent(): void {
  return undefined;
}
