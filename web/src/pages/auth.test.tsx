import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { jsonResponse, renderApp } from '../test/render';
import { WORKSPACE_ID, errorResponse, fakeServer, sessionAs } from '../test/server';

function type(label: string | RegExp, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

const WORKSPACE = {
  id: 1,
  slug: 'acme-support',
  name: 'Acme Support',
  gorgias_domain: 'acme',
  managed_tags: ['ai-agent'],
  role: 'owner',
  created_at: '2026-11-22T02:52:00Z',
  updated_at: '2026-11-22T02:52:00Z',
};

describe('first run', () => {
  it('sends every page to setup while no user exists', async () => {
    const server = fakeServer({ setupNeeded: true, session: null });
    renderApp('/');
    expect(await screen.findByRole('heading', { level: 1, name: 'Set up Deskmate' })).toBeTruthy();
    // Nobody can be signed in yet, so the session is not even asked for.
    expect(server.callsTo('GET', '/api/auth/me')).toHaveLength(0);
  });

  it('creates the owner, signs in and opens Workspaces', async () => {
    const owner = sessionAs('owner', { csrf: 'csrf-new' });
    owner.workspaces = [];
    const server = fakeServer({
      setupNeeded: true,
      session: null,
      routes: {
        'POST /api/setup': () => jsonResponse(201, owner),
        'GET /api/workspaces': () => jsonResponse(200, []),
      },
    });
    renderApp('/setup');
    await screen.findByRole('heading', { name: 'Set up Deskmate' });

    type('Your name', 'Ada Lovelace');
    type('Email', 'ada@acme.test');
    type(/^Password/, 'correct horse battery');
    type('Confirm password', 'correct horse battery');
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Workspaces' })).toBeTruthy();
    const [setup] = server.callsTo('POST', '/api/setup');
    expect(setup?.body).toEqual({ email: 'ada@acme.test', name: 'Ada Lovelace', password: 'correct horse battery' });
    expect(screen.getByRole('button', { name: /Owner Person/ })).toBeTruthy();
    expect(await screen.findByText('There is no workspace yet. Create one to connect a Gorgias account.')).toBeTruthy();
  });

  it('checks the password before sending, and shows server field errors beside the fields', async () => {
    const server = fakeServer({
      setupNeeded: true,
      session: null,
      routes: {
        'POST /api/setup': () =>
          errorResponse(422, 'invalid', 'email: not a valid address', { fields: { email: 'not a valid address' } }),
      },
    });
    renderApp('/setup');
    await screen.findByRole('heading', { name: 'Set up Deskmate' });

    type('Your name', 'Ada');
    type('Email', 'ada@');
    type(/^Password/, 'short');
    type('Confirm password', 'other');
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('Use at least 10 characters.')).toBeTruthy();
    expect(screen.getByText('The passwords do not match.')).toBeTruthy();
    expect(server.callsTo('POST', '/api/setup')).toHaveLength(0);

    type(/^Password/, 'long enough password');
    type('Confirm password', 'long enough password');
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));

    const error = await screen.findByText('not a valid address');
    const email = screen.getByLabelText('Email');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(email.getAttribute('aria-describedby')).toContain(error.id);
  });
});

describe('login', () => {
  it('shows the server message for wrong credentials', async () => {
    fakeServer({
      session: null,
      routes: {
        'POST /api/auth/login': () => errorResponse(401, 'invalid_credentials', 'invalid email or password'),
      },
    });
    renderApp('/login');
    await screen.findByRole('heading', { name: 'Sign in' });
    type('Email', 'ada@acme.test');
    type('Password', 'wrong password');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('invalid email or password');
    // Still on the login page: a failed login is not a lost session.
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(screen.queryByText(/session has ended/)).toBeNull();
  });

  it('says how long to wait after too many attempts', async () => {
    fakeServer({
      session: null,
      routes: {
        'POST /api/auth/login': () =>
          errorResponse(429, 'too_many_requests', 'too many failed sign-ins', { headers: { 'Retry-After': '541' } }),
      },
    });
    renderApp('/login');
    await screen.findByRole('heading', { name: 'Sign in' });
    type('Email', 'ada@acme.test');
    type('Password', 'whatever it is');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect((await screen.findByRole('alert')).textContent).toBe('Too many attempts, try again in 10 minutes.');
  });

  it('disables the button while signing in', async () => {
    let answer: (response: Response) => void = () => {};
    fakeServer({
      session: null,
      routes: {
        'POST /api/auth/login': () =>
          new Promise<Response>((resolve) => {
            answer = resolve;
          }),
      },
    });
    renderApp('/login');
    await screen.findByRole('heading', { name: 'Sign in' });
    type('Email', 'ada@acme.test');
    type('Password', 'right password');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const busy = await screen.findByRole('button', { name: 'Signing in…' });
    expect((busy as HTMLButtonElement).disabled).toBe(true);
    answer(errorResponse(401, 'invalid_credentials', 'invalid email or password'));
    await screen.findByRole('alert');
  });

  it('sends a visitor to login and back to the page they wanted', async () => {
    const server = fakeServer({
      session: null,
      routes: {
        'POST /api/auth/login': () => jsonResponse(200, sessionAs('editor')),
        [`GET /api/workspaces/:id/model-settings`]: () =>
          jsonResponse(200, {
            provider: 'builtin',
            base_url: '',
            chat_model: '',
            embedding_model: '',
            api_key_set: false,
            api_key_hint: '',
          }),
      },
    });
    renderApp('/settings/model');
    await screen.findByRole('heading', { name: 'Sign in' });
    type('Email', 'editor@acme.test');
    type('Password', 'right password');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Settings' })).toBeTruthy();
    expect(await screen.findByRole('heading', { name: 'Language model' })).toBeTruthy();
    expect(server.callsTo('POST', '/api/auth/login')[0]?.body).toEqual({ email: 'editor@acme.test', password: 'right password' });
  });

  it('requires a session for the Status page too', async () => {
    fakeServer({ session: null });
    renderApp('/status');
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
  });
});

