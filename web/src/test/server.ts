/** A fake Deskmate API for component tests: routes by method and path, and records every call. */
import { vi } from 'vitest';
import type { Role, Session } from '../api/auth';
import { jsonResponse } from './render';

/** A request as a route handler sees it. */
export interface FakeRequest {
  method: string;
  path: string;
  url: URL;
  params: Record<string, string>;
  headers: Record<string, string>;
  /** A JSON body parsed; any other text body (such as CSV) as sent. */
  body: unknown;
}

export type Handler = (request: FakeRequest) => Response | Promise<Response>;

export interface FakeServerOptions {
  /** Answer of `GET /api/setup`; false by default. */
  setupNeeded?: boolean;
  /** Answer of `GET /api/auth/me`: a session (the default owner one), or null for 401. */
  session?: Session | null;
  /** Extra or replaced routes, such as `'GET /api/workspaces/:id/members'`. */
  routes?: Record<string, Handler>;
}

export const WORKSPACE_ID = 'ws_1';

/** A session of `role` in the workspace "Acme Support"; an owner is also the instance owner. */
export function sessionAs(role: Role, options: { instanceOwner?: boolean; csrf?: string } = {}): Session {
  const instanceOwner = options.instanceOwner ?? role === 'owner';
  return {
    user: {
      id: `user_${role}`,
      email: `${role}@acme.test`,
      name: `${role.charAt(0).toUpperCase()}${role.slice(1)} Person`,
      instance_role: instanceOwner ? 'owner' : 'member',
    },
    csrf_token: options.csrf ?? `csrf-${role}`,
    workspaces: [{ id: WORKSPACE_ID, slug: 'acme-support', name: 'Acme Support', role }],
  };
}

/** An error envelope answer. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  extra: { fields?: Record<string, string>; headers?: Record<string, string> } = {},
): Response {
  const body: Record<string, unknown> = { code, message, request_id: 'req_test' };
  if (extra.fields) {
    body.fields = extra.fields;
  }
  return new Response(JSON.stringify({ error: body }), {
    status,
    headers: { 'Content-Type': 'application/json', ...extra.headers },
  });
}

export const READY = {
  status: 'ready',
  version: '0.1.0-dev',
  checks: { database: { status: 'ok', driver: 'postgres', server_version: '16.14', embedded: true, latency_ms: 1 } },
};

/** The address a `fetch` was called with, whichever form it was given in. */
export function urlOf(input: RequestInfo | URL): string {
  if (typeof input === 'string') {
    return input;
  }
  return input instanceof URL ? input.href : input.url;
}

function headersOf(init: RequestInit | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, key) => {
    headers[key.toLowerCase()] = value;
  });
  return headers;
}

function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) {
    return null;
  }
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i] ?? '';
    const actual = got[i] ?? '';
    if (part.startsWith(':')) {
      params[part.slice(1)] = decodeURIComponent(actual);
    } else if (part !== actual) {
      return null;
    }
  }
  return params;
}

/** Installs the fake API as `fetch`. */
export function fakeServer(options: FakeServerOptions = {}) {
  const session = options.session === undefined ? sessionAs('owner') : options.session;
  const routes: Record<string, Handler> = {
    'GET /api/setup': () => jsonResponse(200, { needed: options.setupNeeded ?? false }),
    'GET /api/auth/me': () =>
      session ? jsonResponse(200, session) : errorResponse(401, 'unauthorized', 'Not signed in.'),
    'GET /readyz': () => jsonResponse(200, READY),
    ...options.routes,
  };
  const calls: FakeRequest[] = [];

  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(urlOf(input), 'http://deskmate.test');
    const method = (init?.method ?? 'GET').toUpperCase();
    const text = typeof init?.body === 'string' ? init.body : '';
    const headers = headersOf(init);
    const isJson = headers['content-type']?.startsWith('application/json') ?? false;
    const base: Omit<FakeRequest, 'params'> = {
      method,
      path: url.pathname,
      url,
      headers,
      body: text === '' ? undefined : isJson ? (JSON.parse(text) as unknown) : text,
    };
    calls.push({ ...base, params: {} });
    for (const [key, handler] of Object.entries(routes)) {
      const [routeMethod = '', pattern = ''] = key.split(' ');
      if (routeMethod !== method) {
        continue;
      }
      const params = match(pattern, url.pathname);
      if (params) {
        return handler({ ...base, params });
      }
    }
    return errorResponse(404, 'not_found', `No route for ${method} ${url.pathname}.`);
  });
  vi.stubGlobal('fetch', fetchMock);

  return {
    fetch: fetchMock,
    calls,
    /** The calls made with `method` to `path`. */
    callsTo(method: string, path: string): FakeRequest[] {
      return calls.filter((call) => call.method === method && call.path === path);
    },
  };
}
