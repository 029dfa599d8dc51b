import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../api/auth';
import { parseRunDetail } from '../../api/runs';
import { HANDOVER_INPUT, HANDOVER_RUN, HANDOVER_TRACE, REPLY_RUN, REPLY_TRACE, runRow } from '../../test/agent';
import { jsonResponse, renderApp } from '../../test/render';
import { WORKSPACE_ID, errorResponse, fakeServer, sessionAs, type Handler } from '../../test/server';
import { compareRuns } from './ReplayComparison';

const BASE = `/api/workspaces/${WORKSPACE_ID}`;

const ORDER_STATUS = {
  id: 11,
  name: 'Order status',
  phrases: [],
  response: '',
  tags: [],
  post_action: 'none',
  channels: [],
  language: 'en',
  guidance: '',
  active: true,
  created_at: '2026-11-22T02:52:00Z',
  updated_at: '2026-11-22T02:52:00Z',
};

const HANDOVER_DETAIL = { ...HANDOVER_RUN, trace: HANDOVER_TRACE, input: HANDOVER_INPUT };

function as(role: Role, extra: Record<string, Handler> = {}) {
  return fakeServer({
    session: sessionAs(role),
    routes: {
      'GET /api/workspaces': () => jsonResponse(200, []),
      'GET /api/workspaces/:id/automations': () => jsonResponse(200, [ORDER_STATUS]),
      'GET /api/workspaces/:id/runs': () => jsonResponse(200, [HANDOVER_RUN, REPLY_RUN]),
      'GET /api/workspaces/:id/runs/:rid': ({ params }) =>
        params.rid === '2' ? jsonResponse(200, HANDOVER_DETAIL) : errorResponse(404, 'not_found', 'not found'),
      ...extra,
    },
  });
}

