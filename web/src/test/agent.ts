/** Agent answers as the Deskmate server sends them (built-in provider), for component tests. */

export const SIGNALS = [
  { name: 'requested', score: 0, threshold: 0.5, fired: false },
  { name: 'frustration', score: 0, threshold: 0.7, fired: false },
  { name: 'sensitive', score: 0, threshold: 0.75, fired: false },
  { name: 'bot_replies', score: 0, threshold: 1, fired: false, evidence: '0 of at most 3 replies' },
  { name: 'repeated_question', score: 0, threshold: 0.8, fired: false },
];

const REPLY_TEXT =
  'Hi Ada,\n\nStandard shipping takes 3 to 5 business days within the EU. Express shipping arrives the next business day when you order before 2 pm.\n\nSource: Shipping times';

export const REPLY_DECISION = {
  kind: 'reply',
  reply: REPLY_TEXT,
  language: 'en',
  citations: [{ chunk_id: 1, document_id: 1, title: 'Shipping times' }],
  tags: ['ai-handled'],
  post_action: 'none',
  confidence: 0.94,
  explanation: 'Answered from "Shipping times" (confidence 0.94).',
};

export const REPLY_TRACE = {
  version: 1,
  config_version: 'cfg-bdcc2de0bce4',
  input: {
    key: 'playground:c1',
    channel: 'chat',
    messages: 1,
    message_ids: ['1'],
    message_hashes: ['customer:b4eb651ffbdb'],
    current_hash: 'b4eb651ffbdb',
    has_email: false,
    orders: 0,
  },
  language: { detected: 'en', confidence: 0.565, reply: 'en', knowledge: 'en' },
  signals: SIGNALS,
  automation: { confidence: 0, decision: 'no_model', note: 'no automations trained yet' },
  chunks: [
    {
      chunk_id: 1,
      document_id: 1,
      title: 'Shipping times',
      title_path: 'Shipping times',
      score: 0.028,
      vector_score: 0.404,
      text_score: 0.075,
      rerank: 0.833,
      features: { body_cov: 1, fused: 0.279, rank: 1, text: 0.755, vector: 0.404 },
      used: true,
    },
    {
      chunk_id: 7,
      document_id: 3,
      title: 'Returns',
      title_path: 'Returns › Refunds',
      score: 0.016,
      vector_score: 0.2,
      text_score: 0,
      used: false,
    },
  ],
  retrieval: {
    query_hash: 'b4eb651ffbdb',
    confidence: 0.94,
    threshold: 0.72,
    features: { body_cov: 1, lead: 0.833, rerank: 0.833 },
  },
  steps: [
    { name: 'eligibility', duration_ms: 0 },
    { name: 'language', duration_ms: 0.015 },
    { name: 'signals', duration_ms: 0.066 },
    { name: 'automation', duration_ms: 0.185 },
    { name: 'order', duration_ms: 0.045 },
    { name: 'retrieval', duration_ms: 3.24 },
    { name: 'extract', duration_ms: 0.026 },
  ],
  decision: REPLY_DECISION,
};

const HANDOVER_TEXT =
  "I'm passing your message to a member of our team, who will get back to you shortly.\n\nCould you leave your email address, so that we can reach you if you leave the chat?";

export const HANDOVER_DECISION = {
  kind: 'handover',
  reason: 'requested',
  reply: HANDOVER_TEXT,
  language: 'en',
  tags: ['sys-human-help', 'transfer-to-human'],
  post_action: 'handover',
  explanation: 'The customer asked for a person.',
};

export const HANDOVER_TRACE = {
  version: 1,
  config_version: 'cfg-bdcc2de0bce4',
  input: { key: 'playground:c1', channel: 'chat', messages: 3, message_hashes: [], has_email: false, orders: 0 },
  language: { detected: 'en', confidence: 0.686, reply: 'en', knowledge: 'en' },
  signals: [
    { name: 'requested', score: 0.95, threshold: 0.5, fired: true, evidence: 'real person' },
    ...SIGNALS.slice(1, 3),
    { name: 'bot_replies', score: 0.333, threshold: 1, fired: false, evidence: '1 of at most 3 replies' },
    SIGNALS[4],
  ],
  chunks: [],
  steps: [
    { name: 'eligibility', duration_ms: 0 },
    { name: 'language', duration_ms: 0.017 },
    { name: 'signals', duration_ms: 0.055 },
  ],
  decision: HANDOVER_DECISION,
};

/** A run as lists show it (no trace, no conversation). */
export function runRow(overrides: Record<string, unknown> = {}) {
  return {
    id: 1,
    source: 'playground',
    ticket_id: '',
    channel: 'chat',
    decision: 'reply',
    reason: '',
    automation_id: null,
    language: 'en',
    config_version: 'cfg-bdcc2de0bce4',
    model: '',
    tokens_in: 0,
    tokens_out: 0,
    cost_usd: 0,
    duration_ms: 7.275,
    reply: REPLY_TEXT,
    replay_of: null,
    created_at: '2026-12-02T23:50:28.225484Z',
    ...overrides,
  };
}

export const REPLY_RUN = runRow();
export const HANDOVER_RUN = runRow({
  id: 2,
  decision: 'handover',
  reason: 'requested',
  reply: HANDOVER_TEXT,
  duration_ms: 1.228,
  created_at: '2026-12-02T23:50:29.230694Z',
});

/** The conversation recorded with the hand-over run. */
export const HANDOVER_INPUT = {
  key: 'playground:c1',
  now: '0001-01-01T00:00:00Z',
  channel: 'chat',
  customer: { name: 'Ada Lovelace' },
  messages: [
    { id: '1', role: 'customer', text: 'How long does standard shipping take?', at: '0001-01-01T00:00:00Z' },
    { id: '2', role: 'bot', text: REPLY_TEXT, at: '0001-01-01T00:00:00Z' },
    { id: '3', role: 'customer', text: 'I want to talk to a real person', at: '0001-01-01T00:00:00Z' },
  ],
};

/** The answer of `POST …/playground/messages`. */
export function playgroundAnswer(kind: 'reply' | 'handover', state = kind === 'handover' ? 'handed_over' : 'bot') {
  return kind === 'reply'
    ? { run: REPLY_RUN, decision: REPLY_DECISION, trace: REPLY_TRACE, state }
    : { run: HANDOVER_RUN, decision: HANDOVER_DECISION, trace: HANDOVER_TRACE, state };
}

/** The agent settings of a new workspace, as the server sends them. */
export const DEFAULT_AGENT_SETTINGS = {
  sensitive: [
    { name: 'legal', examples: ['I will sue you', 'my lawyer will contact you'] },
    { name: 'chargeback', examples: ['I will file a chargeback'] },
  ],
  max_bot_replies: 3,
  hours: { time_zone: '', week: [null, null, null, null, null, null, null], holidays: null },
  handover_open: "I'm passing your message to a member of our team, who will get back to you shortly.",
  handover_closed: "I'm passing your message to our team. We're closed right now and back {next_open}; someone will get back to you then.",
  ask_email: 'Could you leave your email address, so that we can reach you if you leave the chat?',
  pii_masking: 'auto',
  input_price_per_million: 0,
  output_price_per_million: 0,
};
