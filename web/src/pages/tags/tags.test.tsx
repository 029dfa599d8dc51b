import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../api/auth';
import { jsonResponse, renderApp } from '../../test/render';
import { WORKSPACE_ID, errorResponse, fakeServer, sessionAs, type Handler } from '../../test/server';

const BASE = `/api/workspaces/${WORKSPACE_ID}`;

const CONFIG = {
  managed: ['ai-agent'],
  excluded: ['vip'],
  system: [
    {
      key: 'need_human_help',
      name: 'need-human-help',
      default: 'need-human-help',
      meaning: 'Deskmate could not answer from its knowledge and asks a person to reply.',
    },
    { key: 'handled_by', name: 'ai-handled', default: 'ai-handled', meaning: 'Deskmate replied on this ticket.' },
  ],
  smart: [
    {
      id: 5,
      name: 'angry-customer',
      description: 'The customer is upset or threatens to leave.',
      instructions: 'Apologise first.',
      post_action: 'handover',
      created_at: '2026-11-22T02:52:00Z',
      updated_at: '2026-11-22T02:52:00Z',
    },
  ],
};

function routes(extra: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    'GET /api/workspaces': () => jsonResponse(200, []),
    'GET /api/workspaces/:id/tags': () => jsonResponse(200, CONFIG),
    ...extra,
  };
}

function as(role: Role, extra: Record<string, Handler> = {}) {
  return fakeServer({ session: sessionAs(role), routes: routes(extra) });
}

describe('Tags', () => {
  it('shows the managed tags with a link to Settings, and the other tags', async () => {
    as('editor');
    renderApp('/tags');
    const managed = await screen.findByRole('list', { name: 'Managed tags' });
    expect(within(managed).getByText('ai-agent')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Settings → General' }).getAttribute('href')).toBe('/settings/general');
    expect(screen.getByRole('button', { name: 'Remove tag vip' })).toBeTruthy();
    expect(screen.getByLabelText<HTMLInputElement>('handled_by').value).toBe('ai-handled');
    const row = screen.getByRole('rowheader', { name: 'angry-customer' }).closest('tr') as HTMLElement;
    expect(within(row).getByText('Hand over to a person')).toBeTruthy();
  });

  it('shows a clash with a managed tag beside the excluded tags', async () => {
    const server = as('editor', {
      'PUT /api/workspaces/:id/tags/excluded': () =>
        errorResponse(422, 'invalid', 'excluded: "ai-agent" is a managed tag of this workspace', {
          fields: { excluded: '"ai-agent" is a managed tag of this workspace' },
        }),
    });
    renderApp('/tags');
    const input = await screen.findByLabelText('Excluded tags');
    fireEvent.change(input, { target: { value: 'ai-agent' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save excluded tags' }));

    const error = await screen.findByText('"ai-agent" is a managed tag of this workspace');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toContain(error.id);
    expect(server.callsTo('PUT', `${BASE}/tags/excluded`)[0]?.body).toEqual({ tags: ['vip', 'ai-agent'] });
  });

  it('shows a duplicate system tag name beside its field', async () => {
    as('editor', {
      'PUT /api/workspaces/:id/tags/system': () =>
        errorResponse(422, 'invalid', 'names.need_human_help: clash', {
          fields: { 'names.need_human_help': '"ai-handled" is already the name of system tag handled_by ("ai-handled")' },
        }),
    });
    renderApp('/tags');
    const input = await screen.findByLabelText('need_human_help');
    expect(screen.getByRole('rowheader', { name: /need_human_help/ }).textContent).toContain('asks a person to reply');
    fireEvent.change(input, { target: { value: 'AI-handled' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save system tag names' }));
    const error = await screen.findByText(/is already the name of system tag handled_by/);
    expect(input.getAttribute('aria-describedby')).toBe(error.id);
    expect(input.getAttribute('aria-invalid')).toBe('true');
  });

  it('adds a smart tag', async () => {
    const server = as('editor', {
      'POST /api/workspaces/:id/tags/smart': ({ body }) => jsonResponse(201, { ...CONFIG.smart[0], id: 6, ...(body as object) }),
    });
    renderApp('/tags');
    fireEvent.click(await screen.findByRole('button', { name: 'New smart tag' }));
    fireEvent.change(screen.getByLabelText('Tag name'), { target: { value: 'wholesale' } });
    fireEvent.change(screen.getByLabelText('When to apply'), { target: { value: 'Business customers.' } });
    fireEvent.change(screen.getByLabelText('After tagging'), { target: { value: 'suspend' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add smart tag' }));
    await screen.findByRole('button', { name: 'New smart tag' });
    expect(server.callsTo('POST', `${BASE}/tags/smart`)[0]?.body).toEqual({
      name: 'wholesale',
      description: 'Business customers.',
      instructions: '',
      post_action: 'suspend',
    });
  });

  it('shows a viewer everything read-only', async () => {
    as('viewer');
    renderApp('/tags');
    expect((await screen.findByLabelText('Excluded tags')).matches(':disabled')).toBe(true);
    expect(screen.queryByRole('button', { name: 'Remove tag vip' })).toBeNull();
    expect(screen.getByLabelText('handled_by').matches(':disabled')).toBe(true);
    expect(screen.queryByRole('button', { name: /Save|New smart tag|Edit|Delete/ })).toBeNull();
    expect(screen.getAllByText('Only editors can change tags.')).toHaveLength(2);
  });
});
