import { describe, expect, it } from 'vitest';
import { DEFAULT_AGENT_SETTINGS, HANDOVER_INPUT, HANDOVER_RUN, HANDOVER_TRACE, REPLY_TRACE, playgroundAnswer } from '../test/agent';
import { parseAgentSettings, parseTrace } from './agent';
import { ShapeError } from './client';
import { parsePlaygroundResult } from './playground';
import { NO_RUN_FILTERS, RUNS_PAGE_SIZE, nextRunsCursor, parseRun, parseRunDetail, runsQuery } from './runs';

describe('parseTrace', () => {
  it('reads a trace with ids as strings and what the server leaves out as empty', () => {
    const trace = parseTrace(REPLY_TRACE);
    expect(trace.chunks[0]).toEqual({
      chunk_id: '1',
      document_id: '1',
      title: 'Shipping times',
      title_path: 'Shipping times',
      score: 0.028,
      vector_score: 0.404,
      text_score: 0.075,
      rerank: 0.833,
      features: { body_cov: 1, fused: 0.279, rank: 1, text: 0.755, vector: 0.404 },
      used: true,
    });
    // Only each document's best chunk has a rerank probability.
    expect(trace.chunks[1]).toMatchObject({ rerank: null, features: {}, used: false });
    expect(trace.retrieval).toMatchObject({ confidence: 0.94, threshold: 0.72 });
    expect(trace.automation).toMatchObject({ id: null, decision: 'no_model', runner_up: '', runner_up_confidence: 0 });
    expect(trace.generation).toBeNull();
    expect(trace.order).toBeNull();
    expect(trace.masked).toEqual([]);
    expect(trace.instructions).toEqual([]);
    expect(trace.signals[3]).toEqual({ name: 'bot_replies', score: 0, threshold: 1, fired: false, evidence: '0 of at most 3 replies' });
    expect(trace.decision).toMatchObject({
      kind: 'reply',
      reason: '',
      review: false,
      automation_id: null,
      citations: [{ chunk_id: '1', document_id: '1', title: 'Shipping times', url: '' }],
    });
    expect(trace.steps.map((step) => step.name)).toEqual([
      'eligibility',
      'language',
      'signals',
      'automation',
      'order',
      'retrieval',
      'extract',
    ]);
  });

  it('reads the model call, masked data and instructions when there are some', () => {
    const trace = parseTrace({
      ...HANDOVER_TRACE,
      generation: {
        provider: 'openai',
        model: 'gpt-4o-mini',
        tokens_in: 812,
        tokens_out: 64,
        cost_usd: 0.00016,
        latency_ms: 930,
        attempts: 2,
        repaired: true,
        truncated: 0,
      },
      masked: [{ kind: 'email', placeholder: '[EMAIL_1]' }],
      instructions: ['Tone of voice'],
      settings: { pii_masking: 'auto' },
    });
    expect(trace.generation).toMatchObject({ model: 'gpt-4o-mini', tokens_in: 812, repaired: true, error: '', system: '' });
    expect(trace.masked).toEqual([{ kind: 'email', placeholder: '[EMAIL_1]' }]);
    expect(trace.instructions).toEqual(['Tone of voice']);
    expect(trace.settings).toEqual({ pii_masking: 'auto' });
  });

  it('refuses a decision of an unknown kind', () => {
    expect(() => parseTrace({ ...REPLY_TRACE, decision: { kind: 'shrug' } })).toThrow(ShapeError);
  });
});

describe('runs', () => {
  it('reads a run with its trace and the conversation it decided on', () => {
    const run = parseRunDetail({ ...HANDOVER_RUN, trace: HANDOVER_TRACE, input: HANDOVER_INPUT });
    expect(run).toMatchObject({ id: '2', decision: 'handover', reason: 'requested', replay_of: null, automation_id: null });
    expect(run.trace?.signals.filter((signal) => signal.fired).map((signal) => signal.name)).toEqual(['requested']);
    expect(run.input).toEqual({
      key: 'playground:c1',
      ticket_id: '',
      channel: 'chat',
      subject: '',
      messages: HANDOVER_INPUT.messages.map(({ role, text }) => ({ role, text })),
      customer: { name: 'Ada Lovelace', email: '', note: '', orders: 0 },
      tags: [],
      instructions: [],
      open: null,
    });
  });

  it('builds the query of a page from the filters set and the cursor', () => {
    expect(runsQuery(NO_RUN_FILTERS, null)).toBe('limit=50');
    expect(runsQuery({ ...NO_RUN_FILTERS, decision: 'handover', reason: 'requested', automation_id: '11' }, '40')).toBe(
      'decision=handover&reason=requested&automation_id=11&before=40&limit=50',
    );
  });

  it('pages on with the id of the oldest run of a full page', () => {
    const full = Array.from({ length: RUNS_PAGE_SIZE }, (_, index) => parseRun({ ...HANDOVER_RUN, id: 100 - index }));
    expect(nextRunsCursor(full)).toBe('51');
    expect(nextRunsCursor(full.slice(0, 3))).toBeNull();
  });
});

describe('parsePlaygroundResult', () => {
  it('reads the run, the decision, the trace and the state', () => {
    const result = parsePlaygroundResult(playgroundAnswer('handover'));
    expect(result.state).toBe('handed_over');
    expect(result.run.id).toBe('2');
    expect(result.decision).toMatchObject({ kind: 'handover', reason: 'requested', post_action: 'handover' });
    expect(result.trace?.chunks).toEqual([]);
  });
});

describe('parseAgentSettings', () => {
  it('reads a workspace that kept the defaults: seven closed days and no holidays', () => {
    const settings = parseAgentSettings(DEFAULT_AGENT_SETTINGS);
    expect(settings.hours).toEqual({ time_zone: '', week: [[], [], [], [], [], [], []], holidays: [] });
    expect(settings.sensitive[0]).toEqual({ name: 'legal', examples: ['I will sue you', 'my lawyer will contact you'] });
    expect(settings.pii_masking).toBe('auto');
  });

  it('keeps the opening spans of each day, Monday first', () => {
    const settings = parseAgentSettings({
      ...DEFAULT_AGENT_SETTINGS,
      hours: { time_zone: 'Europe/Paris', week: [['09:00-12:00', '13:00-17:00'], [], null], holidays: ['2026-12-25'] },
    });
    expect(settings.hours.week).toEqual([['09:00-12:00', '13:00-17:00'], [], [], [], [], [], []]);
    expect(settings.hours.holidays).toEqual(['2026-12-25']);
  });
});
