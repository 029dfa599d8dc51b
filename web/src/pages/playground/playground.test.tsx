import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../api/auth';
import { parsePlaygroundResult, type PlaygroundConversation } from '../../api/playground';
import { REPLY_DECISION, REPLY_TRACE, playgroundAnswer } from '../../test/agent';
import { jsonResponse, renderApp } from '../../test/render';
import { WORKSPACE_ID, errorResponse, fakeServer, sessionAs, type FakeRequest, type Handler } from '../../test/server';
import { conversationMessages } from './PlaygroundPage';
import { storageKeys, type Turn } from './saved';

const BASE = `/api/workspaces/${WORKSPACE_ID}`;

function as(role: Role, extra: Record<string, Handler> = {}) {
  return fakeServer({
    session: sessionAs(role),
    routes: { 'GET /api/workspaces': () => jsonResponse(200, []), ...extra },
  });
}

/** Answers each message with the next answer of `answers`. */
function answering(...answers: unknown[]): Handler {
  let next = 0;
  return () => jsonResponse(200, answers[Math.min(next++, answers.length - 1)]);
}

function sent(call: FakeRequest | undefined): PlaygroundConversation {
  return call?.body as PlaygroundConversation;
}

async function send(text: string) {
  fireEvent.change(screen.getByLabelText('Message'), { target: { value: text } });
  fireEvent.click(screen.getByRole('button', { name: 'Send' }));
  await waitFor(() => expect(screen.queryByText('Deskmate is thinking…')).toBeNull());
}

function answers() {
  return screen.getAllByRole('listitem', { name: 'Deskmate’s answer' });
}

