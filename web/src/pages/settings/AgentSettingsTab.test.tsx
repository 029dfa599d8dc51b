import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../api/auth';
import { parseAgentSettings, type AgentSettings } from '../../api/agent';
import { DEFAULT_AGENT_SETTINGS } from '../../test/agent';
import { jsonResponse, renderApp } from '../../test/render';
import { WORKSPACE_ID, errorResponse, fakeServer, sessionAs, type Handler } from '../../test/server';
import { fromDraft, knownTimeZone, spanProblem, toDraft } from './AgentSettingsTab';

const PATH = `/api/workspaces/${WORKSPACE_ID}/agent-settings`;

function as(role: Role, extra: Record<string, Handler> = {}) {
  return fakeServer({
    session: sessionAs(role),
    routes: {
      'GET /api/workspaces': () => jsonResponse(200, []),
      'GET /api/workspaces/:id/agent-settings': () => jsonResponse(200, DEFAULT_AGENT_SETTINGS),
      ...extra,
    },
  });
}

function day(name: string): HTMLElement {
  return within(screen.getByRole('group', { name: 'Opening hours' })).getByRole('group', { name });
}

describe('Settings → Agent', () => {
  it('edits topics, hours, holidays and messages, and saves them all', async () => {
    const server = as('admin', {
      'PUT /api/workspaces/:id/agent-settings': ({ body }) => jsonResponse(200, body),
    });
    renderApp('/settings/agent');
    const legal = await screen.findByRole('group', { name: 'Topic 1' });
    expect(within(legal).getByLabelText<HTMLInputElement>('Name').value).toBe('legal');
    expect(within(legal).getByLabelText<HTMLTextAreaElement>('Examples').value).toBe('I will sue you\nmy lawyer will contact you');

    // A new topic, and one less.
    fireEvent.click(screen.getByRole('button', { name: 'Add topic' }));
    const pets = screen.getByRole('group', { name: 'Topic 3' });
    fireEvent.change(within(pets).getByLabelText('Name'), { target: { value: 'pets' } });
    fireEvent.change(within(pets).getByLabelText('Examples'), { target: { value: 'my dog ate it\n\n  the cat got sick  ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Remove topic chargeback' }));

    // Monday 09:00–12:00 and 13:00–17:30, copied to the other weekdays.
    expect(within(day('Monday')).getByText('Closed')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Add hours on Monday' }));
    fireEvent.change(screen.getByLabelText('Monday, hours 1, to'), { target: { value: '12:00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add hours on Monday' }));
    expect(screen.getByLabelText<HTMLInputElement>('Monday, hours 2, from').value).toBe('12:00');
    fireEvent.change(screen.getByLabelText('Monday, hours 2, from'), { target: { value: '13:00' } });
    fireEvent.change(screen.getByLabelText('Monday, hours 2, to'), { target: { value: '17:30' } });
    fireEvent.click(screen.getByRole('button', { name: 'Copy Monday’s hours to Tuesday–Friday' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add hours on Saturday' }));
    fireEvent.click(screen.getByRole('button', { name: 'Remove Saturday, hours 1' }));

    fireEvent.change(screen.getByLabelText('Time zone'), { target: { value: 'Europe/Paris' } });
    fireEvent.change(screen.getByLabelText('Holidays'), { target: { value: '2026-12-25' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add holiday' }));
    fireEvent.change(screen.getByLabelText('Holidays'), { target: { value: '2026-12-24' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add holiday' }));
    fireEvent.change(screen.getByLabelText('Most replies in one conversation'), { target: { value: '5' } });
    fireEvent.change(screen.getByLabelText('Hide personal data from the model'), { target: { value: 'on' } });
    fireEvent.change(screen.getByLabelText('Input tokens, USD per million'), { target: { value: '0.15' } });
    fireEvent.change(screen.getByLabelText('Output tokens, USD per million'), { target: { value: '0.6' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save agent settings' }));

    expect(await screen.findByText('Saved. The next run uses these settings.')).toBeTruthy();
    const [put] = server.callsTo('PUT', PATH);
    const weekday = ['09:00-12:00', '13:00-17:30'];
    const week = [weekday, weekday, weekday, weekday, weekday, [], []];
    expect(put?.body).toEqual({
      sensitive: [
        { name: 'legal', examples: ['I will sue you', 'my lawyer will contact you'] },
        { name: 'pets', examples: ['my dog ate it', 'the cat got sick'] },
      ],
      max_bot_replies: 5,
      hours: { time_zone: 'Europe/Paris', week, holidays: ['2026-12-24', '2026-12-25'] },
      handover_open: DEFAULT_AGENT_SETTINGS.handover_open,
      handover_closed: DEFAULT_AGENT_SETTINGS.handover_closed,
      ask_email: DEFAULT_AGENT_SETTINGS.ask_email,
      pii_masking: 'on',
      input_price_per_million: 0.15,
      output_price_per_million: 0.6,
    });
    expect(put?.headers['x-csrf-token']).toBe('csrf-admin');
    expect(within(screen.getByRole('list', { name: 'Holiday dates' })).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      '2026-12-24×',
      '2026-12-25×',
    ]);
  });

  it('shows the server’s messages beside their fields: a topic, a day, the time zone, the replies', async () => {
    as('admin', {
      'PUT /api/workspaces/:id/agent-settings': () =>
        errorResponse(422, 'invalid', 'several fields', {
          fields: {
            'sensitive[1].name': 'is required',
            'hours.week[2]': '"18:00-17:00" is not an opening span such as 09:00-17:00',
            'hours.time_zone': 'is not a time zone name such as Europe/Paris or America/New_York',
            max_bot_replies: 'must be from 1 to 20',
            surprise: 'something else',
          },
        }),
    });
    renderApp('/settings/agent');
    await screen.findByRole('group', { name: 'Topic 1' });
    fireEvent.click(screen.getByRole('button', { name: 'Save agent settings' }));

    const topicName = within(screen.getByRole('group', { name: 'Topic 2' })).getByLabelText('Name');
    expect(await screen.findByText('is required')).toBeTruthy();
    expect(topicName.getAttribute('aria-invalid')).toBe('true');
    expect(within(screen.getByRole('group', { name: 'Topic 1' })).getByLabelText('Name').getAttribute('aria-invalid')).toBeNull();
    expect(within(day('Wednesday')).getByText('"18:00-17:00" is not an opening span such as 09:00-17:00')).toBeTruthy();
    expect(screen.getByLabelText('Time zone').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('is not a time zone name such as Europe/Paris or America/New_York')).toBeTruthy();
    expect(screen.getByText('must be from 1 to 20')).toBeTruthy();
    expect(screen.getByText('surprise: something else')).toBeTruthy();
    expect(screen.getByText('Some settings need a change: see the messages above.')).toBeTruthy();
  });

  it('hints in the browser at what the server will refuse', async () => {
    as('admin');
    renderApp('/settings/agent');
    await screen.findByRole('group', { name: 'Topic 1' });
    fireEvent.change(screen.getByLabelText('Time zone'), { target: { value: 'Mars/Olympus_Mons' } });
    expect(screen.getByText('This browser does not know this time zone.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Add hours on Friday' }));
    fireEvent.change(screen.getByLabelText('Friday, hours 1, from'), { target: { value: '18:00' } });
    expect(within(day('Friday')).getByText('Opening must come before closing.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Most replies in one conversation'), { target: { value: '30' } });
    expect(screen.getByText(/A whole number from 1 to 20\./)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Hand-over message outside business hours'), { target: { value: 'We are closed.' } });
    expect(screen.getByText(/Without \{next_open\} the customer is not told when the team is back\./)).toBeTruthy();
  });

  it('shows an editor the settings read-only', async () => {
    const server = as('editor');
    renderApp('/settings/agent');
    const topic = await screen.findByRole('group', { name: 'Topic 1' });
    expect(within(topic).getByLabelText('Name').matches(':disabled')).toBe(true);
    expect(screen.getByLabelText('Most replies in one conversation').matches(':disabled')).toBe(true);
    expect(screen.getByLabelText('Time zone').matches(':disabled')).toBe(true);
    expect(screen.queryByRole('button', { name: /Save|Add topic|Remove topic|Add hours|Add holiday/ })).toBeNull();
    expect(screen.getByText('Only admins can change this.')).toBeTruthy();
    expect(server.callsTo('PUT', PATH)).toHaveLength(0);
  });
});

describe('the agent settings form', () => {
  it('gives back what it was given when nothing changed', () => {
    const settings: AgentSettings = parseAgentSettings({
      ...DEFAULT_AGENT_SETTINGS,
      hours: {
        time_zone: 'Europe/Paris',
        week: [['09:00-17:00'], [], [], [], [], ['10:00-12:00', '14:00-24:00'], []],
        holidays: ['2026-12-25'],
      },
      input_price_per_million: 2.5,
    });
    expect(fromDraft(toDraft(settings))).toEqual(settings);
  });

  it('checks opening spans and time zones as the server does', () => {
    expect(spanProblem('09:00', '17:00')).toBeNull();
    expect(spanProblem('14:00', '24:00')).toBeNull();
    expect(spanProblem('', '')).toBeNull();
    expect(spanProblem('9', '17:00')).toBe('Write times as HH:MM, such as 09:00 and 17:30.');
    expect(spanProblem('24:00', '24:00')).toBe('Write times as HH:MM, such as 09:00 and 17:30.');
    expect(spanProblem('17:00', '09:00')).toBe('Opening must come before closing.');
    expect(knownTimeZone('Europe/Paris')).toBe(true);
    expect(knownTimeZone('')).toBe(true);
    expect(knownTimeZone('Nowhere/Land')).toBe(false);
  });
});
