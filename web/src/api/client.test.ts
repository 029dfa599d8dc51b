import { describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  INVALID_RESPONSE,
  NETWORK_ERROR,
  ShapeError,
  apiRequest,
  isRecord,
  onUnauthorized,
  parseRetryAfter,
  setCsrfToken,
} from './client';
import { parseReadiness, parseTimestamp } from './status';

function stubFetch(response: Response | Error) {
  const fetchMock = vi.fn<typeof fetch>(() =>
    response instanceof Error ? Promise.reject(response) : Promise.resolve(response),
  );
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

const identity = (body: unknown) => body;

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) {
      return err;
    }
    throw err;
  }
  throw new Error('expected the request to fail');
}

describe('apiRequest', () => {
  it('sends same-origin credentials and a JSON body', async () => {
    const fetchMock = stubFetch(json(201, { id: 'kb_1' }));

    const body = await apiRequest('/api/knowledge', identity, { method: 'POST', json: { name: 'FAQ' } });

    expect(body).toEqual({ id: 'kb_1' });
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe('/api/knowledge');
    expect(init?.method).toBe('POST');
    expect(init?.credentials).toBe('same-origin');
    expect(init?.body).toBe('{"name":"FAQ"}');
    expect(init?.headers).toMatchObject({ Accept: 'application/json', 'Content-Type': 'application/json' });
  });

  it('turns the error envelope into an ApiError', async () => {
    stubFetch(json(404, { error: { code: 'not_found', message: 'No such route.' } }));

    const err = await caught(apiRequest('/api/nope', identity));

    expect(err.status).toBe(404);
    expect(err.code).toBe('not_found');
    expect(err.message).toBe('No such route.');
  });

  it('reports an error status without an envelope', async () => {
    stubFetch(new Response('oops', { status: 502, statusText: 'Bad Gateway' }));

    const err = await caught(apiRequest('/api/x', identity));

    expect(err.status).toBe(502);
    expect(err.code).toBe('http_502');
    expect(err.message).toContain('HTTP 502 Bad Gateway');
  });

  it('reports a network failure', async () => {
    stubFetch(new TypeError('Failed to fetch'));

    const err = await caught(apiRequest('/api/x', identity));

    expect(err.status).toBe(0);
    expect(err.code).toBe(NETWORK_ERROR);
  });

  it('reports a success that is not JSON', async () => {
    stubFetch(new Response('<!doctype html>', { status: 200 }));

    const err = await caught(apiRequest('/api/x', identity));

    expect(err.code).toBe(INVALID_RESPONSE);
  });

  it('returns accepted non-2xx bodies but still honours an envelope', async () => {
    stubFetch(json(503, { status: 'unavailable' }));
    expect(await apiRequest('/readyz', identity, { acceptStatuses: [503] })).toEqual({ status: 'unavailable' });

    stubFetch(json(503, { error: { code: 'shutting_down', message: 'Deskmate is stopping.' } }));
    const err = await caught(apiRequest('/readyz', identity, { acceptStatuses: [503] }));
    expect(err.code).toBe('shutting_down');
  });

  it('turns a parser ShapeError into invalid_response', async () => {
    stubFetch(json(200, [1, 2]));

    const err = await caught(
      apiRequest('/api/x', (body) => {
        if (!isRecord(body)) {
          throw new ShapeError('not an object');
        }
        return body;
      }),
    );

    expect(err.code).toBe(INVALID_RESPONSE);
    expect(err.status).toBe(200);
    expect(err.message).toBe('Unexpected response from /api/x: not an object.');
  });
});

describe('CSRF token', () => {
  it('is sent on POST, PUT, PATCH and DELETE but not on GET', async () => {
    setCsrfToken('tok-123');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const fetchMock = stubFetch(json(200, {}));
      await apiRequest('/api/x', identity, { method, json: {} });
      expect(fetchMock.mock.calls[0]?.[1]?.headers).toMatchObject({ 'X-CSRF-Token': 'tok-123' });
    }
    const fetchMock = stubFetch(json(200, {}));
    await apiRequest('/api/x', identity);
    expect(fetchMock.mock.calls[0]?.[1]?.headers).not.toHaveProperty('X-CSRF-Token');
  });

  it('is left out when no session is known', async () => {
    setCsrfToken(null);
    const fetchMock = stubFetch(json(200, {}));
    await apiRequest('/api/auth/login', identity, { method: 'POST', json: {} });
    expect(fetchMock.mock.calls[0]?.[1]?.headers).not.toHaveProperty('X-CSRF-Token');
  });
});

