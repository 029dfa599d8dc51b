import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../api/auth';
import { jsonResponse, renderApp } from '../../test/render';
import { WORKSPACE_ID, errorResponse, fakeServer, sessionAs, type Handler } from '../../test/server';
import { summaryLines } from './AuditTab';

const WORKSPACE = {
  id: WORKSPACE_ID,
  slug: 'acme-support',
  name: 'Acme Support',
  gorgias_domain: 'acme',
  managed_tags: ['ai-agent'],
  role: 'owner',
  created_at: '2026-11-22T02:52:00Z',
  updated_at: '2026-11-22T02:52:00Z',
};

const MODEL = {
  provider: 'ollama',
  base_url: 'http://127.0.0.1:11434',
  chat_model: 'llama3.1:8b',
  embedding_model: 'nomic-embed-text',
  api_key_set: true,
  api_key_hint: '••••1234',
};

const MEMBERS = [
  { user_id: 1, email: 'owner@acme.test', name: 'Owner Person', role: 'owner' },
  { user_id: 2, email: 'eddie@acme.test', name: 'Eddie', role: 'editor' },
];

function workspaceRoutes(role: Role, extra: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    'GET /api/workspaces': () => jsonResponse(200, [{ ...WORKSPACE, role }]),
    'GET /api/workspaces/:id': () => jsonResponse(200, { ...WORKSPACE, role }),
    'GET /api/workspaces/:id/model-settings': () => jsonResponse(200, MODEL),
    'GET /api/workspaces/:id/members': () => jsonResponse(200, MEMBERS),
    'GET /api/workspaces/:id/invitations': () => jsonResponse(200, []),
    'GET /api/workspaces/:id/tokens': () => jsonResponse(200, []),
    ...extra,
  };
}

function settingsTabs(): string[] {
  const nav = screen.getByRole('navigation', { name: 'Settings' });
  return within(nav)
    .getAllByRole('link')
    .map((link) => link.textContent ?? '');
}

