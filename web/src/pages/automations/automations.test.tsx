import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../api/auth';
import { jsonResponse, renderApp } from '../../test/render';
import { WORKSPACE_ID, errorResponse, fakeServer, sessionAs, type Handler } from '../../test/server';

const BASE = `/api/workspaces/${WORKSPACE_ID}`;

const ORDER_STATUS = {
  id: 11,
  name: 'Order status',
  phrases: ['where is my order', 'has my order shipped yet', 'track my parcel'],
  response: 'Hi {{customer.first_name}}, your order is on its way.',
  tags: ['order-status'],
  post_action: 'close',
  channels: ['email'],
  language: 'en',
  guidance: '',
  active: true,
  created_at: '2026-11-22T02:52:00Z',
  updated_at: '2026-11-22T02:52:00Z',
};

const REFUND = { ...ORDER_STATUS, id: 12, name: 'Refund', phrases: ['i want a refund'], tags: [], post_action: 'none', active: false };

function run(overrides: Record<string, unknown> = {}) {
  return {
    id: 3,
    version: 3,
    status: 'ready',
    stage: 'done',
    progress: 1,
    error: '',
    phrases_count: 14,
    automations_count: 2,
    quality: null,
    warnings: [],
    active: false,
    created_at: '2026-11-22T03:00:00Z',
    finished_at: null,
    ...overrides,
  };
}

const QUALITY = {
  folds: 5,
  phrases: 14,
  accuracy: 0.93,
  per_intent: [
    { automation: { id: 11, name: 'Order status' }, phrases: 7, precision: 1, recall: 0.86 },
    { automation: { id: 12, name: 'Refund' }, phrases: 7, precision: 0.875, recall: 1 },
  ],
  confusable: [{ a: { id: 11, name: 'Order status' }, b: { id: 12, name: 'Refund' }, count: 1, rate: 0.07 }],
  thresholds: { auto_answer: 0.8, suggest: 0.5, min_margin: 0.1 },
  calibration: {},
};

function routes(_role: Role, extra: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    'GET /api/workspaces': () => jsonResponse(200, []),
    'GET /api/workspaces/:id/automations': () => jsonResponse(200, [ORDER_STATUS, REFUND]),
    'GET /api/workspaces/:id/automations/training': () => jsonResponse(200, { latest: null, active: null }),
    'GET /api/workspaces/:id/automations/:aid': ({ params }) =>
      jsonResponse(200, params.aid === '12' ? REFUND : ORDER_STATUS),
    ...extra,
  };
}

