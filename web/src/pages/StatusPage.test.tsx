import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, renderApp } from '../test/render';
import { fakeServer } from '../test/server';

/** Signs in as the owner and answers `GET /readyz` with `impl`. */
function stubFetch(impl: () => Promise<Response>) {
  const readyz = vi.fn(impl);
  fakeServer({ routes: { 'GET /readyz': () => readyz(), 'GET /api/workspaces': () => jsonResponse(200, []) } });
  return readyz;
}

/** The browser's clock when the tests that use it check the server. */
const NOW = new Date('2026-11-22T03:00:00.000Z');

/** Freezes Date (only Date: timers keep running) at {@link NOW}. */
function freezeClock() {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
}

/** A ready answer whose river check reports `heartbeat` as its last heartbeat, if given. */
function readyWithHeartbeat(heartbeat: string | undefined) {
  return jsonResponse(200, {
    status: 'ready',
    version: '0.1.0-dev',
    instance: { id: '756f2a0b-e03e-46f8-a853-7449b9998bd4', created_at: '2026-11-22T02:52:00.841Z' },
    checks: {
      database: { status: 'ok', driver: 'postgres', server_version: '16.14', embedded: true, latency_ms: 1.255 },
      river: { status: 'ok', mode: 'poll', latency_ms: 1.592, last_heartbeat_at: heartbeat },
    },
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Status page', () => {
  it('shows a ready server', async () => {
    const fetchMock = stubFetch(() =>
      Promise.resolve(
        jsonResponse(200, {
          status: 'ready',
          version: '0.1.0-dev',
          checks: {
            database: { status: 'ok', driver: 'postgres', server_version: '16.14', embedded: true, latency_ms: 1.4 },
            river: { status: 'ok', mode: 'poll', latency_ms: 2.1 },
          },
        }),
      ),
    );

    renderApp('/status');

    expect(await screen.findByRole('heading', { name: 'Deskmate is ready' })).toBeTruthy();
    expect(screen.getByText('0.1.0-dev')).toBeTruthy();

    const database = screen.getByRole('region', { name: 'Database' });
    expect(within(database).getByText('Ready')).toBeTruthy();
    expect(within(database).getByText('Embedded PostgreSQL 16.14')).toBeTruthy();
    expect(within(database).getByText('1.4 ms')).toBeTruthy();

    const river = screen.getByRole('region', { name: 'Job queue' });
    expect(within(river).getByText('Ready')).toBeTruthy();
    expect(within(river).getByText(/^Poll/)).toBeTruthy();
    expect(within(river).getByText('2.1 ms')).toBeTruthy();

    expect(fetchMock).toHaveBeenCalled();
    const call = vi.mocked(fetch).mock.calls.find(([url]) => url === '/readyz');
    expect(call?.[1]?.credentials).toBe('same-origin');
  });

  it('shows an unavailable server from a 503 answer', async () => {
    stubFetch(() =>
      Promise.resolve(
        jsonResponse(503, {
          status: 'unavailable',
          version: '0.1.0-dev',
          checks: {
            database: {
              status: 'error',
              driver: 'postgres',
              embedded: false,
              error: 'dial tcp 127.0.0.1:5432: connect: connection refused',
            },
            river: { status: 'ok', mode: 'listen', latency_ms: 12.6 },
          },
        }),
      ),
    );

    renderApp('/status');

    expect(await screen.findByRole('heading', { name: 'Deskmate is not ready' })).toBeTruthy();

    const database = screen.getByRole('region', { name: 'Database' });
    expect(within(database).getByText('Unavailable')).toBeTruthy();
    expect(within(database).getByText('PostgreSQL')).toBeTruthy();
    expect(within(database).getByText('dial tcp 127.0.0.1:5432: connect: connection refused')).toBeTruthy();
    expect(within(database).getByText('—')).toBeTruthy();

    const river = screen.getByRole('region', { name: 'Job queue' });
    expect(within(river).getByText('Ready')).toBeTruthy();
    expect(within(river).getByText(/^Listen/)).toBeTruthy();
    expect(within(river).getByText('13 ms')).toBeTruthy();
  });

  it('says so when a check is not reported', async () => {
    stubFetch(() =>
      Promise.resolve(
        jsonResponse(200, {
          status: 'ready',
          version: '0.1.0-dev',
          checks: { database: { status: 'ok', driver: 'postgres', server_version: '16.14', embedded: true, latency_ms: 0.8 } },
        }),
      ),
    );

    renderApp('/status');

    const river = await screen.findByRole('region', { name: 'Job queue' });
    expect(within(river).getByText('Not reported')).toBeTruthy();
  });

  it('shows a network error instead of a blank page', async () => {
    stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));

    renderApp('/status');

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'Could not reach the Deskmate server' })).toBeTruthy();
    expect(within(alert).getByText(/Failed to fetch/)).toBeTruthy();
  });

  it('shows an answer that is not JSON as an error', async () => {
    stubFetch(() =>
      Promise.resolve(new Response('<html>Bad gateway</html>', { status: 503, headers: { 'Content-Type': 'text/html' } })),
    );

    renderApp('/status');

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'The status check failed (HTTP 503)' })).toBeTruthy();
    expect(within(alert).getByText(/was not JSON/)).toBeTruthy();
  });

  it('shows an error envelope from the server', async () => {
    stubFetch(() =>
      Promise.resolve(jsonResponse(500, { error: { code: 'internal', message: 'Something went wrong.' } })),
    );

    renderApp('/status');

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'The status check failed (HTTP 500)' })).toBeTruthy();
    expect(within(alert).getByText('Something went wrong.')).toBeTruthy();
  });

  it('shows the instance in the summary', async () => {
    stubFetch(() => Promise.resolve(readyWithHeartbeat(undefined)));

    renderApp('/status');

    const summary = await screen.findByRole('region', { name: 'Deskmate is ready' });
    const id = within(summary).getByText('756f2a0b');
    expect(id.getAttribute('title')).toBe('756f2a0b-e03e-46f8-a853-7449b9998bd4');
    expect(within(summary).getByText('Instance')).toBeTruthy();
    const since = within(summary).getByText(/^since/);
    const created = since.querySelector('time');
    expect(created?.getAttribute('dateTime')).toBe('2026-11-22T02:52:00.841Z');
    expect(created?.textContent).toBe(
      new Date('2026-11-22T02:52:00.841Z').toLocaleDateString(undefined, {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
      }),
    );
  });

  it('leaves the instance out when an older server does not report it', async () => {
    stubFetch(() =>
      Promise.resolve(
        jsonResponse(200, {
          status: 'ready',
          version: '0.1.0-dev',
          checks: { river: { status: 'ok', mode: 'poll', latency_ms: 1 } },
        }),
      ),
    );

    renderApp('/status');

    const summary = await screen.findByRole('region', { name: 'Deskmate is ready' });
    expect(within(summary).queryByText('Instance')).toBeNull();
  });

  it('shows when a job was last worked', async () => {
    freezeClock();
    stubFetch(() => Promise.resolve(readyWithHeartbeat('2026-11-22T02:59:47.275241762Z')));

    renderApp('/status');

    const river = await screen.findByRole('region', { name: 'Job queue' });
    const row = within(river).getByText('Last job worked').closest('div');
    expect(row).not.toBeNull();
    const worked = within(row as HTMLElement).getByText('12 s ago');
    expect(worked.getAttribute('dateTime')).toBe('2026-11-22T02:59:47.275Z');
    expect(within(river).queryByText(/No job worked/)).toBeNull();
    expect(within(river).getByText('Ready')).toBeTruthy();
  });

  it('warns when no job was worked for more than 2 minutes', async () => {
    freezeClock();
    stubFetch(() => Promise.resolve(readyWithHeartbeat('2026-11-22T02:56:30Z')));

    renderApp('/status');

    const river = await screen.findByRole('region', { name: 'Job queue' });
    expect(within(river).getByText('3 min ago')).toBeTruthy();
    expect(within(river).getByText('No job worked for 3 min: are workers running?')).toBeTruthy();
    // A warning, not a failure: the queue and the server are still ready.
    expect(within(river).getByText('Ready')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Deskmate is ready' })).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('does not warn about a heartbeat exactly 2 minutes old', async () => {
    freezeClock();
    stubFetch(() => Promise.resolve(readyWithHeartbeat('2026-11-22T02:58:00Z')));

    renderApp('/status');

    const river = await screen.findByRole('region', { name: 'Job queue' });
    expect(within(river).getByText('2 min ago')).toBeTruthy();
    expect(within(river).queryByText(/are workers running/)).toBeNull();
  });

  it('says so when no job was worked yet', async () => {
    stubFetch(() => Promise.resolve(readyWithHeartbeat(undefined)));

    renderApp('/status');

    const river = await screen.findByRole('region', { name: 'Job queue' });
    const row = within(river).getByText('Last job worked').closest('div');
    expect(within(row as HTMLElement).getByText('No job worked yet')).toBeTruthy();
    expect(within(river).queryByText(/are workers running/)).toBeNull();
  });
});
