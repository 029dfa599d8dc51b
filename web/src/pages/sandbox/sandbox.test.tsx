import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Role } from '../../api/auth';
import { jsonResponse, renderApp } from '../../test/render';
import { WORKSPACE_ID, errorResponse, fakeServer, sessionAs, type Handler } from '../../test/server';

const BASE = `/api/workspaces/${WORKSPACE_ID}/sandbox`;
const BOT = { id: 2, email: 'deskmate@sandbox.test', name: 'Deskmate', firstname: '', lastname: '', meta: {} };
const ADA = { id: 1, email: 'ada@sandbox.test', name: 'Ada Agent', firstname: 'Ada', lastname: 'Agent', meta: {} };
const CUSTOMER = { id: 31, email: 'grace@example.test', name: 'Grace Hopper' };

const USERS = [
  { id: 1, email: 'ada@sandbox.test', name: 'Ada Agent', active: true, role: { name: 'admin' } },
  { id: 2, email: 'deskmate@sandbox.test', name: 'Deskmate', active: true, role: { name: 'bot' } },
];

const CUSTOMERS = [
  { id: 31, email: 'grace@example.test', name: 'Grace Hopper', orders: 2 },
  { id: 32, email: 'alan@example.test', name: 'Alan Turing', orders: 0 },
];

function message(id: number, overrides: Record<string, unknown>) {
  return {
    id,
    ticket_id: 101,
    public: true,
    channel: 'email',
    via: 'email',
    from_agent: false,
    sender: { ...CUSTOMER, firstname: '', lastname: '', meta: {} },
    body_text: '',
    body_html: '',
    created_datetime: '2026-12-02T10:00:00.000000+00:00',
    ...overrides,
  };
}

const TICKET = {
  id: 101,
  subject: 'Where is my order?',
  status: 'open',
  channel: 'email',
  customer: {
    ...CUSTOMER,
    integrations: { '7': { __integration_type__: 'shopify', orders: [{ name: '#1001' }] }, '9': null },
  },
  assignee_user: null,
  assignee_team: null,
  tags: [
    { id: 1, name: 'ai-agent' },
    { id: 2, name: 'order-status' },
  ],
  messages: [
    message(1, { body_text: 'Where is my order #1001?' }),
    message(2, {
      from_agent: true,
      public: false,
      channel: 'internal-note',
      sender: BOT,
      body_text: '',
      body_html: '<p>Draft reply:<br>Your order shipped today.</p>',
      created_datetime: '2026-12-02T10:00:06.000000+00:00',
    }),
    message(3, { from_agent: true, sender: ADA, body_text: 'Thanks Grace, it is on its way.' }),
    message(4, { from_agent: true, sender: BOT, body_text: 'Anything else I can help with?' }),
  ],
  updated_datetime: '2026-12-02T10:00:06.000000+00:00',
};

const OTHER_TICKET = {
  ...TICKET,
  id: 100,
  subject: 'Returns',
  status: 'closed',
  tags: [],
  messages: [message(10, { ticket_id: 100, body_text: 'How do I return a jacket?' })],
};

const CONNECTION = {
  status: 'connected',
  auth_kind: 'api_key',
  domain: 'sandbox',
  base_url: 'http://127.0.0.1:4011/sandbox',
  sandbox: true,
  api_user: 'admin@sandbox.test',
  api_key_set: true,
  oauth_available: false,
  bot_user: { id: 2, email: 'deskmate@sandbox.test' },
  settings: {
    channels: ['email', 'chat', 'sms'],
    mode: 'draft',
    reply_delay_seconds: 0,
    quiet_seconds: 0,
    handle_unassigned: true,
    handover_user_id: null,
    handover_team_id: null,
    auto_close_minutes: {},
    signature: '',
  },
  webhook_url: '',
  installed: { integrations: [7], widgets: [1], tags: [], views: [] },
  health: { last_webhook_at: null, last_reply_at: null, last_error: '', last_error_at: null, rate_limited_until: null },
};

const WIDGET = {
  data: {
    status: 'Deskmate answers this ticket',
    last_decision: 'reply',
    reason: '',
    summary: '',
    trace_url: 'http://deskmate.test/conversations/44?workspace=1',
  },
  buttons: [
    { label: 'Draft reply', params: [] },
    {
      label: 'Translate',
      params: [{ name: 'language', label: 'Language', type: 'dropdown', options: ['en', 'fr'], required: true }],
    },
    { label: 'Summarize', params: [] },
  ],
};