describe('Settings by role', () => {
  it('shows an editor no Members, API tokens or Audit log, and the model read-only', async () => {
    fakeServer({ session: sessionAs('editor'), routes: workspaceRoutes('editor') });
    renderApp('/settings/model');

    await screen.findByRole('heading', { name: 'Language model' });
    expect(settingsTabs()).toEqual(['General', 'Agent', 'Model']);

    const form = screen.getByRole('form', { name: 'Model settings' });
    expect(within(form).queryByRole('button', { name: 'Save' })).toBeNull();
    expect(within(form).getByText('Only admins can change this.')).toBeTruthy();
    expect(within(form).getByLabelText('Provider').matches(':disabled')).toBe(true);
    expect(within(form).getByLabelText('Chat model').matches(':disabled')).toBe(true);
    expect(within(form).getByLabelText('API key').matches(':disabled')).toBe(true);
    expect(within(form).getByText('Saved: ••••1234')).toBeTruthy();
  });

  it('explains instead of showing an admin tab to an editor who opens it directly', async () => {
    const server = fakeServer({ session: sessionAs('editor'), routes: workspaceRoutes('editor') });
    renderApp('/settings/members');
    expect(await screen.findByText('Only admins and owners of this workspace can see this.')).toBeTruthy();
    expect(server.callsTo('GET', `/api/workspaces/${WORKSPACE_ID}/members`)).toHaveLength(0);
  });

  it('shows a viewer the general settings read-only', async () => {
    fakeServer({ session: sessionAs('viewer'), routes: workspaceRoutes('viewer') });
    renderApp('/settings');
    await screen.findByRole('heading', { name: 'Gorgias connection' });
    const name = await screen.findByLabelText('Name');
    expect((name as HTMLInputElement).value).toBe('Acme Support');
    expect(name.matches(':disabled')).toBe(true);
    expect(screen.getByLabelText('Managed tags').matches(':disabled')).toBe(true);
    expect(screen.queryByRole('button', { name: 'Remove tag ai-agent' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Save/ })).toBeNull();
    expect(screen.getAllByText('Only admins can change this.')).toHaveLength(1);
    // The Gorgias connection has its own page.
    const gorgias = screen.getByRole('region', { name: 'Gorgias connection' });
    expect(within(gorgias).getByRole('link', { name: 'Gorgias' }).getAttribute('href')).toBe('/gorgias');
  });

  it('gives an admin every tab and an editable model form', async () => {
    const server = fakeServer({
      session: sessionAs('admin'),
      routes: workspaceRoutes('admin', {
        'PUT /api/workspaces/:id/model-settings': ({ body }) =>
          jsonResponse(200, { ...MODEL, ...(body as object), api_key_hint: '••••wxyz' }),
      }),
    });
    renderApp('/settings/model');
    await screen.findByRole('heading', { name: 'Language model' });
    expect(settingsTabs()).toEqual(['General', 'Agent', 'Model', 'Members', 'API tokens', 'Audit log']);

    expect(screen.getByText('Saved: ••••1234. Leave empty to keep it.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Chat model'), { target: { value: 'qwen2.5:7b' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();

    const [put] = server.callsTo('PUT', `/api/workspaces/${WORKSPACE_ID}/model-settings`);
    // An empty key box keeps the saved key: api_key is left out.
    expect(put?.body).toEqual({
      provider: 'ollama',
      base_url: 'http://127.0.0.1:11434',
      chat_model: 'qwen2.5:7b',
      embedding_model: 'nomic-embed-text',
    });
    expect(put?.headers['x-csrf-token']).toBe('csrf-admin');
  });

  it('checks the saved embedding settings and says what failed', async () => {
    let works = false;
    const server = fakeServer({
      session: sessionAs('admin'),
      routes: workspaceRoutes('admin', {
        'POST /api/workspaces/:id/model-settings/check': () =>
          jsonResponse(
            200,
            works
              ? { ok: true, embedding_model: 'ollama/nomic-embed-text', dimensions: 768, took_ms: 41.7 }
              : {
                  ok: false,
                  embedding_model: 'ollama/nomic-embed-text',
                  dimensions: 0,
                  took_ms: 3,
                  error: 'ollama embed nomic-embed-text: model "nomic-embed-text" not found, try pulling it first',
                },
          ),
      }),
    });
    renderApp('/settings/model');
    fireEvent.click(await screen.findByRole('button', { name: 'Check embeddings' }));
    expect((await screen.findByRole('alert')).textContent).toContain('not found, try pulling it first');
    works = true;
    fireEvent.click(screen.getByRole('button', { name: 'Check embeddings' }));
    expect(
      await screen.findByText('The saved settings work: ollama/nomic-embed-text answered with 768 dimensions in 42 ms.'),
    ).toBeTruthy();
    expect(screen.queryByText(/do not work yet/)).toBeNull();
    expect(server.callsTo('POST', `/api/workspaces/${WORKSPACE_ID}/model-settings/check`)).toHaveLength(2);
  });

  it('checks the saved chat model beside the embeddings, and says what failed', async () => {
    let works = false;
    const server = fakeServer({
      session: sessionAs('admin'),
      routes: workspaceRoutes('admin', {
        'POST /api/workspaces/:id/model-settings/check-chat': () =>
          jsonResponse(
            200,
            works
              ? { ok: true, chat_model: 'ollama/llama3.1:8b', took_ms: 812.4 }
              : { ok: false, chat_model: 'ollama/llama3.1:8b', took_ms: 2, error: 'ollama chat llama3.1:8b: model not found' },
          ),
      }),
    });
    renderApp('/settings/model');
    const form = await screen.findByRole('form', { name: 'Model settings' });
    const buttons = within(form)
      .getAllByRole('button')
      .map((button) => button.textContent);
    expect(buttons).toEqual(['Save', 'Check embeddings', 'Check chat']);

    fireEvent.click(within(form).getByRole('button', { name: 'Check chat' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The chat model does not work yet (ollama/llama3.1:8b): ollama chat llama3.1:8b: model not found',
    );
    works = true;
    fireEvent.click(within(form).getByRole('button', { name: 'Check chat' }));
    expect(await screen.findByText('The chat model works: ollama/llama3.1:8b answered in 812 ms.')).toBeTruthy();
    expect(screen.queryByText(/does not work yet/)).toBeNull();
    expect(server.callsTo('POST', `/api/workspaces/${WORKSPACE_ID}/model-settings/check-chat`)).toHaveLength(2);
    expect(server.callsTo('POST', `/api/workspaces/${WORKSPACE_ID}/model-settings/check`)).toHaveLength(0);
  });

  it('says that translation needs an LLM provider, louder with the built-in one', async () => {
    fakeServer({ session: sessionAs('admin'), routes: workspaceRoutes('admin') });
    renderApp('/settings/model');
    const note = await screen.findByRole('note', { name: 'Translation' });
    expect(note.textContent).toContain('Translation needs an LLM provider.');
    expect(note.textContent).toContain('The built-in provider works offline and cannot translate');
    expect(note.className).toContain('notice--info');
    fireEvent.change(screen.getByLabelText('Provider'), { target: { value: 'builtin' } });
    expect(screen.getByRole('note', { name: 'Translation' }).className).toContain('notice--warning');
  });

  it('hides the base URL for the built-in model', async () => {
    fakeServer({ session: sessionAs('admin'), routes: workspaceRoutes('admin') });
    renderApp('/settings/model');
    const provider = await screen.findByLabelText('Provider');
    expect(screen.getByLabelText('Base URL')).toBeTruthy();
    fireEvent.change(provider, { target: { value: 'builtin' } });
    expect(screen.queryByLabelText('Base URL')).toBeNull();
  });

  it('tells a signed-in user without a workspace where to go', async () => {
    const lonely = sessionAs('editor');
    lonely.workspaces = [];
    fakeServer({ session: lonely });
    renderApp('/settings');
    expect(await screen.findByText(/you have none yet/)).toBeTruthy();
  });
});

describe('Members', () => {
  it('shows the invitation link once, absolute, with Copy', async () => {
    let pending: unknown[] = [];
    const server = fakeServer({
      session: sessionAs('owner'),
      routes: workspaceRoutes('owner', {
        'GET /api/workspaces/:id/invitations': () => jsonResponse(200, pending),
        'POST /api/workspaces/:id/invitations': () => {
          pending = [
            {
              id: 7,
              email: 'new@acme.test',
              role: 'editor',
              expires_at: '2026-11-29T03:00:00Z',
              created_at: '2026-11-22T03:00:00Z',
            },
          ];
          return jsonResponse(201, {
            id: 7,
            email: 'new@acme.test',
            role: 'editor',
            expires_at: '2026-11-29T03:00:00Z',
            url: '/invite/secret-token-123',
          });
        },
      }),
    });
    renderApp('/settings/members');
    fireEvent.click(await screen.findByRole('button', { name: 'Invite' }));
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'new@acme.test' } });
    expect(screen.getByLabelText<HTMLSelectElement>('Role').value).toBe('editor');
    fireEvent.click(screen.getByRole('button', { name: 'Create invitation link' }));

    const link = await screen.findByLabelText<HTMLInputElement>('Invitation link');
    expect(link.value).toBe(`${window.location.origin}/invite/secret-token-123`);
    expect(link.readOnly).toBe(true);
    expect(screen.getByText(/it is shown only once/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Copy' })).toBeTruthy();
    expect(server.callsTo('POST', `/api/workspaces/${WORKSPACE_ID}/invitations`)[0]?.body).toEqual({
      email: 'new@acme.test',
      role: 'editor',
    });

    // The pending list shows the invitation, never its link.
    const pendingSection = screen.getByRole('region', { name: 'Pending invitations' });
    expect(await within(pendingSection).findByText('new@acme.test')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByLabelText('Invitation link')).toBeNull();
    expect(document.body.textContent).not.toContain('secret-token-123');
  });

  it('changes roles and asks before removing', async () => {
    const server = fakeServer({
      session: sessionAs('owner'),
      routes: workspaceRoutes('owner', {
        'PATCH /api/workspaces/:id/members/:uid': ({ body }) =>
          jsonResponse(200, { ...MEMBERS[1], ...(body as object) }),
        'DELETE /api/workspaces/:id/members/:uid': () =>
          errorResponse(409, 'conflict', 'the last owner cannot be removed'),
      }),
    });
    renderApp('/settings/members');
    const role = await screen.findByLabelText('Role of Eddie');
    fireEvent.change(role, { target: { value: 'admin' } });
    await waitFor(() => expect(server.callsTo('PATCH', `/api/workspaces/${WORKSPACE_ID}/members/2`)).toHaveLength(1));
    expect(server.callsTo('PATCH', `/api/workspaces/${WORKSPACE_ID}/members/2`)[0]?.body).toEqual({ role: 'admin' });

    fireEvent.click(screen.getByRole('button', { name: 'Remove Owner Person' }));
    expect(server.callsTo('DELETE', `/api/workspaces/${WORKSPACE_ID}/members/1`)).toHaveLength(0);
    const question = screen.getByRole('group', { name: 'Remove Owner Person?' });
    fireEvent.click(within(question).getByRole('button', { name: 'Remove' }));
    expect(await screen.findByText('the last owner cannot be removed')).toBeTruthy();
  });

  it('lets only the instance owner add members directly, and shows the invitation for an existing account', async () => {
    fakeServer({ session: sessionAs('admin'), routes: workspaceRoutes('admin') });
    renderApp('/settings/members');
    expect(await screen.findByRole('button', { name: 'Invite' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Add member' })).toBeNull();
  });

  it('shows the invitation link when the instance owner adds an existing account', async () => {
    const server = fakeServer({
      session: sessionAs('owner'),
      routes: workspaceRoutes('owner', {
        'POST /api/workspaces/:id/members': () =>
          jsonResponse(202, {
            invitation: {
              id: 9,
              email: 'bob@other.test',
              role: 'viewer',
              expires_at: '2026-11-29T03:00:00Z',
              created_at: '2026-11-22T03:00:00Z',
              url: '/invite/consent-token-9',
            },
          }),
      }),
    });
    renderApp('/settings/members');
    fireEvent.click(await screen.findByRole('button', { name: 'Add member' }));
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'bob@other.test' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add member' }));
    const link = await screen.findByLabelText<HTMLInputElement>('Invitation link');
    expect(link.value).toBe(`${window.location.origin}/invite/consent-token-9`);
    expect(screen.getByText('Invitation link for bob@other.test')).toBeTruthy();
    expect(server.callsTo('POST', `/api/workspaces/${WORKSPACE_ID}/members`)[0]?.body).toMatchObject({ email: 'bob@other.test' });
  });

  it('does not let an admin grant or change the owner role', async () => {
    fakeServer({ session: sessionAs('admin'), routes: workspaceRoutes('admin') });
    renderApp('/settings/members');
    const role = await screen.findByLabelText<HTMLSelectElement>('Role of Eddie');
    expect(Array.from(role.options).map((option) => option.value)).toEqual(['admin', 'editor', 'viewer']);
    expect(screen.queryByLabelText('Role of Owner Person')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Remove Owner Person' })).toBeNull();
  });
});

describe('API tokens', () => {
  it('shows a new token once and offers roles up to the own role', async () => {
    fakeServer({
      session: sessionAs('admin'),
      routes: workspaceRoutes('admin', {
        'POST /api/workspaces/:id/tokens': () =>
          jsonResponse(201, {
            id: 3,
            name: 'Zapier',
            role: 'editor',
            prefix: 'dm_ab12',
            created_at: '2026-11-22T03:00:00Z',
            last_used_at: null,
            revoked_at: null,
            token: 'dm_ab12secretsecret',
          }),
      }),
    });
    renderApp('/settings/tokens');
    fireEvent.click(await screen.findByRole('button', { name: 'New token' }));
    const role = screen.getByLabelText<HTMLSelectElement>('Role');
    expect(Array.from(role.options).map((option) => option.value)).toEqual(['admin', 'editor', 'viewer']);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Zapier' } });
    fireEvent.change(role, { target: { value: 'editor' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));

    const token = await screen.findByLabelText<HTMLInputElement>('API token');
    expect(token.value).toBe('dm_ab12secretsecret');
    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByLabelText('API token')).toBeNull();
  });
});

describe('Audit log', () => {
  it('renders entries readably and loads older ones', async () => {
    const server = fakeServer({
      session: sessionAs('admin'),
      routes: workspaceRoutes('admin', {
        'GET /api/workspaces/:id/audit': ({ url }) =>
          url.searchParams.get('before') === '41'
            ? jsonResponse(200, {
                entries: [
                  {
                    id: 40,
                    at: '2026-11-22T02:00:00Z',
                    actor: { kind: 'system', id: null, label: '' },
                    action: 'workspace.create',
                    target: 'workspace 1',
                    summary: null,
                  },
                ],
                next_before: null,
              })
            : jsonResponse(200, {
                entries: [
                  {
                    id: 41,
                    at: '2026-11-22T03:00:00Z',
                    actor: { kind: 'user', id: 1, label: 'owner@acme.test' },
                    action: 'model_settings.update',
                    target: 'model settings',
                    summary: { chat_model: ['llama3', 'qwen2.5'], api_key: 'changed' },
                  },
                ],
                next_before: 41,
              }),
      }),
    });
    renderApp('/settings/audit');
    expect(await screen.findByText('Changed the model settings')).toBeTruthy();
    expect(screen.getByText('Chat model: llama3 → qwen2.5')).toBeTruthy();
    expect(screen.getByText('API key: changed')).toBeTruthy();
    expect(screen.getByText('owner@acme.test')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('Created the workspace')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    const calls = server.callsTo('GET', `/api/workspaces/${WORKSPACE_ID}/audit`);
    expect(calls.map((call) => call.url.search)).toEqual(['?limit=50', '?before=41&limit=50']);
  });

  it('summarises changes as lines', () => {
    expect(summaryLines({ name: ['Old', 'New'], api_key: 'changed', managed_tags: [[], ['a', 'b']] })).toEqual([
      'Name: Old → New',
      'API key: changed',
      'Managed tags: (none) → a, b',
    ]);
    expect(summaryLines('role editor → admin')).toEqual(['role editor → admin']);
    expect(summaryLines(null)).toEqual([]);
  });
});