describe('Automations list', () => {
  it('lists the automations with phrase counts, status, tags and post-action', async () => {
    fakeServer({ session: sessionAs('editor'), routes: routes('editor') });
    renderApp('/automations');
    const row = (await screen.findByRole('rowheader', { name: 'Order status' })).closest('tr');
    expect(row).not.toBeNull();
    const cells = within(row as HTMLElement);
    expect(cells.getByText('3')).toBeTruthy();
    expect(cells.getByText('Active')).toBeTruthy();
    expect(cells.getByText('order-status')).toBeTruthy();
    expect(cells.getByText('Close the ticket')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'New automation' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Train AI' })).toBeTruthy();
    expect(screen.getByText('No model trained yet.')).toBeTruthy();
  });

  it('imports a CSV file, and returns to sign in when the session has ended', async () => {
    let answer = () => jsonResponse(200, { created: 1, updated: 1 });
    const server = fakeServer({
      session: sessionAs('editor'),
      routes: routes('editor', { 'POST /api/workspaces/:id/automations/import': () => answer() }),
    });
    renderApp('/automations');
    const input = await screen.findByLabelText('Import automations from a JSON or CSV file');
    const csv = 'name,phrases,response\nOrder status,where is my order,On its way.\n';

    fireEvent.change(input, { target: { files: [new File([csv], 'automations.csv', { type: 'text/csv' })] } });

    expect(await screen.findByText('Imported: 1 created, 1 updated.')).toBeTruthy();
    const [sent] = server.callsTo('POST', `${BASE}/automations/import`);
    expect(sent?.headers['content-type']).toBe('text/csv');
    expect(sent?.body).toBe(csv);

    answer = () => errorResponse(401, 'unauthorized', 'sign in first');
    fireEvent.change(input, { target: { files: [new File([csv], 'automations.csv', { type: 'text/csv' })] } });

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(screen.getByText('Your session has ended. Sign in again to continue.')).toBeTruthy();
  });

  it('shows a viewer no write buttons, but export and the test box', async () => {
    fakeServer({ session: sessionAs('viewer'), routes: routes('viewer') });
    renderApp('/automations');
    await screen.findByRole('rowheader', { name: 'Order status' });
    expect(screen.queryByRole('link', { name: 'New automation' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Train AI' })).toBeNull();
    expect(screen.queryByLabelText('Import automations from a JSON or CSV file')).toBeNull();
    expect(screen.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toBe(
      `${BASE}/automations/export?format=csv`,
    );
    expect(screen.getByRole('button', { name: 'Test' })).toBeTruthy();
  });

  it('shows a viewer the automation read-only', async () => {
    fakeServer({ session: sessionAs('viewer'), routes: routes('viewer') });
    renderApp('/automations/11');
    const name = await screen.findByLabelText('Name');
    expect(name.matches(':disabled')).toBe(true);
    expect(screen.getByLabelText('Response').matches(':disabled')).toBe(true);
    expect(screen.queryByRole('button', { name: /Save|Delete|Remove phrase/ })).toBeNull();
    expect(screen.queryByLabelText('New learning phrase')).toBeNull();
    expect(screen.getByText('Only editors can change automations.')).toBeTruthy();
  });
});

describe('Automation editor', () => {
  it('counts the phrases against the 7 needed and shows the 422 beside Active', async () => {
    const server = fakeServer({
      session: sessionAs('editor'),
      routes: routes('editor', {
        'POST /api/workspaces/:id/automations': () =>
          errorResponse(422, 'invalid', 'active: needs at least 7 learning phrases to be active: has 4', {
            fields: { active: 'needs at least 7 learning phrases to be active: has 4' },
          }),
      }),
    });
    renderApp('/automations/new');
    fireEvent.change(await screen.findByLabelText('Name'), { target: { value: 'Order status' } });
    expect(screen.getByText('0 phrases')).toBeTruthy();
    expect(screen.getByText(/At least 7 to activate \(7 more needed\)/)).toBeTruthy();

    const box = screen.getByLabelText('New learning phrase');
    for (const phrase of ['where is my order', 'track my parcel', 'has it shipped']) {
      fireEvent.change(box, { target: { value: phrase } });
      fireEvent.keyDown(box, { key: 'Enter' });
    }
    // Duplicates, regardless of case, are not added twice.
    fireEvent.change(box, { target: { value: 'Track  my parcel' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add phrase' }));
    expect(screen.getByText('3 phrases')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Remove phrase has it shipped' }));
    expect(screen.getByText('2 phrases')).toBeTruthy();
    expect(screen.getByText(/\(5 more needed\)/)).toBeTruthy();

    // A phrase still in the box is saved with the form.
    fireEvent.change(box, { target: { value: 'my order has not arrived' } });
    fireEvent.change(screen.getByLabelText('Response'), { target: { value: 'It is on its way.' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Active' }));
    fireEvent.click(screen.getByRole('button', { name: 'Create automation' }));

    const error = await screen.findByText('needs at least 7 learning phrases to be active: has 4');
    const active = screen.getByRole('checkbox', { name: 'Active' });
    expect(active.getAttribute('aria-invalid')).toBe('true');
    expect(active.getAttribute('aria-describedby')).toBe(error.id);
    const [post] = server.callsTo('POST', `${BASE}/automations`);
    expect(post?.body).toMatchObject({
      name: 'Order status',
      phrases: ['where is my order', 'track my parcel', 'my order has not arrived'],
      response: 'It is on its way.',
      active: true,
      language: 'en',
      post_action: 'none',
    });
    expect(post?.headers['x-csrf-token']).toBe('csrf-editor');
  });

  it('lists the response variables', async () => {
    fakeServer({ session: sessionAs('editor'), routes: routes('editor') });
    renderApp('/automations/new');
    await screen.findByLabelText('Response');
    for (const variable of ['{{customer.first_name}}', '{{order.number}}', '{{ticket.id}}']) {
      expect(screen.getByText(variable)).toBeTruthy();
    }
  });
});

describe('Training', () => {
  it('shows the progress of a running training and the model still serving', async () => {
    fakeServer({
      session: sessionAs('editor'),
      routes: routes('editor', {
        'GET /api/workspaces/:id/automations/training': () =>
          jsonResponse(200, {
            latest: run({ id: 4, version: 4, status: 'training', stage: 'cross_validating', progress: 0.42 }),
            active: run({ active: true, quality: QUALITY, finished_at: '2026-11-22T03:01:00Z' }),
          }),
      }),
    });
    renderApp('/automations');
    expect(await screen.findByText('Active model: version 3')).toBeTruthy();
    const latest = screen.getByRole('group', { name: 'Latest training' });
    expect(within(latest).getByText('Training')).toBeTruthy();
    expect(within(latest).getByText('Stage: Measuring quality')).toBeTruthy();
    expect(within(latest).getByText('42%')).toBeTruthy();
    const bar = within(latest).getByLabelText<HTMLProgressElement>('Training progress');
    expect(bar.value).toBeCloseTo(0.42);
    expect(within(latest).getByText('Version 3 keeps answering until the new model is ready.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Training…' }).matches(':disabled')).toBe(true);

    const quality = screen.getByRole('group', { name: 'Quality of version 3' });
    expect(within(quality).getByText('93%')).toBeTruthy();
    const refund = within(quality).getByRole('rowheader', { name: 'Refund' }).closest('tr') as HTMLElement;
    expect(within(refund).getByText('88%')).toBeTruthy();
    expect(within(refund).getByText('100%')).toBeTruthy();
    expect(within(quality).getByText(/Order status ↔ Refund: 1 held-out phrases mistaken/)).toBeTruthy();
  });

  it('starts a training and polls until it is done', async () => {
    let polls = 0;
    const server = fakeServer({
      session: sessionAs('editor'),
      routes: routes('editor', {
        'POST /api/workspaces/:id/automations/train': () =>
          jsonResponse(202, run({ status: 'training', stage: 'queued', progress: 0 })),
        'GET /api/workspaces/:id/automations/training': () => {
          polls += 1;
          if (polls === 1) {
            return jsonResponse(200, { latest: null, active: null });
          }
          return jsonResponse(200, {
            latest: run({
              active: true,
              quality: QUALITY,
              warnings: [
                {
                  kind: 'near_duplicate',
                  message: 'Order status and Refund share a phrase',
                  automations: [],
                  phrases: ['my order'],
                },
              ],
            }),
            active: run({ active: true, quality: QUALITY }),
          });
        },
      }),
    });
    renderApp('/automations');
    fireEvent.click(await screen.findByRole('button', { name: 'Train AI' }));
    expect(await screen.findByText('Stage: Queued')).toBeTruthy();
    expect(await screen.findByText('Stage: Done', undefined, { timeout: 3000 })).toBeTruthy();
    expect(screen.getByText('Active model: version 3')).toBeTruthy();
    expect(screen.getByText(/share a phrase/)).toBeTruthy();
    expect(server.callsTo('POST', `${BASE}/automations/train`)).toHaveLength(1);
  });

  it('explains why training cannot start', async () => {
    fakeServer({
      session: sessionAs('editor'),
      routes: routes('editor', {
        'POST /api/workspaces/:id/automations/train': () =>
          errorResponse(422, 'invalid', 'automations: training needs at least 2 active automations: has 1', {
            fields: { automations: 'training needs at least 2 active automations: has 1' },
          }),
      }),
    });
    renderApp('/automations');
    fireEvent.click(await screen.findByRole('button', { name: 'Train AI' }));
    expect((await screen.findByRole('alert')).textContent).toBe('training needs at least 2 active automations: has 1');
  });
});

describe('Test box', () => {
  function match(overrides: Record<string, unknown>) {
    return {
      intent: { id: 11, name: 'Order status' },
      confidence: 0.91,
      runner_up: { id: 12, name: 'Refund' },
      runner_up_confidence: 0.04,
      decision: 'auto_answer',
      response: 'Hi there, your order is on its way.',
      model_version: 3,
      ...overrides,
    };
  }

  async function ask(message: string) {
    fireEvent.change(await screen.findByLabelText('Customer message'), { target: { value: message } });
    fireEvent.click(screen.getByRole('button', { name: 'Test' }));
    return screen.findByRole('region', { name: 'Test result' });
  }

  it('renders auto-answer, suggest and no-match results', async () => {
    const answers = [
      match({}),
      match({ decision: 'suggest', confidence: 0.62, runner_up_confidence: 0.3 }),
      match({ decision: 'no_match', intent: null, confidence: 0.21, response: null, runner_up: { id: 12, name: 'Refund' }, runner_up_confidence: 0.18 }),
    ];
    const server = fakeServer({
      session: sessionAs('viewer'),
      routes: routes('viewer', {
        'POST /api/workspaces/:id/automations/test': () => jsonResponse(200, answers.shift()),
      }),
    });
    renderApp('/automations');

    let result = await ask('is my parcel on its way?');
    expect(within(result).getByText('Auto-answer')).toBeTruthy();
    expect(within(result).getByText('Order status')).toBeTruthy();
    expect(within(result).getByText(/confidence 91%/)).toBeTruthy();
    expect(within(result).getByText(/Refund · confidence 4%/)).toBeTruthy();
    expect(within(result).getByText('Hi there, your order is on its way.')).toBeTruthy();
    expect(server.callsTo('POST', `${BASE}/automations/test`)[0]?.body).toEqual({ message: 'is my parcel on its way?' });

    await ask('my parcel?');
    await waitFor(() => expect(screen.getByText('Suggest')).toBeTruthy());
    result = screen.getByRole('region', { name: 'Test result' });
    expect(within(result).getByText(/confidence 62%/)).toBeTruthy();

    await ask("what's the weather on mars");
    await waitFor(() => expect(screen.getByText('No match')).toBeTruthy());
    result = screen.getByRole('region', { name: 'Test result' });
    expect(within(result).getByText('None')).toBeTruthy();
    expect(within(result).queryByLabelText('Response')).toBeNull();
  });

  it('says so when no model is trained yet', async () => {
    fakeServer({
      session: sessionAs('editor'),
      routes: routes('editor', {
        'POST /api/workspaces/:id/automations/test': () =>
          errorResponse(409, 'conflict', 'no model trained yet: add at least 2 active automations and train'),
      }),
    });
    renderApp('/automations');
    fireEvent.change(await screen.findByLabelText('Customer message'), { target: { value: 'hello' } });
    fireEvent.click(screen.getByRole('button', { name: 'Test' }));
    expect(await screen.findByText(/No model is trained yet/)).toBeTruthy();
  });
});