function sandbox(role: Role, extra: Record<string, Handler> = {}, tickets: unknown[] = [TICKET, OTHER_TICKET]) {
  return fakeServer({
    session: sessionAs(role),
    routes: {
      'GET /api/workspaces': () => jsonResponse(200, []),
      'GET /api/sandbox': () => jsonResponse(200, { available: true, workspace_id: WORKSPACE_ID, reason: '' }),
      'GET /api/workspaces/:id/sandbox/tickets': () => jsonResponse(200, tickets),
      'GET /api/workspaces/:id/sandbox/customers': () => jsonResponse(200, CUSTOMERS),
      'GET /api/workspaces/:id/sandbox/users': () => jsonResponse(200, USERS),
      'GET /api/workspaces/:id/gorgias/connection': () => jsonResponse(200, CONNECTION),
      'GET /api/workspaces/:id/sandbox/tickets/:ticket/widget': () => jsonResponse(200, WIDGET),
      ...extra,
    },
  });
}

async function openTicket() {
  const view = await screen.findByTestId('ticket-view');
  // The bot user is known once the connection is in.
  await within(view).findByText('Deskmate, as the bot user');
  return view;
}

describe('Sandbox', () => {
  it('says why there is no sandbox', async () => {
    fakeServer({
      routes: {
        'GET /api/workspaces': () => jsonResponse(200, []),
        'GET /api/sandbox': () =>
          jsonResponse(200, {
            available: false,
            workspace_id: null,
            reason: 'Start Deskmate with DESKMATE_SANDBOX=true (make run does)',
          }),
      },
    });
    renderApp('/sandbox');
    expect(await screen.findByText('Start Deskmate with DESKMATE_SANDBOX=true (make run does)')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Create the sandbox workspace' })).toBeNull();
  });

  it('lets the instance owner create the sandbox workspace, and switches to it', async () => {
    let created = false;
    const sandboxWorkspace = {
      id: 7,
      slug: 'sandbox',
      name: 'Sandbox',
      gorgias_domain: 'sandbox',
      managed_tags: [],
      role: 'owner',
      created_at: '2026-12-02T10:00:00Z',
      updated_at: '2026-12-02T10:00:00Z',
    };
    const server = fakeServer({
      routes: {
        'GET /api/workspaces': () => jsonResponse(200, created ? [sandboxWorkspace] : []),
        'GET /api/sandbox': () => jsonResponse(200, { available: true, workspace_id: created ? 7 : null, reason: '' }),
        'POST /api/sandbox': () => {
          created = true;
          return jsonResponse(201, { workspace_id: 7 });
        },
        'GET /api/workspaces/:id/sandbox/tickets': () => jsonResponse(200, []),
        'GET /api/workspaces/:id/sandbox/customers': () => jsonResponse(200, CUSTOMERS),
        'GET /api/workspaces/:id/sandbox/users': () => jsonResponse(200, USERS),
        'GET /api/workspaces/:id/gorgias/connection': () => jsonResponse(200, CONNECTION),
      },
    });
    renderApp('/sandbox');
    fireEvent.click(await screen.findByRole('button', { name: 'Create the sandbox workspace' }));
    expect(await screen.findByText('No tickets yet. Write as a customer to open one.')).toBeTruthy();
    expect(screen.getByLabelText<HTMLSelectElement>('Workspace').value).toBe('7');
    expect(server.callsTo('POST', '/api/sandbox')).toHaveLength(1);
    expect(server.callsTo('GET', '/api/workspaces/7/sandbox/tickets').length).toBeGreaterThan(0);
  });

  it('shows the create error', async () => {
    fakeServer({
      routes: {
        'GET /api/workspaces': () => jsonResponse(200, []),
        'GET /api/sandbox': () => jsonResponse(200, { available: true, workspace_id: null, reason: '' }),
        'POST /api/sandbox': () => errorResponse(409, 'conflict', 'The sandbox workspace already exists.'),
      },
    });
    renderApp('/sandbox');
    fireEvent.click(await screen.findByRole('button', { name: 'Create the sandbox workspace' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The sandbox workspace already exists.');
  });

  it('offers to switch to the sandbox workspace from another one', async () => {
    const session = sessionAs('editor');
    session.workspaces.push({ id: '7', slug: 'sandbox', name: 'Sandbox', role: 'editor' });
    fakeServer({
      session,
      routes: {
        'GET /api/sandbox': () => jsonResponse(200, { available: true, workspace_id: 7, reason: '' }),
        'GET /api/workspaces/:id/sandbox/tickets': () => jsonResponse(200, []),
        'GET /api/workspaces/:id/sandbox/customers': () => jsonResponse(200, []),
        'GET /api/workspaces/:id/sandbox/users': () => jsonResponse(200, []),
        'GET /api/workspaces/:id/gorgias/connection': () => jsonResponse(200, CONNECTION),
      },
    });
    renderApp('/sandbox');
    fireEvent.click(await screen.findByRole('button', { name: 'Switch to Sandbox' }));
    expect(await screen.findByRole('form', { name: 'Write as a customer' })).toBeTruthy();
  });

  it('lists the tickets and shows one as a helpdesk does, with the widget beside it', async () => {
    sandbox('editor');
    renderApp('/sandbox?ticket=101');
    const list = await screen.findByRole('navigation', { name: 'Tickets' });
    const items = within(list).getAllByTestId('sandbox-ticket');
    expect(items.map((item) => item.getAttribute('data-ticket-id'))).toEqual(['101', '100']);
    expect(items[0]?.getAttribute('aria-current')).toBe('true');

    const view = await openTicket();
    expect(within(view).getByRole('heading', { name: 'Where is my order?' })).toBeTruthy();
    expect(within(view).getAllByTestId('ticket-tag').map((tag) => tag.textContent)).toEqual(['ai-agent×', 'order-status×']);
    expect(within(view).getByTestId('ticket-assignee').textContent).toBe('Unassigned');

    const messages = within(view).getAllByTestId('message');
    expect(messages.map((item) => item.getAttribute('data-kind'))).toEqual(['customer', 'note', 'agent', 'bot']);
    expect(messages.map((item) => item.getAttribute('data-bot'))).toEqual(['false', 'true', 'false', 'true']);
    expect(within(messages[1] as HTMLElement).getByText('Internal note by Deskmate')).toBeTruthy();
    // A message with HTML only is shown as text.
    expect(within(messages[1] as HTMLElement).getByTestId('message-body').textContent).toBe(
      'Draft reply:\nYour order shipped today.',
    );
    expect(within(messages[2] as HTMLElement).getByText('Ada Agent')).toBeTruthy();

    const widget = screen.getByTestId('widget');
    expect(await within(widget).findByText('Deskmate answers this ticket')).toBeTruthy();
    expect(within(widget).getByTestId('widget-trace').getAttribute('href')).toBe(
      'http://deskmate.test/conversations/44?workspace=1',
    );
    expect(within(widget).getAllByTestId('widget-button').map((button) => button.textContent)).toEqual([
      'Draft reply',
      'Translate',
      'Summarize',
    ]);
    expect(screen.getByRole('group', { name: 'Sandbox connection' }).textContent).toContain(
      'Auto-draft: internal notes for an agent to send',
    );
  });

  it('presses the widget’s buttons, asking first for what a button needs', async () => {
    let fails = false;
    const server = sandbox('editor', {
      'POST /api/workspaces/:id/sandbox/tickets/:ticket/clicks': () =>
        fails
          ? jsonResponse(200, { status: 'error', status_code: 422, body: '', error: 'language: must be a language code' })
          : jsonResponse(200, {
              status: 'success',
              status_code: 202,
              body: '{"message":"Deskmate is on it: the result arrives as an internal note on the ticket.","ok":true}',
            }),
    });
    renderApp('/sandbox?ticket=101');
    await openTicket();
    const widget = screen.getByTestId('widget');
    fireEvent.click(await within(widget).findByRole('button', { name: 'Summarize' }));
    const result = await within(widget).findByTestId('widget-result');
    expect(result.getAttribute('data-status')).toBe('success');
    expect(result.textContent).toContain('Summarize: success (202)');
    expect(within(result).getByText('Deskmate is on it: the result arrives as an internal note on the ticket.')).toBeTruthy();
    expect(server.callsTo('POST', `${BASE}/tickets/101/clicks`)[0]?.body).toEqual({ label: 'Summarize', params: {} });

    fails = true;
    fireEvent.click(within(widget).getByRole('button', { name: 'Translate' }));
    const form = within(widget).getByRole('form', { name: 'Translate' });
    fireEvent.change(within(form).getByLabelText('Language'), { target: { value: 'fr' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Translate' }));
    await waitFor(() => expect(within(widget).getByTestId('widget-result').getAttribute('data-status')).toBe('error'));
    expect(within(widget).getByTestId('widget-result').textContent).toContain('language: must be a language code');
    expect(server.callsTo('POST', `${BASE}/tickets/101/clicks`)[1]?.body).toEqual({
      label: 'Translate',
      params: { language: 'fr' },
    });
  });

  it('writes as a sample customer on a new ticket, and opens it', async () => {
    const consoleError = vi.spyOn(console, 'error');
    let tickets: unknown[] = [OTHER_TICKET];
    const server = sandbox(
      'editor',
      {
        'GET /api/workspaces/:id/sandbox/tickets': () => jsonResponse(200, tickets),
        'POST /api/workspaces/:id/sandbox/messages': () => {
          tickets = [TICKET, OTHER_TICKET];
          return jsonResponse(201, TICKET);
        },
      },
    );
    renderApp('/sandbox');
    const form = await screen.findByRole('form', { name: 'Write as a customer' });
    const customer = within(form).getByLabelText<HTMLSelectElement>('Customer');
    await within(customer).findByRole('option', { name: 'Grace Hopper (grace@example.test) · 2 orders' });
    expect(customer.value).toBe('31');
    fireEvent.change(within(form).getByLabelText('Channel'), { target: { value: 'chat' } });
    fireEvent.change(within(form).getByLabelText('Subject'), { target: { value: 'Order' } });
    fireEvent.change(within(form).getByLabelText('Customer message'), { target: { value: 'Where is my order?' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Open the ticket' }));

    await openTicket();
    expect(server.callsTo('POST', `${BASE}/messages`)[0]?.body).toEqual({
      email: 'grace@example.test',
      name: 'Grace Hopper',
      channel: 'chat',
      ticket_id: 0,
      subject: 'Order',
      body: 'Where is my order?',
    });
    // The form now answers on the ticket, as its customer.
    const again = screen.getByRole('form', { name: 'Write as a customer' });
    expect(within(again).getByText('As Grace Hopper, on ticket #101.')).toBeTruthy();
    fireEvent.change(within(again).getByLabelText('Customer message'), { target: { value: 'Any news?' } });
    fireEvent.click(within(again).getByRole('button', { name: 'Send as the customer' }));
    await waitFor(() => expect(server.callsTo('POST', `${BASE}/messages`)).toHaveLength(2));
    await waitFor(() => expect(within(again).getByLabelText('Customer message')).toHaveProperty('value', ''));
    expect(screen.getAllByTestId('ticket-view')).toHaveLength(1);
    expect(screen.getAllByRole('form', { name: 'Write as a customer' })).toHaveLength(1);
    // Such as two children with the same key, which duplicates the ticket in a browser.
    expect(consoleError).not.toHaveBeenCalled();
    expect(server.callsTo('POST', `${BASE}/messages`)[1]?.body).toEqual({
      email: 'grace@example.test',
      name: 'Grace Hopper',
      channel: 'email',
      ticket_id: 101,
      subject: '',
      body: 'Any news?',
    });
  });

  it('writes as someone else, and shows what the server refused beside the field', async () => {
    const server = sandbox('editor', {
      'POST /api/workspaces/:id/sandbox/messages': () =>
        errorResponse(422, 'invalid', 'email: must be an email address', { fields: { email: 'must be an email address' } }),
    });
    renderApp('/sandbox');
    const form = await screen.findByRole('form', { name: 'Write as a customer' });
    await within(form).findByRole('option', { name: /Grace Hopper/ });
    fireEvent.change(within(form).getByLabelText('Customer'), { target: { value: 'other' } });
    fireEvent.change(within(form).getByLabelText('Customer email'), { target: { value: 'nobody' } });
    fireEvent.change(within(form).getByLabelText('Customer name'), { target: { value: 'No Body' } });
    fireEvent.change(within(form).getByLabelText('Customer message'), { target: { value: 'Hello' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Open the ticket' }));
    const error = (await within(form).findAllByText('must be an email address'))[0] as HTMLElement;
    expect(within(form).getByLabelText('Customer email').getAttribute('aria-describedby')).toContain(error.id);
    expect(server.callsTo('POST', `${BASE}/messages`)[0]?.body).toMatchObject({ email: 'nobody', name: 'No Body' });
  });

  it('acts as an agent: a note, tags, the assignee and closing', async () => {
    const server = sandbox('editor', {
      'POST /api/workspaces/:id/sandbox/tickets/:ticket/replies': () => jsonResponse(201, message(5, {})),
      'POST /api/workspaces/:id/sandbox/tickets/:ticket/tags': () => new Response(null, { status: 204 }),
      'PUT /api/workspaces/:id/sandbox/tickets/:ticket/assignee': () => new Response(null, { status: 204 }),
      'POST /api/workspaces/:id/sandbox/tickets/:ticket/close': () => new Response(null, { status: 204 }),
    });
    renderApp('/sandbox?ticket=101');
    const view = await openTicket();
    const agent = screen.getByRole('region', { name: 'As an agent' });
    expect(within(agent).getByRole<HTMLSelectElement>('combobox', { name: 'Act as' }).value).toBe('1');

    fireEvent.change(within(agent).getByLabelText('Agent reply'), { target: { value: 'Checking with the warehouse.' } });
    fireEvent.click(within(agent).getByRole('checkbox', { name: 'Internal note' }));
    fireEvent.click(within(agent).getByRole('button', { name: 'Add note' }));
    await waitFor(() => expect(server.callsTo('POST', `${BASE}/tickets/101/replies`)).toHaveLength(1));
    expect(server.callsTo('POST', `${BASE}/tickets/101/replies`)[0]?.body).toEqual({
      user_id: 1,
      body: 'Checking with the warehouse.',
      internal: true,
    });

    fireEvent.change(within(agent).getByLabelText('Tag'), { target: { value: 'vip' } });
    fireEvent.click(within(agent).getByRole('button', { name: 'Add tag' }));
    fireEvent.click(within(view).getByRole('button', { name: 'Remove tag order-status' }));
    await waitFor(() => expect(server.callsTo('POST', `${BASE}/tickets/101/tags`)).toHaveLength(2));
    expect(server.callsTo('POST', `${BASE}/tickets/101/tags`).map((call) => call.body)).toEqual([
      { add: ['vip'], remove: [] },
      { add: [], remove: ['order-status'] },
    ]);

    fireEvent.change(within(agent).getByRole('combobox', { name: 'Assignee' }), { target: { value: '1' } });
    await waitFor(() => expect(server.callsTo('PUT', `${BASE}/tickets/101/assignee`)).toHaveLength(1));
    expect(server.callsTo('PUT', `${BASE}/tickets/101/assignee`)[0]?.body).toEqual({ user_id: 1 });

    fireEvent.click(within(agent).getByRole('button', { name: 'Close ticket' }));
    await waitFor(() => expect(server.callsTo('POST', `${BASE}/tickets/101/close`)).toHaveLength(1));
  });

  it('shows why an agent action failed', async () => {
    sandbox('editor', {
      'POST /api/workspaces/:id/sandbox/tickets/:ticket/close': () => errorResponse(404, 'not_found', 'No such ticket.'),
    });
    renderApp('/sandbox?ticket=101');
    await openTicket();
    const agent = screen.getByRole('region', { name: 'As an agent' });
    fireEvent.click(within(agent).getByRole('button', { name: 'Close ticket' }));
    expect((await within(agent).findByRole('alert')).textContent).toBe('No such ticket.');
  });

  it('lets a viewer look, not write', async () => {
    sandbox('viewer');
    renderApp('/sandbox?ticket=101');
    await openTicket();
    expect(screen.getByText('Only editors can write in the sandbox.')).toBeTruthy();
    expect(screen.queryByRole('form', { name: 'Write as a customer' })).toBeNull();
    expect(screen.queryByRole('region', { name: 'As an agent' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Remove tag ai-agent' })).toBeNull();
    expect(await within(screen.getByTestId('widget')).findByText('Deskmate answers this ticket')).toBeTruthy();
    expect(screen.queryAllByTestId('widget-button')).toHaveLength(0);
  });
});