describe('Conversations', () => {
  it('lists the runs newest first with their decisions, and filters them', async () => {
    const server = as('viewer');
    renderApp('/conversations');
    const table = await screen.findByRole('table', { name: 'Runs' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getByRole('link').textContent)).toEqual(['Run #2', 'Run #1']);
    const handover = within(rows[0] as HTMLElement);
    expect(handover.getByText('Hand-over')).toBeTruthy();
    expect(handover.getByText('requested', { selector: 'code' })).toBeTruthy();
    expect(handover.getByText('Chat')).toBeTruthy();
    expect(handover.getByText('Playground')).toBeTruthy();
    expect(within(rows[1] as HTMLElement).getByText('Reply')).toBeTruthy();
    expect(server.callsTo('GET', `${BASE}/runs`).map((call) => call.url.search)).toEqual(['?limit=50']);

    const filters = screen.getByRole('form', { name: 'Filters' });
    fireEvent.change(within(filters).getByLabelText('Decision'), { target: { value: 'handover' } });
    fireEvent.change(within(filters).getByLabelText('Reason'), { target: { value: 'requested' } });
    fireEvent.change(within(filters).getByLabelText('Source'), { target: { value: 'playground' } });
    fireEvent.change(await within(filters).findByRole('combobox', { name: 'Automation' }), { target: { value: '11' } });
    await waitFor(() =>
      expect(server.callsTo('GET', `${BASE}/runs`).map((call) => call.url.search)).toContain(
        '?decision=handover&reason=requested&source=playground&automation_id=11&limit=50',
      ),
    );
    // With a hand-over chosen, only hand-over reasons are offered.
    const reasons = Array.from(within(filters).getByLabelText<HTMLSelectElement>('Reason').options).map((option) => option.value);
    expect(reasons).toContain('knowledge_gap');
    expect(reasons).not.toContain('handed_over');

    fireEvent.click(within(filters).getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(within(filters).getByLabelText<HTMLSelectElement>('Decision').value).toBe(''));
  });

  it('loads older runs with the id of the last one', async () => {
    const page = Array.from({ length: 50 }, (_, index) => runRow({ id: 120 - index }));
    const server = as('viewer', {
      'GET /api/workspaces/:id/runs': ({ url }) =>
        jsonResponse(200, url.searchParams.get('before') === '71' ? [runRow({ id: 70 }), runRow({ id: 69 })] : page),
    });
    renderApp('/conversations?decision=reply');
    await screen.findByRole('link', { name: 'Run #120' });
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByRole('link', { name: 'Run #69' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(server.callsTo('GET', `${BASE}/runs`).map((call) => call.url.search)).toEqual([
      '?decision=reply&limit=50',
      '?decision=reply&before=71&limit=50',
    ]);
  });

  it('says when nothing matches, and where runs come from', async () => {
    as('viewer', { 'GET /api/workspaces/:id/runs': () => jsonResponse(200, []) });
    renderApp('/conversations');
    expect(await screen.findByText(/Each message in the/)).toBeTruthy();
    expect(within(screen.getByRole('main')).getByRole('link', { name: 'Playground' }).getAttribute('href')).toBe('/playground');
  });

  it('opens a run with its decision, trace and conversation; a viewer cannot re-run it', async () => {
    as('viewer');
    renderApp('/conversations?decision=handover');
    fireEvent.click(await screen.findByRole('link', { name: 'Run #2' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Run #2' })).toBeTruthy();
    expect(within(screen.getByRole('main')).getByRole('link', { name: 'Conversations' }).getAttribute('href')).toBe(
      '/conversations?decision=handover',
    );
    const decision = screen.getByRole('region', { name: 'Decision' });
    expect(within(decision).getByText('Hand-over')).toBeTruthy();
    expect(within(decision).getByText(/passing your message to a member of our team/)).toBeTruthy();
    expect(within(decision).getByText('playground:c1')).toBeTruthy();

    // The trace is open on a run's page.
    const trace = screen.getByRole('region', { name: 'Trace' });
    const requested = within(within(trace).getByRole('table', { name: 'Hand-over signals' })).getByRole('row', { name: /requested/ });
    expect(within(requested).getByText('Fired')).toBeTruthy();
    expect(within(trace).queryByRole('table', { name: 'Knowledge chunks' })).toBeNull();

    const conversation = within(screen.getByRole('region', { name: 'Conversation' }));
    expect(conversation.getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'CustomerHow long does standard shipping take?',
      expect.stringMatching(/^DeskmateHi Ada,/) as unknown as string,
      'CustomerI want to talk to a real person',
    ]);
    expect(conversation.getByText(/Customer Ada Lovelace/)).toBeTruthy();

    expect(screen.queryByRole('button', { name: 'Re-run with current configuration' })).toBeNull();
  });

  it('re-runs a run with the current configuration and shows both side by side with what changed', async () => {
    const replay = {
      ...REPLY_RUN,
      id: 5,
      source: 'replay',
      replay_of: 2,
      config_version: 'cfg-0a1b2c3d4e5f',
      trace: { ...REPLY_TRACE, config_version: 'cfg-0a1b2c3d4e5f' },
      input: HANDOVER_INPUT,
    };
    const server = as('editor', {
      'POST /api/workspaces/:id/runs/:rid/replay': () => jsonResponse(200, { original: HANDOVER_DETAIL, replay }),
    });
    renderApp('/conversations/2');
    fireEvent.click(await screen.findByRole('button', { name: 'Re-run with current configuration' }));

    const original = await screen.findByRole('region', { name: 'Original' });
    const rerun = screen.getByRole('region', { name: 'Re-run' });
    expect(within(original).getByRole('link', { name: 'run #2' })).toBeTruthy();
    expect(within(original).getByText('Hand-over')).toBeTruthy();
    expect(within(rerun).getByRole('link', { name: 'run #5' }).getAttribute('href')).toBe('/conversations/5');
    expect(within(rerun).getByText('Reply')).toBeTruthy();
    expect(within(rerun).getAllByText('cfg-0a1b2c3d4e5f').length).toBeGreaterThan(0);
    expect(screen.getByText('Configuration changed since')).toBeTruthy();

    const differences = screen.getByRole('table', { name: 'Differences' });
    const changed = within(differences)
      .getAllByRole('row')
      .filter((row) => within(row).queryByText('Changed', { selector: '.badge' }) !== null)
      .map((row) => within(row).getByRole('rowheader').textContent);
    expect(changed).toEqual([
      'Decision',
      'Message to the customer',
      'Configuration',
      'Signals fired',
      'Automation match',
      'Retrieval confidence',
      'Chunk used',
      'Sources',
      'Tags',
    ]);
    const decisionRow = within(differences).getByRole('row', { name: /^Decision/ });
    expect(within(decisionRow).getByText('Hand-over (requested)')).toBeTruthy();
    expect(within(decisionRow).getByText('Reply')).toBeTruthy();
    expect(server.callsTo('POST', `${BASE}/runs/2/replay`)).toHaveLength(1);
  });

  it('says so for a run that is not in the workspace', async () => {
    as('viewer');
    renderApp('/conversations/404');
    expect(await screen.findByRole('heading', { level: 1, name: 'Run not found' })).toBeTruthy();
  });

  it('finds no difference between a run and an identical re-run', () => {
    const run = parseRunDetail(HANDOVER_DETAIL);
    const differences = compareRuns(run, { ...run, id: '9' });
    expect(differences.filter((difference) => difference.changed)).toEqual([]);
    expect(differences.find((difference) => difference.aspect === 'Signals fired')?.original).toBe('requested');
    expect(differences.find((difference) => difference.aspect === 'Retrieval confidence')?.original).toBe('Not searched');

    // Long replies read shortened, but a change past the cut still counts.
    const long = 'Thanks for waiting. '.repeat(12);
    const before = { ...run, trace: run.trace && { ...run.trace, decision: { ...run.trace.decision, reply: `${long}Bye.` } } };
    const after = { ...run, trace: run.trace && { ...run.trace, decision: { ...run.trace.decision, reply: `${long}Goodbye.` } } };
    const message = compareRuns(before, after).find((difference) => difference.aspect === 'Message to the customer');
    expect(message?.original).toBe(message?.replay);
    expect(message?.original.endsWith('…')).toBe(true);
    expect(message?.changed).toBe(true);
  });
});