describe('error details', () => {
  it('exposes the fields of a 422 envelope', async () => {
    stubFetch(
      json(422, {
        error: {
          code: 'invalid',
          message: 'slug: already taken',
          request_id: 'r1',
          fields: { slug: 'already taken', name: 'must not be empty', bad: 3 },
        },
      }),
    );
    const err = await caught(apiRequest('/api/workspaces', identity, { method: 'POST', json: {} }));
    expect(err.status).toBe(422);
    expect(err.fields).toEqual({ slug: 'already taken', name: 'must not be empty' });
    expect(err.retryAfter).toBeUndefined();
  });

  it('has no fields for other errors', async () => {
    stubFetch(json(409, { error: { code: 'conflict', message: 'already exists' } }));
    const err = await caught(apiRequest('/api/x', identity));
    expect(err.fields).toEqual({});
  });

  it('reads Retry-After of a 429', async () => {
    stubFetch(
      new Response(JSON.stringify({ error: { code: 'too_many_requests', message: 'too many attempts' } }), {
        status: 429,
        headers: { 'Content-Type': 'application/json', 'Retry-After': '840' },
      }),
    );
    const err = await caught(apiRequest('/api/auth/login', identity, { method: 'POST', json: {} }));
    expect(err.code).toBe('too_many_requests');
    expect(err.retryAfter).toBe(840);
  });

  it('understands Retry-After as seconds or as a date', () => {
    const now = Date.UTC(2026, 10, 22, 3, 0, 0);
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Sun, 22 Nov 2026 03:05:00 GMT', now)).toBe(300);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('onUnauthorized', () => {
  it('hears a 401 unless the caller handles it', async () => {
    const heard = vi.fn();
    const stop = onUnauthorized(heard);
    try {
      stubFetch(json(401, { error: { code: 'unauthorized', message: 'sign in first' } }));
      await caught(apiRequest('/api/workspaces', identity));
      expect(heard).toHaveBeenCalledTimes(1);

      stubFetch(json(401, { error: { code: 'invalid_credentials', message: 'wrong email or password' } }));
      await caught(apiRequest('/api/auth/login', identity, { method: 'POST', ownUnauthorized: true }));
      stubFetch(json(401, { error: { code: 'invalid_credentials', message: 'wrong password' } }));
      await caught(apiRequest('/api/auth/password', identity, { method: 'PUT', ownUnauthorized: ['invalid_credentials'] }));
      expect(heard).toHaveBeenCalledTimes(1);

      stubFetch(json(403, { error: { code: 'forbidden', message: 'admins only' } }));
      await caught(apiRequest('/api/x', identity));
      expect(heard).toHaveBeenCalledTimes(1);
    } finally {
      stop();
    }
    stubFetch(json(401, { error: { code: 'unauthorized', message: 'sign in first' } }));
    await caught(apiRequest('/api/workspaces', identity));
    expect(heard).toHaveBeenCalledTimes(1);
  });
});

describe('parseTimestamp', () => {
  it('reads RFC 3339 timestamps, with or without fractions finer than a millisecond', () => {
    expect(parseTimestamp('2026-11-22T02:52:03.275241762Z')).toBe(Date.UTC(2026, 10, 22, 2, 52, 3, 275));
    expect(parseTimestamp('2026-11-22T02:52:03Z')).toBe(Date.UTC(2026, 10, 22, 2, 52, 3));
    expect(parseTimestamp('2026-11-22T04:52:03.5+02:00')).toBe(Date.UTC(2026, 10, 22, 2, 52, 3, 500));
  });

  it('rejects anything else', () => {
    expect(parseTimestamp('yesterday')).toBeUndefined();
    expect(parseTimestamp('2026-11-22')).toBeUndefined();
    expect(parseTimestamp('')).toBeUndefined();
  });
});

describe('parseReadiness', () => {
  it('accepts the documented body', () => {
    const readiness = parseReadiness({
      status: 'ready',
      version: '0.1.0-dev',
      checks: {
        database: { status: 'ok', driver: 'postgres', server_version: '16.14', embedded: true, latency_ms: 1.4 },
        river: { status: 'ok', mode: 'poll', latency_ms: 2.1 },
      },
    });
    expect(readiness.checks.database).toEqual({ status: 'ok', driver: 'postgres', server_version: '16.14', embedded: true, latency_ms: 1.4 });
    expect(readiness.checks.river?.mode).toBe('poll');
  });

  it('accepts the instance and the last heartbeat', () => {
    const readiness = parseReadiness({
      status: 'ready',
      version: '0.1.0-dev',
      instance: { id: '756f2a0b-e03e-46f8-a853-7449b9998bd4', created_at: '2026-11-22T02:52:00.841Z' },
      checks: {
        river: { status: 'ok', mode: 'poll', latency_ms: 1.592, last_heartbeat_at: '2026-11-22T02:52:03.275241762Z' },
      },
    });
    expect(readiness.instance).toEqual({
      id: '756f2a0b-e03e-46f8-a853-7449b9998bd4',
      created_at: '2026-11-22T02:52:00.841Z',
    });
    expect(readiness.checks.river?.last_heartbeat_at).toBe('2026-11-22T02:52:03.275241762Z');
  });

  it('leaves out a missing or malformed instance and heartbeat', () => {
    const older = parseReadiness({ status: 'ready', version: '1', checks: { river: { status: 'ok' } } });
    expect(older).not.toHaveProperty('instance');
    expect(older.checks.river).not.toHaveProperty('last_heartbeat_at');

    const malformed = parseReadiness({
      status: 'ready',
      version: '1',
      instance: { id: 42, created_at: '2026-11-22T02:52:00Z' },
      checks: { river: { status: 'ok', last_heartbeat_at: 'yesterday' } },
    });
    expect(malformed).not.toHaveProperty('instance');
    expect(malformed.checks.river).not.toHaveProperty('last_heartbeat_at');
    const instance = { id: 'x', created_at: 'soon' };
    const undated = parseReadiness({ status: 'ready', version: '1', instance, checks: {} });
    expect(undated).not.toHaveProperty('instance');
  });

  it('rejects an unknown overall status', () => {
    expect(() => parseReadiness({ status: 'maybe', version: '1', checks: {} })).toThrow(ShapeError);
  });

  it('rejects a check without a valid status', () => {
    expect(() => parseReadiness({ status: 'ready', version: '1', checks: { database: { status: 'fine' } } })).toThrow(
      /check "database"/,
    );
  });
});
