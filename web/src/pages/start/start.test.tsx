import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { jsonResponse, renderApp } from '../../test/render';
import { WORKSPACE_ID, errorResponse, fakeServer, sessionAs } from '../../test/server';
import { WORKSPACE_STORAGE_KEY } from '../../workspace';

const STEPS = [
  { key: 'knowledge', done: true, detail: '3 documents' },
  { key: 'automations', done: true, detail: '2 active automations' },
  { key: 'playground', done: false, detail: '' },
  { key: 'gorgias', done: false, detail: 'Not connected' },
  { key: 'drafts', done: false, detail: '' },
  { key: 'autopilot', done: false, detail: '' },
];

function steps(): HTMLElement[] {
  return within(screen.getByRole('list', { name: 'Steps' })).getAllByTestId('getting-started-step');
}

describe('Getting started', () => {
  it('opens on /, with each step, whether it is done, what was found and where it is done', async () => {
    fakeServer({
      routes: {
        'GET /api/workspaces': () => jsonResponse(200, []),
        'GET /api/workspaces/:id/getting-started': () => jsonResponse(200, { steps: STEPS }),
      },
    });
    renderApp('/');
    expect(await screen.findByRole('heading', { level: 1, name: 'Getting started' })).toBeTruthy();
    expect(await screen.findByText('2 of 6 steps done.')).toBeTruthy();

    const items = steps();
    expect(items.map((item) => item.getAttribute('data-step'))).toEqual(STEPS.map((step) => step.key));
    const [knowledge, , playground, gorgias, drafts, autopilot] = items as [
      HTMLElement,
      HTMLElement,
      HTMLElement,
      HTMLElement,
      HTMLElement,
      HTMLElement,
    ];
    expect(within(knowledge).getByRole('heading', { name: 'Add knowledge' })).toBeTruthy();
    expect(within(knowledge).getByText('Done')).toBeTruthy();
    expect(within(knowledge).getByText('3 documents')).toBeTruthy();
    expect(within(knowledge).getByRole('link', { name: 'Go to Knowledge' }).getAttribute('href')).toBe('/knowledge');
    expect(within(playground).getByText('Next')).toBeTruthy();
    expect(within(playground).getByRole('link', { name: 'Go to the Playground' }).getAttribute('href')).toBe('/playground');
    expect(within(gorgias).getByText('To do')).toBeTruthy();
    expect(within(gorgias).getByText('Not connected')).toBeTruthy();
    expect(within(gorgias).getByRole('link', { name: 'Go to Gorgias' }).getAttribute('href')).toBe('/gorgias');
    expect(within(gorgias).getByRole('link', { name: 'Sandbox' }).getAttribute('href')).toBe('/sandbox');
    expect(within(drafts).getByRole('link', { name: 'See the activity' }).getAttribute('href')).toBe('/gorgias');
    expect(within(autopilot).getByRole('heading', { name: 'Switch to auto-pilot' })).toBeTruthy();
    expect(within(autopilot).getByRole('link', { name: 'Change the mode' }).getAttribute('href')).toBe('/gorgias');
  });

  it('says when every step is done, and shows a step it does not know by its key', async () => {
    fakeServer({
      routes: {
        'GET /api/workspaces': () => jsonResponse(200, []),
        'GET /api/workspaces/:id/getting-started': () =>
          jsonResponse(200, { steps: [...STEPS.map((step) => ({ ...step, done: true })), { key: 'insights', done: true }] }),
      },
    });
    renderApp('/');
    expect(await screen.findByText('Every step is done: Deskmate answers on its own.')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'insights' })).toBeTruthy();
  });

  it('shows why the steps could not be loaded', async () => {
    fakeServer({
      routes: {
        'GET /api/workspaces': () => jsonResponse(200, []),
        'GET /api/workspaces/:id/getting-started': () => errorResponse(500, 'internal', 'Something broke on the server.'),
      },
    });
    renderApp('/');
    expect((await screen.findByRole('alert')).textContent).toBe('Could not load the steps. Something broke on the server.');
  });

  it('tells a user without a workspace where to go', async () => {
    const lonely = sessionAs('editor');
    lonely.workspaces = [];
    fakeServer({ session: lonely });
    renderApp('/');
    expect(await screen.findByText(/Getting started belongs to a workspace, and you have none yet/)).toBeTruthy();
  });
});

describe('a workspace named in the address', () => {
  it('becomes the current workspace when the user has it', async () => {
    const session = sessionAs('editor');
    session.workspaces.push({ id: 'ws_2', slug: 'sandbox', name: 'Sandbox', role: 'admin' });
    const server = fakeServer({
      session,
      routes: { 'GET /api/workspaces/:id/getting-started': () => jsonResponse(200, { steps: STEPS }) },
    });
    renderApp('/?workspace=ws_2');
    await screen.findByText('2 of 6 steps done.');
    expect(screen.getByLabelText<HTMLSelectElement>('Workspace').value).toBe('ws_2');
    await waitFor(() => expect(window.localStorage.getItem(WORKSPACE_STORAGE_KEY)).toBe('ws_2'));
    expect(server.callsTo('GET', `/api/workspaces/${WORKSPACE_ID}/getting-started`)).toHaveLength(0);

    // The parameter is gone from the address: the switcher works again.
    fireEvent.change(screen.getByLabelText('Workspace'), { target: { value: WORKSPACE_ID } });
    await waitFor(() => expect(server.callsTo('GET', `/api/workspaces/${WORKSPACE_ID}/getting-started`)).toHaveLength(1));
    expect(screen.getByLabelText<HTMLSelectElement>('Workspace').value).toBe(WORKSPACE_ID);
  });

  it('waits for the instance owner’s list of every workspace', async () => {
    const server = fakeServer({
      routes: {
        'GET /api/workspaces': () =>
          jsonResponse(200, [
            {
              id: 'ws_3',
              slug: 'other',
              name: 'Other',
              gorgias_domain: '',
              managed_tags: [],
              role: 'owner',
              created_at: '2026-11-22T02:52:00Z',
              updated_at: '2026-11-22T02:52:00Z',
            },
          ]),
        'GET /api/workspaces/:id/getting-started': () => jsonResponse(200, { steps: STEPS }),
      },
    });
    renderApp('/?workspace=ws_3');
    await screen.findByText('2 of 6 steps done.');
    expect(screen.getByLabelText<HTMLSelectElement>('Workspace').value).toBe('ws_3');
    expect(server.callsTo('GET', `/api/workspaces/${WORKSPACE_ID}/getting-started`)).toHaveLength(0);
  });

  it('is ignored when the user does not have it', async () => {
    const server = fakeServer({
      session: sessionAs('editor'),
      routes: { 'GET /api/workspaces/:id/getting-started': () => jsonResponse(200, { steps: STEPS }) },
    });
    renderApp('/?workspace=ws_9');
    await screen.findByText('2 of 6 steps done.');
    expect(screen.getByLabelText<HTMLSelectElement>('Workspace').value).toBe(WORKSPACE_ID);
    expect(server.callsTo('GET', '/api/workspaces/ws_9/getting-started')).toHaveLength(0);
    expect(window.localStorage.getItem(WORKSPACE_STORAGE_KEY)).toBeNull();
  });
});
