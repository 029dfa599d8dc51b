import { afterEach, describe, expect, it, vi } from 'vitest';
import { importAutomations } from './automations';
import { ApiError, CSRF_HEADER, onUnauthorized, setCsrfToken } from './client';

const CSV = 'name,phrases,response\nWhere is my order,where is my order|order status,It ships today.\n';

function stubFetch(response: Response) {
  const fetchMock = vi.fn<typeof fetch>(() => Promise.resolve(response));
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the import to fail');
}

afterEach(() => {
  setCsrfToken(null);
});

describe('importAutomations', () => {
  it('sends a CSV file as text/csv with the session’s CSRF token', async () => {
    setCsrfToken('csrf-1');
    const fetchMock = stubFetch(json(200, { created: 1, updated: 0 }));

    const result = await importAutomations('ws_1', 'automations.csv', CSV);

    expect(result).toEqual({ created: 1, updated: 0 });
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe('/api/workspaces/ws_1/automations/import');
    expect(init?.method).toBe('POST');
    expect(init?.credentials).toBe('same-origin');
    expect(init?.body).toBe(CSV);
    expect(init?.headers).toMatchObject({ Accept: 'application/json', 'Content-Type': 'text/csv', [CSRF_HEADER]: 'csrf-1' });
  });

  it.each([
    ['a CSV file', 'automations.csv', CSV],
    ['a JSON export', 'automations.json', JSON.stringify({ automations: [] })],
  ])('treats a 401 to %s as a lost session, like every other call', async (_kind, fileName, text) => {
    const heard = vi.fn();
    const stop = onUnauthorized(heard);
    try {
      stubFetch(json(401, { error: { code: 'unauthorized', message: 'sign in first' } }));

      const err = await failure(importAutomations('ws_1', fileName, text));

      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ status: 401, code: 'unauthorized', message: 'sign in first' });
      expect(heard).toHaveBeenCalledTimes(1);
      expect(heard.mock.calls[0]?.[0]).toBe(err);
    } finally {
      stop();
    }
  });

  it('reports a failed CSV import with the server’s field messages', async () => {
    stubFetch(
      json(422, {
        error: { code: 'invalid', message: 'file: line 2: response is required', fields: { file: 'line 2: response is required' } },
      }),
    );

    const err = await failure(importAutomations('ws_1', 'automations.csv', CSV));

    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 422, code: 'invalid', fields: { file: 'line 2: response is required' } });
  });
});
