/**
 * The agent: what it decides on a conversation and the trace of how (shared by the playground and
 * the runs), and the workspace's agent settings, `/api/workspaces/{id}/agent-settings`.
 */
import type { QueryClient } from '@tanstack/react-query';
import { auditKeys } from './audit';
import { invalidate } from './cache';
import { apiRequest } from './client';
import { fail, id, listOf, num, numOr, oneOf, record, str, strOrEmpty, strings } from './shape';
import { workspaceKeys, workspacePath } from './workspaces';

// --- Decisions ------------------------------------------------------------------------------

/** What the agent decided to do. */
export const DECISION_KINDS = ['reply', 'clarify', 'handover', 'nothing'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

export const DECISION_KIND_LABELS: Record<DecisionKind, string> = {
  reply: 'Reply',
  clarify: 'Clarify',
  handover: 'Hand-over',
  nothing: 'Nothing',
};

/** Why the agent hands a conversation to a person. */
export const HANDOVER_REASONS = [
  'requested',
  'frustration',
  'sensitive',
  'knowledge_gap',
  'low_confidence',
  'loop',
  'language',
  'error',
  'automation',
] as const;

/** Why the agent leaves a conversation alone. */
export const NOTHING_REASONS = [
  'handed_over',
  'no_customer_message',
  'empty_message',
  'excluded_tag',
  'not_managed',
  'automation_leave',
] as const;

export const REASON_LABELS: Record<string, string> = {
  requested: 'The customer asked for a person',
  frustration: 'The customer is frustrated',
  sensitive: 'Sensitive topic',
  knowledge_gap: 'Nothing in the knowledge answers it',
  low_confidence: 'Not sure enough of the answer',
  loop: 'Going round in circles',
  language: 'A language Deskmate cannot serve',
  error: 'The model or the search failed',
  automation: 'An automation hands it over',
  handed_over: 'A person has the conversation',
  no_customer_message: 'The last message is not the customer’s',
  empty_message: 'The message is empty',
  excluded_tag: 'The ticket has an excluded tag',
  not_managed: 'The ticket has no managed tag',
  automation_leave: 'An automation leaves it alone',
};

/** "The customer asked for a person" for `requested`; unknown reasons as they are. */
export function reasonLabel(reason: string): string {
  return REASON_LABELS[reason] ?? reason;
}

/** The channels a conversation can come from, as Gorgias names them. */
export const AGENT_CHANNELS = [
  'email',
  'chat',
  'sms',
  'contact_form',
  'facebook-messenger',
  'instagram-direct-message',
  'whatsapp',
  'phone',
  'api',
] as const;
export type AgentChannel = (typeof AGENT_CHANNELS)[number];

export const AGENT_CHANNEL_LABELS: Record<AgentChannel, string> = {
  email: 'Email',
  chat: 'Chat',
  sms: 'SMS',
  contact_form: 'Contact form',
  'facebook-messenger': 'Facebook Messenger',
  'instagram-direct-message': 'Instagram Direct',
  whatsapp: 'WhatsApp',
  phone: 'Phone',
  api: 'API',
};

/** "Facebook Messenger" for `facebook-messenger`; other channels as they are. */
export function channelLabel(channel: string): string {
  return AGENT_CHANNEL_LABELS[channel as AgentChannel] ?? channel;
}

/** A knowledge chunk a reply is based on. */
export interface Citation {
  chunk_id: string;
  document_id: string;
  title: string;
  url: string;
}

/** What the agent decided on a conversation. */
export interface AgentDecision {
  kind: DecisionKind;
  /** Why, for a hand-over or for doing nothing. */
  reason: string;
  /** The text for the customer: the reply, the question, or the last message of a hand-over. */
  reply: string;
  language: string;
  citations: Citation[];
  /** Tag names to add to the ticket. */
  tags: string[];
  /** What to do after replying: none, close, suspend or handover. */
  post_action: string;
  /** A person should check the reply before (or after) it goes out. */
  review: boolean;
  automation_id: string | null;
  confidence: number;
  /** Why, in a sentence. */
  explanation: string;
}

// --- Small validators -----------------------------------------------------------------------

/** A boolean that may be absent (false). */
function flag(obj: Record<string, unknown>, key: string, what: string): boolean {
  const value = obj[key];
  if (value === undefined || value === null) {
    return false;
  }
  if (typeof value !== 'boolean') {
    fail(`${what}.${key} is not true or false`);
  }
  return value;
}

/** A number that may be absent (0). */
function numOrZero(obj: Record<string, unknown>, key: string, what: string): number {
  return numOr(obj, key, what, 0);
}

/** An id that may be absent or null. */
function idOrNull(obj: Record<string, unknown>, key: string, what: string): string | null {
  const value = obj[key];
  return value === null || value === undefined ? null : id(obj, key, what);
}

/** A list that may be absent or null (empty). */
function optionalList<T>(
  obj: Record<string, unknown>,
  key: string,
  what: string,
  item: (value: unknown, what: string) => T,
): T[] {
  const value = obj[key];
  return value === null || value === undefined ? [] : listOf(value, `${what}.${key}`, item);
}

/** A map of names to numbers, such as the reranker's features (absent or null is empty). */
function numbers(obj: Record<string, unknown>, key: string, what: string): Record<string, number> {
  const value = obj[key];
  if (value === null || value === undefined) {
    return {};
  }
  const map = record(value, `${what}.${key}`);
  const out: Record<string, number> = {};
  for (const name of Object.keys(map)) {
    out[name] = num(map, name, `${what}.${key}`);
  }
  return out;
}

function parseCitation(value: unknown, what: string): Citation {
  const obj = record(value, what);
  return {
    chunk_id: id(obj, 'chunk_id', what),
    document_id: id(obj, 'document_id', what),
    title: strOrEmpty(obj, 'title', what),
    url: strOrEmpty(obj, 'url', what),
  };
}

export function parseDecision(value: unknown, what = 'decision'): AgentDecision {
  const obj = record(value, what);
  return {
    kind: oneOf(obj, 'kind', DECISION_KINDS, what),
    reason: strOrEmpty(obj, 'reason', what),
    reply: strOrEmpty(obj, 'reply', what),
    language: strOrEmpty(obj, 'language', what),
    citations: optionalList(obj, 'citations', what, parseCitation),
    tags: strings(obj, 'tags', what),
    post_action: strOrEmpty(obj, 'post_action', what),
    review: flag(obj, 'review', what),
    automation_id: idOrNull(obj, 'automation_id', what),
    confidence: numOrZero(obj, 'confidence', what),
    explanation: strOrEmpty(obj, 'explanation', what),
  };
}

// --- Traces ---------------------------------------------------------------------------------

/** What was decided on: ids and hashes of the messages, never their text. */
export interface TraceInput {
  key: string;
  ticket_id: string;
  channel: string;
  messages: number;
  tags: string[];
  has_email: boolean;
  orders: number;
}

/** The language detected in the customer's messages and the one replied in. */
export interface LanguageTrace {
  detected: string;
  confidence: number;
  reply: string;
  /** The knowledge bases' language. */
  knowledge: string;
}

/** One hand-over detector's verdict: it fires when its score reaches the threshold. */
export interface Signal {
  name: string;
  score: number;
  threshold: number;
  fired: boolean;
  evidence: string;
}

/** The automation match. */
export interface AutomationTrace {
  id: string | null;
  name: string;
  confidence: number;
  /** answer, suggest, no_match, or why the matcher was not used (no_model, error). */
  decision: string;
  runner_up: string;
  runner_up_confidence: number;
  model_version: number;
  note: string;
}

/** What the order step found. */
export interface OrderTrace {
  asked: boolean;
  number: string;
  status: string;
}

/** One knowledge chunk retrieved. */
export interface ChunkTrace {
  chunk_id: string;
  document_id: string;
  title: string;
  title_path: string;
  score: number;
  vector_score: number;
  text_score: number;
  /** Probability that the chunk's document answers, on each document's best chunk; null on the others. */
  rerank: number | null;
  features: Record<string, number>;
  /** The reply is based on this chunk. */
  used: boolean;
}

/** How sure the retrieval was that its best document answers, against the threshold to answer. */
export interface RetrievalTrace {
  query_hash: string;
  confidence: number;
  threshold: number;
  features: Record<string, number>;
}

/** The call to the chat model. */
export interface GenerationTrace {
  provider: string;
  model: string;
  system: string;
  prompt: string;
  response: string;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  latency_ms: number;
  attempts: number;
  repaired: boolean;
  truncated: number;
  error: string;
}

/** One piece of personal data hidden from a hosted model (the value is not kept). */
export interface MaskedItem {
  kind: string;
  placeholder: string;
}

/** One pipeline step's time. */
export interface TraceStep {
  name: string;
  duration_ms: number;
}

/** What each step of a run saw and decided. */
export interface Trace {
  version: number;
  config_version: string;
  input: TraceInput;
  language: LanguageTrace;
  signals: Signal[];
  automation: AutomationTrace | null;
  order: OrderTrace | null;
  chunks: ChunkTrace[];
  retrieval: RetrievalTrace | null;
  generation: GenerationTrace | null;
  /** Titles of the workspace instructions in force. */
  instructions: string[];
  masked: MaskedItem[];
  steps: TraceStep[];
  decision: AgentDecision;
  /** The settings that shaped the decision. */
  settings: Record<string, string>;
}

function optionalRecord(value: unknown, what: string): Record<string, unknown> | null {
  return value === null || value === undefined ? null : record(value, what);
}

function parseSignal(value: unknown, what: string): Signal {
  const obj = record(value, what);
  return {
    name: str(obj, 'name', what),
    score: numOrZero(obj, 'score', what),
    threshold: numOrZero(obj, 'threshold', what),
    fired: flag(obj, 'fired', what),
    evidence: strOrEmpty(obj, 'evidence', what),
  };
}

function parseChunk(value: unknown, what: string): ChunkTrace {
  const obj = record(value, what);
  return {
    chunk_id: id(obj, 'chunk_id', what),
    document_id: id(obj, 'document_id', what),
    title: strOrEmpty(obj, 'title', what),
    title_path: strOrEmpty(obj, 'title_path', what),
    score: numOrZero(obj, 'score', what),
    vector_score: numOrZero(obj, 'vector_score', what),
    text_score: numOrZero(obj, 'text_score', what),
    rerank: obj.rerank === null || obj.rerank === undefined ? null : num(obj, 'rerank', what),
    features: numbers(obj, 'features', what),
    used: flag(obj, 'used', what),
  };
}

function parseStrings(value: unknown, what: string): Record<string, string> {
  if (value === null || value === undefined) {
    return {};
  }
  const obj = record(value, what);
  const out: Record<string, string> = {};
  for (const key of Object.keys(obj)) {
    out[key] = str(obj, key, what);
  }
  return out;
}

export function parseTrace(value: unknown, what = 'trace'): Trace {
  const obj = record(value, what);
  const input = record(obj.input ?? {}, `${what}.input`);
  const language = record(obj.language ?? {}, `${what}.language`);
  const automation = optionalRecord(obj.automation, `${what}.automation`);
  const order = optionalRecord(obj.order, `${what}.order`);
  const retrieval = optionalRecord(obj.retrieval, `${what}.retrieval`);
  const generation = optionalRecord(obj.generation, `${what}.generation`);
  const a = `${what}.automation`;
  const g = `${what}.generation`;
  return {
    version: numOrZero(obj, 'version', what),
    config_version: strOrEmpty(obj, 'config_version', what),
    input: {
      key: strOrEmpty(input, 'key', `${what}.input`),
      ticket_id: strOrEmpty(input, 'ticket_id', `${what}.input`),
      channel: strOrEmpty(input, 'channel', `${what}.input`),
      messages: numOrZero(input, 'messages', `${what}.input`),
      tags: strings(input, 'tags', `${what}.input`),
      has_email: flag(input, 'has_email', `${what}.input`),
      orders: numOrZero(input, 'orders', `${what}.input`),
    },
    language: {
      detected: strOrEmpty(language, 'detected', `${what}.language`),
      confidence: numOrZero(language, 'confidence', `${what}.language`),
      reply: strOrEmpty(language, 'reply', `${what}.language`),
      knowledge: strOrEmpty(language, 'knowledge', `${what}.language`),
    },
    signals: optionalList(obj, 'signals', what, parseSignal),
    automation: automation
      ? {
          id: idOrNull(automation, 'id', a),
          name: strOrEmpty(automation, 'name', a),
          confidence: numOrZero(automation, 'confidence', a),
          decision: strOrEmpty(automation, 'decision', a),
          runner_up: strOrEmpty(automation, 'runner_up', a),
          runner_up_confidence: numOrZero(automation, 'runner_up_confidence', a),
          model_version: numOrZero(automation, 'model_version', a),
          note: strOrEmpty(automation, 'note', a),
        }
      : null,
    order: order
      ? {
          asked: flag(order, 'asked', `${what}.order`),
          number: strOrEmpty(order, 'number', `${what}.order`),
          status: strOrEmpty(order, 'status', `${what}.order`),
        }
      : null,
    chunks: optionalList(obj, 'chunks', what, parseChunk),
    retrieval: retrieval
      ? {
          query_hash: strOrEmpty(retrieval, 'query_hash', `${what}.retrieval`),
          confidence: numOrZero(retrieval, 'confidence', `${what}.retrieval`),
          threshold: numOrZero(retrieval, 'threshold', `${what}.retrieval`),
          features: numbers(retrieval, 'features', `${what}.retrieval`),
        }
      : null,
    generation: generation
      ? {
          provider: strOrEmpty(generation, 'provider', g),
          model: strOrEmpty(generation, 'model', g),
          system: strOrEmpty(generation, 'system', g),
          prompt: strOrEmpty(generation, 'prompt', g),
          response: strOrEmpty(generation, 'response', g),
          tokens_in: numOrZero(generation, 'tokens_in', g),
          tokens_out: numOrZero(generation, 'tokens_out', g),
          cost_usd: numOrZero(generation, 'cost_usd', g),
          latency_ms: numOrZero(generation, 'latency_ms', g),
          attempts: numOrZero(generation, 'attempts', g),
          repaired: flag(generation, 'repaired', g),
          truncated: numOrZero(generation, 'truncated', g),
          error: strOrEmpty(generation, 'error', g),
        }
      : null,
    instructions: strings(obj, 'instructions', what),
    masked: optionalList(obj, 'masked', what, (item, itemWhat) => {
      const row = record(item, itemWhat);
      return { kind: strOrEmpty(row, 'kind', itemWhat), placeholder: strOrEmpty(row, 'placeholder', itemWhat) };
    }),
    steps: optionalList(obj, 'steps', what, (item, itemWhat) => {
      const row = record(item, itemWhat);
      return { name: str(row, 'name', itemWhat), duration_ms: numOrZero(row, 'duration_ms', itemWhat) };
    }),
    decision: parseDecision(obj.decision, `${what}.decision`),
    settings: parseStrings(obj.settings, `${what}.settings`),
  };
}

// --- Agent settings -------------------------------------------------------------------------

/** How personal data is hidden from hosted models. */
export const PII_MASKING = ['auto', 'on', 'off'] as const;
export type PiiMasking = (typeof PII_MASKING)[number];

/** The days of `BusinessHours.week`, Monday first. */
export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** Limits of the server. */
export const MAX_SENSITIVE_TOPICS = 50;
export const MAX_TOPIC_EXAMPLES = 30;
export const MAX_TOPIC_NAME = 100;
export const MAX_TOPIC_EXAMPLE = 300;
export const MIN_BOT_REPLIES = 1;
export const MAX_BOT_REPLIES = 20;
export const MAX_HOLIDAYS = 100;
export const MAX_HANDOVER_MESSAGE = 1000;
export const MAX_ASK_EMAIL = 500;
export const MAX_PRICE_PER_MILLION = 1000;

/** Where the closed-hours hand-over message says when the team is back. */
export const NEXT_OPEN_PLACEHOLDER = '{next_open}';

/** A topic a person always handles, recognised from its name and examples. */
export interface SensitiveTopic {
  name: string;
  examples: string[];
}

/** Weekly opening hours in a time zone, with holidays. */
export interface BusinessHours {
  /** IANA name such as Europe/Paris; empty is UTC. */
  time_zone: string;
  /** Seven days, Monday first, each with its opening spans such as "09:00-17:00"; an empty day is closed. */
  week: string[][];
  /** Closed days, YYYY-MM-DD. */
  holidays: string[];
}

/** A workspace's agent settings. */
export interface AgentSettings {
  sensitive: SensitiveTopic[];
  /** Replies in one conversation before Deskmate hands over. */
  max_bot_replies: number;
  hours: BusinessHours;
  /** Last message of a hand-over during business hours. */
  handover_open: string;
  /** Last message of a hand-over outside business hours; {next_open} says when the team is back. */
  handover_closed: string;
  /** Added on chat when the customer left no email address. */
  ask_email: string;
  pii_masking: PiiMasking;
  /** USD per million tokens, for cost estimates. */
  input_price_per_million: number;
  output_price_per_million: number;
}

export function parseAgentSettings(body: unknown): AgentSettings {
  const what = 'agent settings';
  const obj = record(body, what);
  const hours = record(obj.hours ?? {}, `${what}.hours`);
  const rawWeek =
    hours.week === null || hours.week === undefined ? [] : listOf(hours.week, `${what}.hours.week`, (day) => day);
  const week = WEEKDAYS.map((_, index) => {
    const day = rawWeek[index];
    if (day === null || day === undefined) {
      return [];
    }
    return listOf(day, `${what}.hours.week[${index}]`, (span, spanWhat) => {
      if (typeof span !== 'string') {
        fail(`${spanWhat} is not a string`);
      }
      return span;
    });
  });
  return {
    sensitive: optionalList(obj, 'sensitive', what, (item, itemWhat) => {
      const topic = record(item, itemWhat);
      return { name: strOrEmpty(topic, 'name', itemWhat), examples: strings(topic, 'examples', itemWhat) };
    }),
    max_bot_replies: num(obj, 'max_bot_replies', what),
    hours: {
      time_zone: strOrEmpty(hours, 'time_zone', `${what}.hours`),
      week,
      holidays: strings(hours, 'holidays', `${what}.hours`),
    },
    handover_open: strOrEmpty(obj, 'handover_open', what),
    handover_closed: strOrEmpty(obj, 'handover_closed', what),
    ask_email: strOrEmpty(obj, 'ask_email', what),
    pii_masking: oneOf(obj, 'pii_masking', PII_MASKING, what),
    input_price_per_million: numOrZero(obj, 'input_price_per_million', what),
    output_price_per_million: numOrZero(obj, 'output_price_per_million', what),
  };
}

export function fetchAgentSettings(workspaceId: string, signal?: AbortSignal): Promise<AgentSettings> {
  return apiRequest(workspacePath(workspaceId, '/agent-settings'), parseAgentSettings, signal ? { signal } : {});
}

/** Saves every agent setting at once (admins); they apply to the next run. */
export function saveAgentSettings(workspaceId: string, settings: AgentSettings): Promise<AgentSettings> {
  return apiRequest(workspacePath(workspaceId, '/agent-settings'), parseAgentSettings, { method: 'PUT', json: settings });
}

/** TanStack Query keys of the agent settings. */
export const agentKeys = {
  settings: (workspaceId: string) => [...workspaceKeys.all(workspaceId), 'agent-settings'] as const,
};

/** Caches saved agent settings, and refreshes the audit log that records the change. */
export function storeAgentSettings(queryClient: QueryClient, workspaceId: string, settings: AgentSettings): Promise<void> {
  queryClient.setQueryData(agentKeys.settings(workspaceId), settings);
  return invalidate(queryClient, auditKeys.list(workspaceId));
}
