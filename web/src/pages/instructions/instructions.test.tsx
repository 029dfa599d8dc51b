import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { jsonResponse, renderApp } from '../../test/render';
import { WORKSPACE_ID, fakeServer, sessionAs, type Handler } from '../../test/server';

const BASE = `/api/workspaces/${WORKSPACE_ID}`;

function instruction(id: number, title: string, position: number, enabled = true) {
  return {
    id,
    title,
    text: `${title} text`,
    enabled,
    position,
    version: 2,
    created_at: '2026-11-22T02:52:00Z',
    updated_at: '2026-11-22T02:52:00Z',
  };
}

const LIST = [instruction(1, 'Tone', 0), instruction(2, 'Refunds', 1, false)];

function routes(extra: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    'GET /api/workspaces': () => jsonResponse(200, []),
    'GET /api/workspaces/:id/instructions': () => jsonResponse(200, LIST),
    'GET /api/workspaces/:id/instructions/:nid/revisions': () =>
      jsonResponse(200, [
        { version: 2, title: 'Tone', text: 'Be warm.', enabled: true, saved_by: 'Eddie', saved_at: '2026-11-22T03:00:00Z' },
        { version: 1, title: 'Tone', text: 'Be nice.', enabled: true, saved_by: 'Eddie', saved_at: '2026-11-22T02:52:00Z' },
      ]),
    ...extra,
  };
}

describe('Instructions', () => {
  it('moves an instruction down with PUT order', async () => {
    const server = fakeServer({
      session: sessionAs('editor'),
      routes: routes({
        'PUT /api/workspaces/:id/instructions/order': () =>
          jsonResponse(200, [instruction(2, 'Refunds', 0, false), instruction(1, 'Tone', 1)]),
      }),
    });
    renderApp('/instructions');
    fireEvent.click(await screen.findByRole('button', { name: 'Move Tone down' }));
    await screen.findByRole('button', { name: 'Move Refunds down' });
    expect(server.callsTo('PUT', `${BASE}/instructions/order`)[0]?.body).toEqual({ ids: [2, 1] });
    const items = within(screen.getByRole('list', { name: 'Instructions' })).getAllByRole('heading');
    expect(items.map((item) => item.textContent)).toEqual(['1. Refunds Disabled', '2. Tone Enabled']);
  });

  it('counts characters while editing and shows the history', async () => {
    fakeServer({ session: sessionAs('editor'), routes: routes() });
    renderApp('/instructions');
    fireEvent.click(await screen.findByRole('button', { name: 'History of Tone' }));
    const history = await screen.findByRole('list', { name: 'History of Tone' });
    expect(within(history).getByText('Be nice.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Edit Tone' }));
    fireEvent.change(screen.getByLabelText('Instruction'), { target: { value: 'Be brief.' } });
    expect(screen.getByText('9 / 2000 characters')).toBeTruthy();
  });

  it('restores an older version by saving it again', async () => {
    const server = fakeServer({
      session: sessionAs('editor'),
      routes: routes({
        'PATCH /api/workspaces/:id/instructions/:nid': ({ body }) =>
          jsonResponse(200, { ...instruction(1, 'Tone', 0), ...(body as object), version: 3 }),
      }),
    });
    renderApp('/instructions');
    fireEvent.click(await screen.findByRole('button', { name: 'History of Tone' }));
    const history = await screen.findByRole('list', { name: 'History of Tone' });
    expect(within(history).queryByRole('button', { name: 'Restore version 2 of Tone' })).toBeNull();
    fireEvent.click(within(history).getByRole('button', { name: 'Restore version 1 of Tone' }));
    await waitFor(() => expect(server.callsTo('PATCH', `${BASE}/instructions/1`)).toHaveLength(1));
    expect(server.callsTo('PATCH', `${BASE}/instructions/1`)[0]?.body).toEqual({ title: 'Tone', text: 'Be nice.' });
  });

  it('shows a viewer the instructions without write buttons', async () => {
    fakeServer({ session: sessionAs('viewer'), routes: routes() });
    renderApp('/instructions');
    await screen.findByText('Tone text');
    expect(screen.queryByRole('button', { name: /New instruction|Edit|Move|Delete/ })).toBeNull();
    expect(screen.queryByRole('checkbox')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'History of Tone' }));
    await screen.findByRole('list', { name: 'History of Tone' });
    expect(screen.queryByRole('button', { name: /Restore/ })).toBeNull();
  });
});
