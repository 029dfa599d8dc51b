import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../api/auth';
import { jsonResponse, renderApp } from '../../test/render';
import { WORKSPACE_ID, errorResponse, fakeServer, sessionAs, type Handler } from '../../test/server';

const BASE = `/api/workspaces/${WORKSPACE_ID}/gorgias`;

const SETTINGS = {
  channels: ['email', 'chat'],
  mode: 'draft',
  reply_delay_seconds: 0,
  quiet_seconds: 5,
  handle_unassigned: true,
  handover_user_id: null,
  handover_team_id: null,
  auto_close_minutes: { email: 0, chat: 30 },
  signature: 'The Acme team',
};

function connection(overrides: Record<string, unknown> = {}) {
  return {
    status: 'disconnected',
    auth_kind: 'api_key',
    domain: 'acme',
    base_url: '',
    sandbox: false,
    api_user: 'it@acme.test',
    api_key_set: true,
    oauth_available: false,
    bot_user: null,
    settings: SETTINGS,
    webhook_url: 'https://deskmate.acme.test/api/gorgias/1/webhook',
    installed: { integrations: [], widgets: [], tags: [], views: [] },
    health: { last_webhook_at: null, last_reply_at: null, last_error: '', last_error_at: null, rate_limited_until: null },
    ...overrides,
  };
}

const CONNECTED = connection({
  status: 'connected',
  bot_user: { id: 12, email: 'deskmate@acme.test' },
  installed: { integrations: [1, 2], widgets: [3], tags: [4, 5, 6], views: [7, 8] },
  health: {
    last_webhook_at: '2026-12-02T10:00:00Z',
    last_reply_at: '2026-12-02T10:00:05Z',
    last_error: 'Gorgias answered 503',
    last_error_at: '2026-12-02T09:00:00Z',
    rate_limited_until: null,
  },
});

const TEST_RESULT = {
  domain: 'acme',
  users: [
    { id: 11, email: 'ada@acme.test', name: 'Ada Agent', role: { name: 'admin' } },
    { id: 12, email: 'deskmate@acme.test', name: 'Deskmate', role: { name: 'bot' } },
  ],
  teams: [{ id: 3, name: 'Tier 2' }],
};

const ACTIONS = [
  {
    id: 5,
    ticket_id: 901,
    cause: 'evt-77',
    action: 'message',
    status: 'done',
    gorgias_message_id: 4411,
    run_id: 7,
    created_at: '2026-12-02T10:00:01Z',
    updated_at: '2026-12-02T10:00:05Z',
    detail: { internal: true },
  },
  {
    id: 6,
    ticket_id: 901,
    cause: 'evt-77',
    action: 'tags',
    status: 'failed',
    gorgias_message_id: null,
    run_id: null,
    created_at: '2026-12-02T10:00:02Z',
    updated_at: '2026-12-02T10:00:02Z',
    detail: { error: 'tag not found' },
  },
];

function as(role: Role, current: unknown, extra: Record<string, Handler> = {}, instanceOwner?: boolean) {
  return fakeServer({
    session: sessionAs(role, instanceOwner === undefined ? {} : { instanceOwner }),
    routes: {
      'GET /api/workspaces': () => jsonResponse(200, []),
      'GET /api/sandbox': () => jsonResponse(200, { available: true, workspace_id: null, reason: '' }),
      'GET /api/workspaces/:id/gorgias': () =>
        jsonResponse(200, { domain: 'acme', api_user: 'it@acme.test', api_key_set: true, api_key_hint: '••••9f3c' }),
      'GET /api/workspaces/:id/gorgias/connection': () => jsonResponse(200, current),
      'GET /api/workspaces/:id/gorgias/actions': () => jsonResponse(200, []),
      ...extra,
    },
  });
}

async function page() {
  await screen.findByRole('heading', { level: 1, name: 'Gorgias' });
  return screen.findByRole('region', { name: 'Connection' });
}

function step(name: string): HTMLElement {
  return screen.getByRole('listitem', { name: new RegExp(name) });
}