describe('a lost session', () => {
  it('returns to login when any call answers 401', async () => {
    fakeServer({
      routes: { 'GET /api/workspaces': () => errorResponse(401, 'unauthorized', 'sign in first') },
    });
    renderApp('/workspaces');
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(screen.getByText('Your session has ended. Sign in again to continue.')).toBeTruthy();
  });

  it('sends the CSRF token of the session on writes, never on reads', async () => {
    const server = fakeServer({
      session: sessionAs('owner', { csrf: 'csrf-from-me' }),
      routes: {
        'GET /api/workspaces': () => jsonResponse(200, [WORKSPACE]),
        'POST /api/workspaces': () => jsonResponse(201, { ...WORKSPACE, id: 2, name: 'Beta', slug: 'beta' }),
      },
    });
    renderApp('/workspaces');
    fireEvent.click(await screen.findByRole('button', { name: 'New workspace' }));
    type('Name', 'Beta');
    fireEvent.click(screen.getByRole('button', { name: 'Create workspace' }));
    await screen.findByText('Created Beta. It is now the current workspace.');

    const [post] = server.callsTo('POST', '/api/workspaces');
    expect(post?.headers['x-csrf-token']).toBe('csrf-from-me');
    const reads = server.calls.filter((call) => call.method === 'GET');
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) {
      expect(read.headers).not.toHaveProperty('x-csrf-token');
    }
  });

  it('signs out from the user menu', async () => {
    const server = fakeServer({
      routes: {
        'GET /api/workspaces': () => jsonResponse(200, [WORKSPACE]),
        'POST /api/auth/logout': () => new Response(null, { status: 204 }),
      },
    });
    renderApp('/workspaces');
    const menu = await screen.findByRole('button', { name: /Owner Person/ });
    fireEvent.click(menu);
    expect(menu.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(server.callsTo('POST', '/api/auth/logout')[0]?.headers['x-csrf-token']).toBe('csrf-owner');
  });
});

describe('invitation', () => {
  const invitation = {
    email: 'editor@acme.test',
    workspace_name: 'Acme Support',
    role: 'editor',
    expires_at: '2026-11-29T03:00:00Z',
    existing_user: false,
  };

  it('says clearly when the link is unknown or expired', async () => {
    fakeServer({
      session: null,
      routes: { 'GET /api/invitations/:token': () => errorResponse(404, 'not_found', 'not found') },
    });
    renderApp('/invite/expired-token');
    expect(await screen.findByRole('heading', { name: 'This invitation is not valid' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toMatch(/already used.*expired/);
  });

  it('shows the invitation and signs the new member in', async () => {
    const editor = sessionAs('editor');
    editor.workspaces = [
      { id: 'ws_other', slug: 'other', name: 'Other', role: 'viewer' },
      { id: WORKSPACE_ID, slug: 'acme-support', name: 'Acme Support', role: 'editor' },
    ];
    const server = fakeServer({
      session: null,
      routes: {
        'GET /api/invitations/:token': () => jsonResponse(200, invitation),
        'POST /api/invitations/:token/accept': () => jsonResponse(200, editor),
        'GET /api/workspaces/:id': () => jsonResponse(200, { ...WORKSPACE, role: 'editor' }),
        'GET /api/workspaces/:id/gorgias': () =>
          jsonResponse(200, { domain: 'acme', api_user: '', api_key_set: false, api_key_hint: '' }),
      },
    });
    renderApp('/invite/tok_abc');
    expect(await screen.findByRole('heading', { name: 'Join Acme Support' })).toBeTruthy();
    expect(screen.getByText('editor@acme.test')).toBeTruthy();
    expect(screen.getByText('Editor')).toBeTruthy();

    type('Your name', 'Eddie Editor');
    type('Choose a password', 'a fine password');
    type('Confirm password', 'a fine password');
    fireEvent.click(screen.getByRole('button', { name: 'Join Acme Support' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Settings' })).toBeTruthy();
    expect(server.callsTo('POST', '/api/invitations/tok_abc/accept')[0]?.body).toEqual({
      name: 'Eddie Editor',
      password: 'a fine password',
    });
    // The invited workspace is the current one.
    const switcher = screen.getByLabelText<HTMLSelectElement>('Workspace');
    expect(switcher.value).toBe(WORKSPACE_ID);
    await waitFor(() => expect(server.callsTo('GET', `/api/workspaces/${WORKSPACE_ID}`)).toHaveLength(1));
  });

  it('asks an existing user only for their password', async () => {
    fakeServer({
      session: null,
      routes: {
        'GET /api/invitations/:token': () => jsonResponse(200, { ...invitation, existing_user: true }),
        'POST /api/invitations/:token/accept': () =>
          errorResponse(401, 'invalid_credentials', 'invalid email or password'),
      },
    });
    renderApp('/invite/tok_abc');
    await screen.findByRole('heading', { name: 'Join Acme Support' });
    expect(screen.queryByLabelText('Your name')).toBeNull();
    expect(screen.queryByLabelText('Confirm password')).toBeNull();
    type('Your password', 'my password');
    fireEvent.click(screen.getByRole('button', { name: 'Join Acme Support' }));
    const field = screen.getByLabelText('Your password');
    await waitFor(() => expect(field.getAttribute('aria-invalid')).toBe('true'));
    const form = field.closest('form');
    expect(within(form as HTMLElement).getByText('invalid email or password')).toBeTruthy();
  });
});