describe('Playground', () => {
  it('sends the conversation with the customer, orders, hours and instructions, and shows the reply with its trace', async () => {
    const server = as('editor', { 'POST /api/workspaces/:id/playground/messages': answering(playgroundAnswer('reply')) });
    renderApp('/playground');
    await screen.findByRole('heading', { level: 1, name: 'Playground' });
    expect(screen.getByText(/Write a message as the customer to start/)).toBeTruthy();

    const setup = screen.getByRole('form', { name: 'Conversation setup' });
    fireEvent.change(within(setup).getByLabelText('Channel'), { target: { value: 'email' } });
    fireEvent.change(within(setup).getByLabelText('Subject'), { target: { value: 'Delivery' } });
    fireEvent.change(within(setup).getByLabelText('Name'), { target: { value: 'Ada Lovelace' } });
    fireEvent.change(within(setup).getByLabelText('Email'), { target: { value: 'ada@example.test' } });
    fireEvent.click(within(setup).getByRole('button', { name: 'Add order' }));
    const order = within(setup).getByRole('group', { name: 'Order #1001' });
    fireEvent.change(within(order).getByLabelText('Status'), { target: { value: 'delivered' } });
    fireEvent.change(within(order).getByLabelText('Carrier'), { target: { value: 'DHL' } });
    fireEvent.change(within(order).getByLabelText('Tracking URL'), { target: { value: 'https://dhl.example/1' } });
    fireEvent.click(within(setup).getByRole('button', { name: 'Add order' }));
    fireEvent.click(within(setup).getByRole('button', { name: 'Remove order #1002' }));
    fireEvent.click(within(setup).getByRole('radio', { name: 'Closed' }));
    fireEvent.change(within(setup).getByLabelText('Instructions for this conversation'), {
      target: { value: 'Offer free express shipping\n\n  Sign as Ada  ' },
    });

    await send('How long does standard shipping take?');

    const [call] = server.callsTo('POST', `${BASE}/playground/messages`);
    const body = sent(call);
    expect(body.conversation_id).toMatch(/^pg-/);
    expect(body).toMatchObject({
      channel: 'email',
      subject: 'Delivery',
      customer: { name: 'Ada Lovelace', email: 'ada@example.test', note: '' },
      business_hours: 'closed',
      messages: [{ role: 'customer', text: 'How long does standard shipping take?' }],
      instructions: ['Offer free express shipping', 'Sign as Ada'],
    });
    expect(body.customer.orders).toHaveLength(1);
    expect(body.customer.orders[0]).toMatchObject({
      number: '#1001',
      financial_status: 'paid',
      fulfillment_status: 'fulfilled',
      shipment_status: 'delivered',
      tracking_company: 'DHL',
      tracking_url: 'https://dhl.example/1',
      items: [],
    });
    expect(call?.headers['x-csrf-token']).toBe('csrf-editor');

    const [answer] = answers();
    const reply = within(answer as HTMLElement);
    expect(reply.getByText('Reply')).toBeTruthy();
    expect(reply.getByText(/Standard shipping takes 3 to 5 business days/)).toBeTruthy();
    expect(within(reply.getByRole('list', { name: 'Sources' })).getByText('Shipping times')).toBeTruthy();
    expect(within(reply.getByRole('list', { name: 'Tags' })).getByText('ai-handled')).toBeTruthy();
    expect(reply.getByRole('link', { name: 'Run #1' }).getAttribute('href')).toBe('/conversations/1');
    expect(reply.queryByText(/A person should check/)).toBeNull();
    expect(screen.getByLabelText('Message')).toHaveProperty('value', '');
    expect(within(screen.getByRole('status', { name: 'Conversation state' })).getByText('Deskmate answers')).toBeTruthy();

    // The trace: the chunk used, the retrieval confidence against its threshold, the signals and the steps.
    fireEvent.click(reply.getByText('Trace'));
    const trace = reply.getByRole('region', { name: 'Trace' });
    const chunks = within(trace).getByRole('table', { name: 'Knowledge chunks' });
    const used = within(chunks).getByRole('row', { name: /Shipping times/ });
    expect(within(used).getByText('Used')).toBeTruthy();
    expect(within(used).getByText('0.833')).toBeTruthy();
    expect(within(within(chunks).getByRole('row', { name: /Returns › Refunds/ })).getByText('No')).toBeTruthy();
    const retrieval = within(trace).getByRole('group', { name: 'Retrieval confidence' });
    expect(retrieval.textContent).toContain('Retrieval confidence 0.940, threshold 0.720');
    expect(within(retrieval).getByText('Enough to answer')).toBeTruthy();
    const signals = within(trace).getByRole('table', { name: 'Hand-over signals' });
    expect(within(signals).queryByText('Fired', { selector: 'td .badge' })).toBeNull();
    expect(within(trace).getByText('No model trained')).toBeTruthy();
    expect(within(trace).getByText('cfg-bdcc2de0bce4')).toBeTruthy();
    expect(within(within(trace).getByRole('list', { name: 'Steps' })).getAllByRole('listitem')).toHaveLength(7);
  });

  it('sends the reply back with the next message, shows a hand-over with its reason, and returns the conversation to the bot', async () => {
    const server = as('editor', {
      'POST /api/workspaces/:id/playground/messages': answering(playgroundAnswer('reply'), playgroundAnswer('handover')),
      'POST /api/workspaces/:id/playground/conversations/:cid/return': () => new Response(null, { status: 204 }),
    });
    renderApp('/playground');
    await screen.findByRole('heading', { level: 1, name: 'Playground' });
    await send('How long does standard shipping take?');
    await send('I want to talk to a real person');

    const calls = server.callsTo('POST', `${BASE}/playground/messages`);
    expect(sent(calls[1]).messages).toEqual([
      { role: 'customer', text: 'How long does standard shipping take?' },
      { role: 'bot', text: REPLY_DECISION.reply },
      { role: 'customer', text: 'I want to talk to a real person' },
    ]);
    expect(sent(calls[1]).conversation_id).toBe(sent(calls[0]).conversation_id);

    const handover = within(answers()[1] as HTMLElement);
    expect(handover.getByText('Hand-over')).toBeTruthy();
    expect(handover.getByText('requested', { selector: 'code' }).parentElement?.textContent).toBe(
      'The customer asked for a person requested',
    );
    expect(handover.getByText('Last message to the customer:')).toBeTruthy();
    fireEvent.click(handover.getByText('Trace'));
    const signals = within(handover.getByRole('region', { name: 'Trace' })).getByRole('table', { name: 'Hand-over signals' });
    const requested = within(signals).getByRole('row', { name: /requested/ });
    expect(within(requested).getByText('Fired')).toBeTruthy();
    expect(within(requested).getByText('real person')).toBeTruthy();

    expect(within(screen.getByRole('status', { name: 'Conversation state' })).getByText('Handed over to a person')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Return to bot' }));
    expect(await screen.findByText(/Returned to Deskmate/)).toBeTruthy();
    expect(within(screen.getByRole('status', { name: 'Conversation state' })).getByText('Deskmate answers')).toBeTruthy();
    expect(server.callsTo('POST', `${BASE}/playground/conversations/${sent(calls[0]).conversation_id}/return`)).toHaveLength(1);
    expect(screen.queryByRole('button', { name: 'Return to bot' })).toBeNull();
  });

  it('starts over: forgets the conversation on the server and begins a new one', async () => {
    const server = as('editor', {
      'POST /api/workspaces/:id/playground/messages': answering(playgroundAnswer('handover'), playgroundAnswer('reply')),
      'DELETE /api/workspaces/:id/playground/conversations/:cid': () => new Response(null, { status: 204 }),
    });
    renderApp('/playground');
    await screen.findByRole('heading', { level: 1, name: 'Playground' });
    expect(screen.getByRole('button', { name: 'Start over' }).matches(':disabled')).toBe(true);
    await send('I want to talk to a real person');

    expect(screen.getByRole('button', { name: 'Return to bot' })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Start over' }));
    expect(await screen.findByText(/Write a message as the customer to start/)).toBeTruthy();
    const first = sent(server.callsTo('POST', `${BASE}/playground/messages`)[0]).conversation_id;
    expect(server.callsTo('DELETE', `${BASE}/playground/conversations/${first}`)).toHaveLength(1);
    expect(within(screen.getByRole('status', { name: 'Conversation state' })).getByText('Deskmate answers')).toBeTruthy();

    await send('How long does standard shipping take?');
    const second = sent(server.callsTo('POST', `${BASE}/playground/messages`)[1]);
    expect(second.conversation_id).not.toBe(first);
    expect(second.messages).toEqual([{ role: 'customer', text: 'How long does standard shipping take?' }]);
  });

  it('keeps the conversation while another page is open, and goes on with it', async () => {
    const server = as('editor', {
      'POST /api/workspaces/:id/playground/messages': answering(playgroundAnswer('reply'), playgroundAnswer('handover')),
      'GET /api/workspaces/:id/runs': () => jsonResponse(200, []),
      'GET /api/workspaces/:id/automations': () => jsonResponse(200, []),
    });
    renderApp('/playground');
    await screen.findByRole('heading', { level: 1, name: 'Playground' });
    fireEvent.change(within(screen.getByRole('form', { name: 'Conversation setup' })).getByLabelText('Name'), {
      target: { value: 'Ada Lovelace' },
    });
    fireEvent.click(within(screen.getByRole('form', { name: 'Conversation setup' })).getByRole('button', { name: 'Add order' }));
    await send('How long does standard shipping take?');

    const nav = screen.getByRole('navigation', { name: 'Main' });
    fireEvent.click(within(nav).getByRole('link', { name: 'Conversations' }));
    await screen.findByRole('heading', { level: 1, name: 'Conversations' });
    fireEvent.click(within(nav).getByRole('link', { name: 'Playground' }));
    await screen.findByRole('heading', { level: 1, name: 'Playground' });

    expect(answers()).toHaveLength(1);
    const setup = screen.getByRole('form', { name: 'Conversation setup' });
    expect(within(setup).getByLabelText<HTMLInputElement>('Name').value).toBe('Ada Lovelace');
    expect(within(setup).getByRole('group', { name: 'Order #1001' })).toBeTruthy();
    await send('I want to talk to a real person');
    const calls = server.callsTo('POST', `${BASE}/playground/messages`);
    expect(sent(calls[1]).conversation_id).toBe(sent(calls[0]).conversation_id);
    expect(sent(calls[1]).messages).toHaveLength(3);
    expect(sent(calls[1]).customer.orders).toHaveLength(1);
  });

  it('starts afresh when what the tab kept cannot be read', async () => {
    window.sessionStorage.setItem(storageKeys(WORKSPACE_ID).thread, '{"conversationId": 7, "turns": "no"}');
    window.sessionStorage.setItem(storageKeys(WORKSPACE_ID).setup, 'not json');
    as('editor');
    renderApp('/playground');
    expect(await screen.findByText(/Write a message as the customer to start/)).toBeTruthy();
    expect(within(screen.getByRole('form', { name: 'Conversation setup' })).getByLabelText<HTMLSelectElement>('Channel').value).toBe(
      'chat',
    );
  });

  it('adds a team member’s message without a run, and sends it with the next customer message', async () => {
    const server = as('editor', { 'POST /api/workspaces/:id/playground/messages': answering(playgroundAnswer('reply')) });
    renderApp('/playground');
    await screen.findByRole('heading', { level: 1, name: 'Playground' });
    fireEvent.change(screen.getByLabelText('From'), { target: { value: 'agent' } });
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'Hello, Sam from the team here.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add message' }));
    expect(screen.getByText('Team member', { selector: '.cv-message__role' })).toBeTruthy();
    expect(server.callsTo('POST', `${BASE}/playground/messages`)).toHaveLength(0);

    fireEvent.change(screen.getByLabelText('From'), { target: { value: 'customer' } });
    await send('How long does standard shipping take?');
    expect(sent(server.callsTo('POST', `${BASE}/playground/messages`)[0]).messages).toEqual([
      { role: 'agent', text: 'Hello, Sam from the team here.' },
      { role: 'customer', text: 'How long does standard shipping take?' },
    ]);
  });

  it('shows a reply a person should check, and a question that waits for the order number', async () => {
    as('editor', {
      'POST /api/workspaces/:id/playground/messages': answering(
        {
          ...playgroundAnswer('reply'),
          decision: { ...REPLY_DECISION, review: true, post_action: 'close' },
          trace: { ...REPLY_TRACE, retrieval: { ...REPLY_TRACE.retrieval, confidence: 0.5 } },
        },
        {
          ...playgroundAnswer('reply'),
          decision: {
            kind: 'clarify',
            reply: 'Could you send me your order number?',
            tags: ['ai-handled'],
            explanation: 'No order number.',
          },
          trace: { ...REPLY_TRACE, chunks: [], retrieval: null, order: { asked: true } },
        },
      ),
    });
    renderApp('/playground');
    await screen.findByRole('heading', { level: 1, name: 'Playground' });
    await send('How long does shipping take?');
    const first = within(answers()[0] as HTMLElement);
    expect(first.getByText('A person should check this reply before it counts as answered.')).toBeTruthy();
    expect(first.getByText('Close the ticket')).toBeTruthy();
    fireEvent.click(first.getByText('Trace'));
    expect(first.getByText('Below the threshold')).toBeTruthy();

    await send('Where is my order?');
    const second = within(answers()[1] as HTMLElement);
    expect(second.getByText('Clarify')).toBeTruthy();
    expect(second.getByText('Could you send me your order number?')).toBeTruthy();
    fireEvent.click(second.getByText('Trace'));
    const trace = within(second.getByRole('region', { name: 'Trace' }));
    expect(trace.getByText('No number given')).toBeTruthy();
    expect(trace.queryByRole('table', { name: 'Knowledge chunks' })).toBeNull();
  });

  it('shows the server’s complaint about an order beside the orders, and keeps the message to send again', async () => {
    as('editor', {
      'POST /api/workspaces/:id/playground/messages': () =>
        errorResponse(422, 'invalid', 'customer.orders[0].number: is required', {
          fields: { 'customer.orders[0].number': 'is required' },
        }),
    });
    renderApp('/playground');
    await screen.findByRole('heading', { level: 1, name: 'Playground' });
    const setup = screen.getByRole('form', { name: 'Conversation setup' });
    fireEvent.click(within(setup).getByRole('button', { name: 'Add order' }));
    fireEvent.change(within(setup).getByLabelText('Number'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'Where is my order?' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));

    expect(await within(setup).findByText('is required')).toBeTruthy();
    expect(screen.getByLabelText('Message')).toHaveProperty('value', 'Where is my order?');
    expect(screen.queryByRole('listitem', { name: 'Deskmate’s answer' })).toBeNull();
    expect(screen.getByText(/Write a message as the customer to start/)).toBeTruthy();
  });

  it('sends only replies and questions back as Deskmate’s messages', () => {
    const answer = (decision: Record<string, unknown>): Turn => ({
      type: 'answer',
      result: parsePlaygroundResult({ ...playgroundAnswer('reply'), decision }),
    });
    expect(
      conversationMessages([
        { type: 'message', role: 'customer', text: 'hi' },
        answer({ kind: 'clarify', reply: 'Which order?' }),
        { type: 'message', role: 'customer', text: '#1001' },
        answer({ kind: 'handover', reason: 'requested', reply: 'Passing you on.' }),
        { type: 'event', text: 'Returned to Deskmate.' },
        { type: 'message', role: 'agent', text: 'Sam here.' },
        answer({ kind: 'nothing', reason: 'no_customer_message' }),
      ]),
    ).toEqual([
      { role: 'customer', text: 'hi' },
      { role: 'bot', text: 'Which order?' },
      { role: 'customer', text: '#1001' },
      { role: 'agent', text: 'Sam here.' },
    ]);
  });

  it('shows a viewer why there is no message box: each message records a run', async () => {
    const server = as('viewer');
    renderApp('/playground');
    await screen.findByRole('heading', { level: 1, name: 'Playground' });
    expect(screen.getByText(/Only editors can chat with Deskmate here/)).toBeTruthy();
    expect(screen.queryByRole('form', { name: 'New message' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Start over' })).toBeNull();
    expect(server.callsTo('POST', `${BASE}/playground/messages`)).toHaveLength(0);
  });

  it('tells a signed-in user without a workspace where to go', async () => {
    const lonely = sessionAs('editor');
    lonely.workspaces = [];
    fakeServer({ session: lonely });
    renderApp('/playground');
    expect(await screen.findByText(/you have none yet/)).toBeTruthy();
  });
});