describe('Gorgias page', () => {
  it('shows the status, the sandbox, what is installed and the health', async () => {
    as('admin', { ...CONNECTED, sandbox: true });
    renderApp('/gorgias');
    const overview = await page();

    const status = within(overview).getByTestId('gorgias-status');
    expect(within(status).getByText('Connected')).toBeTruthy();
    expect(within(status).getByText('Sandbox')).toBeTruthy();
    expect(within(overview).getByText('https://acme.gorgias.com')).toBeTruthy();
    expect(within(overview).getByText('deskmate@acme.test')).toBeTruthy();
    expect(within(overview).getByText('2 integrations, 1 widget, 3 tags, 2 views')).toBeTruthy();

    const health = screen.getByRole('region', { name: 'Health' });
    expect(within(health).getByText('Gorgias answered 503')).toBeTruthy();
    expect(within(health).getByText('Not limited')).toBeTruthy();
    expect(within(health).queryByText('None received yet')).toBeNull();

    const header = screen.getByRole('group', { name: 'Connection status' });
    expect(within(header).getByText('Connected')).toBeTruthy();
    expect(await screen.findByRole('link', { name: 'Open the Sandbox' })).toBeTruthy();
  });

  it('saves the credentials, keeping the key when the box is empty', async () => {
    const server = as('admin', connection(), {
      'PUT /api/workspaces/:id/gorgias': ({ body }) =>
        jsonResponse(200, { ...(body as object), api_key_set: true, api_key_hint: '••••9f3c' }),
    });
    renderApp('/gorgias');
    await page();
    const form = await screen.findByRole('form', { name: 'Gorgias credentials' });
    expect(within(form).getByText('Saved: ••••9f3c. Leave empty to keep it.')).toBeTruthy();

    fireEvent.change(within(form).getByLabelText('Gorgias domain'), { target: { value: 'https://acme-eu.gorgias.com' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save credentials' }));
    expect(await within(form).findByText('Saved.')).toBeTruthy();
    expect(server.callsTo('PUT', BASE)[0]?.body).toEqual({ domain: 'acme-eu', api_user: 'it@acme.test' });

    fireEvent.change(within(form).getByLabelText('API key'), { target: { value: 'new-secret-key' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save credentials' }));
    await waitFor(() => expect(server.callsTo('PUT', BASE)).toHaveLength(2));
    expect(server.callsTo('PUT', BASE)[1]?.body).toMatchObject({ api_key: 'new-secret-key' });
  });

  it('shows the credential errors beside the fields', async () => {
    as('admin', connection(), {
      'PUT /api/workspaces/:id/gorgias': () =>
        errorResponse(422, 'invalid', 'domain: must be a Gorgias subdomain', {
          fields: { domain: 'must be a Gorgias subdomain', api_user: 'must be an email address' },
        }),
    });
    renderApp('/gorgias');
    const form = await screen.findByRole('form', { name: 'Gorgias credentials' });
    fireEvent.click(within(form).getByRole('button', { name: 'Save credentials' }));

    const error = await within(form).findByText('must be a Gorgias subdomain');
    const domain = within(form).getByLabelText('Gorgias domain');
    expect(domain.getAttribute('aria-invalid')).toBe('true');
    expect(domain.getAttribute('aria-describedby')).toContain(error.id);
    expect(within(form).getByLabelText('API user email').getAttribute('aria-invalid')).toBe('true');
  });

  it('tests the connection, then offers its users as the bot user and for hand-overs', async () => {
    let failing = true;
    const server = as('admin', connection(), {
      'POST /api/workspaces/:id/gorgias/test': () =>
        failing
          ? errorResponse(502, 'gorgias_unauthorized', 'Gorgias refused the API key: check the API user and key.')
          : jsonResponse(200, TEST_RESULT),
      'PUT /api/workspaces/:id/gorgias/bot-user': () => jsonResponse(200, connection({ bot_user: { id: 11, email: 'ada@acme.test' } })),
    });
    renderApp('/gorgias');
    await page();

    const test = step('Test the connection');
    fireEvent.click(within(test).getByRole('button', { name: 'Test connection' }));
    expect((await within(test).findByRole('alert')).textContent).toBe('Gorgias refused the API key: check the API user and key.');

    failing = false;
    fireEvent.click(within(test).getByRole('button', { name: 'Test connection' }));
    expect(await within(test).findByText('Gorgias answered: acme has 2 users and 1 team.')).toBeTruthy();
    expect(within(test).queryByRole('alert')).toBeNull();

    const bot = step('Bot user');
    const user = within(bot).getByLabelText('User');
    expect(within(user).getByRole('option', { name: 'Ada Agent (ada@acme.test) · admin' })).toBeTruthy();
    fireEvent.change(user, { target: { value: '11' } });
    fireEvent.click(within(bot).getByRole('button', { name: 'Use this user' }));
    expect(await within(bot).findByText('ada@acme.test')).toBeTruthy();
    expect(server.callsTo('PUT', `${BASE}/bot-user`)[0]?.body).toEqual({ user_id: 11 });

    const handover = within(step('How Deskmate answers')).getByLabelText('On hand-over assign to');
    expect(within(handover).getByRole('option', { name: 'Tier 2' })).toBeTruthy();
    expect(within(handover).getByRole('option', { name: 'Deskmate (deskmate@acme.test)' })).toBeTruthy();
  });

  it('creates a bot user', async () => {
    const server = as('admin', connection(), {
      'PUT /api/workspaces/:id/gorgias/bot-user': () =>
        errorResponse(422, 'invalid', 'create.email: is already a Gorgias user', {
          fields: { 'create.email': 'is already a Gorgias user' },
        }),
    });
    renderApp('/gorgias');
    await page();
    const bot = step('Bot user');
    fireEvent.click(within(bot).getByRole('radio', { name: 'Create a user for Deskmate' }));
    fireEvent.change(within(bot).getByLabelText('Email'), { target: { value: 'bot@acme.test' } });
    fireEvent.click(within(bot).getByRole('button', { name: 'Create bot user' }));
    expect(await within(bot).findByText('is already a Gorgias user')).toBeTruthy();
    expect(within(bot).getByLabelText('Email').getAttribute('aria-invalid')).toBe('true');
    expect(server.callsTo('PUT', `${BASE}/bot-user`)[0]?.body).toEqual({
      create: { name: 'Deskmate', email: 'bot@acme.test' },
    });
  });

  it('saves the settings, and shows their errors beside the fields', async () => {
    let invalid = true;
    const server = as('admin', connection(), {
      'PUT /api/workspaces/:id/gorgias/settings': ({ body }) =>
        invalid
          ? errorResponse(422, 'invalid', 'invalid settings', {
              fields: { reply_delay_seconds: 'must be from 0 to 3600', 'auto_close_minutes.sms': 'must be 0 or more' },
            })
          : jsonResponse(200, connection({ settings: body })),
    });
    renderApp('/gorgias');
    await page();
    const form = screen.getByRole('form', { name: 'Gorgias settings' });

    expect(within(form).getByRole('radio', { name: 'Auto-draft: internal notes for an agent to send' })).toHaveProperty('checked', true);
    fireEvent.click(within(form).getByRole('radio', { name: 'Auto-pilot: reply to customers as the bot user' }));
    fireEvent.click(within(form).getByRole('checkbox', { name: 'SMS' }));
    fireEvent.click(within(form).getByRole('checkbox', { name: 'Chat' }));
    fireEvent.change(within(form).getByLabelText('Reply delay (seconds)'), { target: { value: '9000' } });
    fireEvent.change(within(form).getByLabelText('SMS (minutes)'), { target: { value: '-5' } });
    fireEvent.click(within(form).getByRole('checkbox', { name: 'Answer unassigned tickets' }));
    fireEvent.change(within(form).getByLabelText('Signature'), { target: { value: 'Ada\nAcme' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save settings' }));

    const delayError = await within(form).findByText('must be from 0 to 3600');
    expect(within(form).getByLabelText('Reply delay (seconds)').getAttribute('aria-describedby')).toContain(delayError.id);
    expect(within(form).getByLabelText('SMS (minutes)').getAttribute('aria-invalid')).toBe('true');
    expect(within(form).getByText('Some settings need a change: see the messages above.')).toBeTruthy();
    expect(server.callsTo('PUT', `${BASE}/settings`)[0]?.body).toEqual({
      channels: ['email', 'sms'],
      mode: 'autopilot',
      reply_delay_seconds: 9000,
      quiet_seconds: 5,
      handle_unassigned: false,
      handover_user_id: null,
      handover_team_id: null,
      auto_close_minutes: { email: 0, sms: -1 },
      signature: 'Ada\nAcme',
    });

    invalid = false;
    fireEvent.change(within(form).getByLabelText('Reply delay (seconds)'), { target: { value: '60' } });
    fireEvent.change(within(form).getByLabelText('SMS (minutes)'), { target: { value: '120' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save settings' }));
    expect(await within(form).findByText('Saved. Deskmate uses them on the next ticket.')).toBeTruthy();
    expect(within(form).queryByText('must be from 0 to 3600')).toBeNull();
    expect(server.callsTo('PUT', `${BASE}/settings`)[1]?.body).toMatchObject({
      reply_delay_seconds: 60,
      auto_close_minutes: { email: 0, sms: 120 },
    });
  });

  it('sends a hand-over team as handover_team_id', async () => {
    const server = as('admin', connection({ settings: { ...SETTINGS, handover_team_id: 3 } }), {
      'PUT /api/workspaces/:id/gorgias/settings': ({ body }) => jsonResponse(200, connection({ settings: body })),
    });
    renderApp('/gorgias');
    await page();
    const form = screen.getByRole('form', { name: 'Gorgias settings' });
    // Before a test, the saved team is still shown.
    const handover = within(form).getByLabelText('On hand-over assign to');
    expect((handover as HTMLSelectElement).value).toBe('team:3');
    expect(within(handover).getByRole('option', { name: 'Team #3' })).toBeTruthy();
    fireEvent.click(within(form).getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(server.callsTo('PUT', `${BASE}/settings`)).toHaveLength(1));
    expect(server.callsTo('PUT', `${BASE}/settings`)[0]?.body).toMatchObject({ handover_user_id: null, handover_team_id: 3 });
  });

  it('connects, pauses, resumes and disconnects with the ticket data', async () => {
    const server = as('admin', connection({ bot_user: { id: 12, email: 'deskmate@acme.test' } }), {
      'POST /api/workspaces/:id/gorgias/connect': () => jsonResponse(200, CONNECTED),
      'POST /api/workspaces/:id/gorgias/pause': () => jsonResponse(200, { ...CONNECTED, status: 'paused' }),
      'POST /api/workspaces/:id/gorgias/resume': () => jsonResponse(200, CONNECTED),
      'POST /api/workspaces/:id/gorgias/disconnect': () => jsonResponse(200, connection()),
    });
    renderApp('/gorgias');
    await page();
    const connect = step('Connect');
    const header = screen.getByRole('group', { name: 'Connection status' });
    expect(within(header).getByText('Disconnected')).toBeTruthy();

    fireEvent.click(within(connect).getByRole('button', { name: 'Connect' }));
    expect(await within(header).findByText('Connected')).toBeTruthy();
    fireEvent.click(within(connect).getByRole('button', { name: 'Pause' }));
    expect(await within(header).findByText('Paused')).toBeTruthy();
    expect(within(connect).getByText(/Paused: Deskmate leaves new tickets alone/)).toBeTruthy();
    fireEvent.click(within(connect).getByRole('button', { name: 'Resume' }));
    expect(await within(header).findByText('Connected')).toBeTruthy();

    fireEvent.click(within(connect).getByRole('checkbox', { name: 'Also delete what Deskmate kept about tickets' }));
    fireEvent.click(within(connect).getByRole('button', { name: 'Disconnect' }));
    const confirm = within(connect).getByRole('group', { name: 'Disconnect and delete the ticket data?' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Disconnect' }));
    expect(await within(header).findByText('Disconnected')).toBeTruthy();

    expect(server.callsTo('POST', `${BASE}/connect`)).toHaveLength(1);
    expect(server.callsTo('POST', `${BASE}/pause`)).toHaveLength(1);
    expect(server.callsTo('POST', `${BASE}/resume`)).toHaveLength(1);
    expect(server.callsTo('POST', `${BASE}/disconnect`)[0]?.body).toEqual({ purge: true });
  });

  it('shows why Connect failed', async () => {
    as('admin', connection(), {
      'POST /api/workspaces/:id/gorgias/connect': () =>
        errorResponse(409, 'conflict', 'Choose a bot user before connecting.'),
    });
    renderApp('/gorgias');
    await page();
    const connect = step('Connect');
    fireEvent.click(within(connect).getByRole('button', { name: 'Connect' }));
    expect((await within(connect).findByRole('alert')).textContent).toBe('Choose a bot user before connecting.');
  });

  it('installs with Gorgias, and says how the round trip ended', async () => {
    const authorize = `${window.location.origin}/#gorgias-authorize`;
    const server = as('admin', connection({ oauth_available: true }), {
      'POST /api/workspaces/:id/gorgias/oauth/start': () => jsonResponse(200, { url: authorize }),
    });
    renderApp('/gorgias?error=The%20authorization%20was%20refused');
    await page();
    expect((await screen.findByText(/Installing with Gorgias did not work/)).textContent).toBe(
      'Installing with Gorgias did not work: The authorization was refused',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Install with Gorgias' }));
    await waitFor(() => expect(window.location.hash).toBe('#gorgias-authorize'));
    expect(server.callsTo('POST', `${BASE}/oauth/start`)).toHaveLength(1);
    window.location.hash = '';
  });

  it('welcomes back from an install that worked', async () => {
    as('admin', connection({ auth_kind: 'oauth' }));
    renderApp('/gorgias?connected=1');
    await page();
    expect(screen.getByText(/Gorgias granted Deskmate access to the account/)).toBeTruthy();
    expect(screen.getByText(/Access granted by Gorgias/)).toBeTruthy();
  });

  it('lists the recent activity, with the runs', async () => {
    as('viewer', CONNECTED, { 'GET /api/workspaces/:id/gorgias/actions': () => jsonResponse(200, ACTIONS) });
    renderApp('/gorgias');
    await page();
    const table = await screen.findByRole('table', { name: 'Recent activity' });
    const rows = within(table).getAllByTestId('gorgias-action');
    expect(rows).toHaveLength(2);
    expect(within(rows[0] as HTMLElement).getByRole('link', { name: 'Run #7' }).getAttribute('href')).toBe('/conversations/7');
    expect(within(rows[0] as HTMLElement).getByText('Done')).toBeTruthy();
    expect(within(rows[1] as HTMLElement).getByText('Failed')).toBeTruthy();
    expect(within(rows[1] as HTMLElement).getByText('tag not found')).toBeTruthy();
  });

  it('shows viewers and editors the connection read-only', async () => {
    const server = as('editor', CONNECTED);
    renderApp('/gorgias');
    await page();
    expect(screen.queryByRole('button', { name: /^Save/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Test connection' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Pause' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Disconnect' })).toBeNull();
    expect((await screen.findByLabelText('Gorgias domain')).matches(':disabled')).toBe(true);
    expect(screen.getByLabelText('Reply delay (seconds)').matches(':disabled')).toBe(true);
    expect(screen.getAllByText('Only admins can change this.').length).toBeGreaterThan(0);
    expect(screen.queryByRole('region', { name: 'Gorgias address' })).toBeNull();
    expect(server.calls.filter((call) => call.method !== 'GET')).toHaveLength(0);
  });

  it('lets the instance owner change the Gorgias address', async () => {
    const server = as('owner', connection(), {
      'PUT /api/workspaces/:id/gorgias/base-url': ({ body }) =>
        jsonResponse(200, connection({ base_url: (body as { base_url: string }).base_url })),
    });
    renderApp('/gorgias');
    await page();
    const panel = screen.getByRole('region', { name: 'Gorgias address' });
    fireEvent.change(within(panel).getByLabelText('Base URL'), { target: { value: ' http://127.0.0.1:9999 ' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Save address' }));
    expect(await within(panel).findByText('Saved.')).toBeTruthy();
    expect(server.callsTo('PUT', `${BASE}/base-url`)[0]?.body).toEqual({ base_url: 'http://127.0.0.1:9999' });
    expect(within(screen.getByRole('region', { name: 'Connection' })).getByText('http://127.0.0.1:9999')).toBeTruthy();
  });

  it('does not show an admin who is not the instance owner the Gorgias address', async () => {
    as('admin', connection(), {}, false);
    renderApp('/gorgias');
    await page();
    expect(screen.queryByRole('region', { name: 'Gorgias address' })).toBeNull();
  });

  it('tells a user without a workspace where to go', async () => {
    const lonely = sessionAs('editor');
    lonely.workspaces = [];
    fakeServer({ session: lonely });
    renderApp('/gorgias');
    expect(await screen.findByText(/Gorgias belongs to a workspace, and you have none yet/)).toBeTruthy();
  });
});
