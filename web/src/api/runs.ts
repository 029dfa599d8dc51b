/**
 * Runs: each decision of the agent, with its trace. `/api/workspaces/{id}/runs…`.
 *
 * Every conversation the agent looks at (a ticket, a playground chat, a draft, a replay) leaves a
 * run. Lists leave out the trace and the conversation; one run has both.
 */
import type { QueryClient } from '@tanstack/react-query';
import { invalidate } from './cache';
import { apiRequest } from './client';
import { DECISION_KINDS, parseTrace, type DecisionKind, type Trace } from './agent';
import { id, listOf, numOr, oneOf, record, str, strOrEmpty, strings } from './shape';
import { workspaceKeys, workspacePath } from './workspaces';

/** Where a run comes from. */
export const RUN_SOURCES = ['playground', 'ticket', 'draft', 'replay', 'eval'] as const;
export type RunSource = (typeof RUN_SOURCES)[number];

export const RUN_SOURCE_LABELS: Record<RunSource, string> = {
  playground: 'Playground',
  ticket: 'Ticket',
  draft: 'Draft for an agent',
  replay: 'Re-run',
  eval: 'Evaluation',
};

/** "Playground" for `playground`; unknown sources as they are. */
export function sourceLabel(source: string): string {
  return RUN_SOURCE_LABELS[source as RunSource] ?? source;
}

/** One decision of the agent. */
export interface AgentRun {
  id: string;
  source: string;
  ticket_id: string;
  channel: string;
  decision: DecisionKind;
  reason: string;
  automation_id: string | null;
  /** Language of the reply. */
  language: string;
  /** Names the configuration the run decided with: runs with the same version had the same settings. */
  config_version: string;
  model: string;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  duration_ms: number;
  reply: string;
  /** The run this one repeats, for re-runs. */
  replay_of: string | null;
  created_at: string;
}

/** A message of the conversation a run decided on. */
export interface RunMessage {
  role: string;
  text: string;
}

/** The conversation a run decided on, as recorded with it. */
export interface RunInput {
  key: string;
  ticket_id: string;
  channel: string;
  subject: string;
  messages: RunMessage[];
  customer: { name: string; email: string; note: string; orders: number };
  tags: string[];
  instructions: string[];
  /** Whether the team was at work, when the playground chose it; null reads the business hours. */
  open: boolean | null;
}

/** One run with its trace and conversation. */
export interface AgentRunDetail extends AgentRun {
  trace: Trace | null;
  input: RunInput | null;
}

/** A run and the re-run of its conversation with the current configuration. */
export interface Replay {
  original: AgentRunDetail;
  replay: AgentRunDetail;
}

function idOrNull(obj: Record<string, unknown>, key: string, what: string): string | null {
  const value = obj[key];
  return value === null || value === undefined ? null : id(obj, key, what);
}

export function parseRun(value: unknown, what = 'run'): AgentRun {
  const obj = record(value, what);
  return {
    id: id(obj, 'id', what),
    source: strOrEmpty(obj, 'source', what),
    ticket_id: strOrEmpty(obj, 'ticket_id', what),
    channel: strOrEmpty(obj, 'channel', what),
    decision: oneOf(obj, 'decision', DECISION_KINDS, what),
    reason: strOrEmpty(obj, 'reason', what),
    automation_id: idOrNull(obj, 'automation_id', what),
    language: strOrEmpty(obj, 'language', what),
    config_version: strOrEmpty(obj, 'config_version', what),
    model: strOrEmpty(obj, 'model', what),
    tokens_in: numOr(obj, 'tokens_in', what, 0),
    tokens_out: numOr(obj, 'tokens_out', what, 0),
    cost_usd: numOr(obj, 'cost_usd', what, 0),
    duration_ms: numOr(obj, 'duration_ms', what, 0),
    reply: strOrEmpty(obj, 'reply', what),
    replay_of: idOrNull(obj, 'replay_of', what),
    created_at: str(obj, 'created_at', what),
  };
}

function parseInput(value: unknown, what: string): RunInput | null {
  if (value === null || value === undefined) {
    return null;
  }
  const obj = record(value, what);
  const customer = record(obj.customer ?? {}, `${what}.customer`);
  const orders = customer.orders;
  return {
    key: strOrEmpty(obj, 'key', what),
    ticket_id: strOrEmpty(obj, 'ticket_id', what),
    channel: strOrEmpty(obj, 'channel', what),
    subject: strOrEmpty(obj, 'subject', what),
    messages:
      obj.messages === null || obj.messages === undefined
        ? []
        : listOf(obj.messages, `${what}.messages`, (item, itemWhat) => {
            const message = record(item, itemWhat);
            return { role: str(message, 'role', itemWhat), text: strOrEmpty(message, 'text', itemWhat) };
          }),
    customer: {
      name: strOrEmpty(customer, 'name', `${what}.customer`),
      email: strOrEmpty(customer, 'email', `${what}.customer`),
      note: strOrEmpty(customer, 'note', `${what}.customer`),
      orders: Array.isArray(orders) ? orders.length : 0,
    },
    tags: strings(obj, 'tags', what),
    instructions: strings(obj, 'instructions', what),
    open: typeof obj.open === 'boolean' ? obj.open : null,
  };
}

export function parseRunDetail(value: unknown, what = 'run'): AgentRunDetail {
  const obj = record(value, what);
  return {
    ...parseRun(obj, what),
    trace: obj.trace === null || obj.trace === undefined ? null : parseTrace(obj.trace, `${what}.trace`),
    input: parseInput(obj.input, `${what}.input`),
  };
}

export function parseReplay(body: unknown): Replay {
  const obj = record(body, 'replay');
  return {
    original: parseRunDetail(obj.original, 'replay.original'),
    replay: parseRunDetail(obj.replay, 'replay.replay'),
  };
}

// --- Requests -------------------------------------------------------------------------------

/** What narrows the list of runs; empty fields do not filter. */
export interface RunFilters {
  decision: string;
  reason: string;
  channel: string;
  source: string;
  automation_id: string;
}

export const NO_RUN_FILTERS: RunFilters = { decision: '', reason: '', channel: '', source: '', automation_id: '' };

/** Runs per page. */
export const RUNS_PAGE_SIZE = 50;

/** The query string of a page of runs: the filters set, `before` (older than that run) and the limit. */
export function runsQuery(filters: RunFilters, before: string | null, limit = RUNS_PAGE_SIZE): string {
  const params = new URLSearchParams();
  for (const key of ['decision', 'reason', 'channel', 'source', 'automation_id'] as const) {
    if (filters[key] !== '') {
      params.set(key, filters[key]);
    }
  }
  if (before !== null) {
    params.set('before', before);
  }
  params.set('limit', String(limit));
  return params.toString();
}

/** A page of runs, newest first, older than the run `before` when given. */
export function fetchRuns(
  workspaceId: string,
  filters: RunFilters,
  before: string | null,
  signal?: AbortSignal,
): Promise<AgentRun[]> {
  return apiRequest(
    workspacePath(workspaceId, `/runs?${runsQuery(filters, before)}`),
    (body) => listOf(body, 'runs', parseRun),
    signal ? { signal } : {},
  );
}

/** The cursor of the page after `page`: the id of its last (oldest) run, or null when it was the last page. */
export function nextRunsCursor(page: readonly AgentRun[]): string | null {
  return page.length < RUNS_PAGE_SIZE ? null : (page[page.length - 1]?.id ?? null);
}

export function fetchRun(workspaceId: string, runId: string, signal?: AbortSignal): Promise<AgentRunDetail> {
  return apiRequest(
    workspacePath(workspaceId, `/runs/${encodeURIComponent(runId)}`),
    (body) => parseRunDetail(body),
    signal ? { signal } : {},
  );
}

/** Runs a past run's conversation again with the current configuration (editors); changes no conversation's state. */
export function replayRun(workspaceId: string, runId: string): Promise<Replay> {
  return apiRequest(workspacePath(workspaceId, `/runs/${encodeURIComponent(runId)}/replay`), parseReplay, {
    method: 'POST',
  });
}

// --- Query keys and invalidation ------------------------------------------------------------

/** TanStack Query keys of runs; all of them start with `all(…)`. */
export const runKeys = {
  all: (workspaceId: string) => [...workspaceKeys.all(workspaceId), 'runs'] as const,
  /** Every list of runs, whatever its filters. */
  lists: (workspaceId: string) => [...runKeys.all(workspaceId), 'list'] as const,
  /** Every page of the runs matching `filters`. */
  list: (workspaceId: string, filters: RunFilters) => [...runKeys.lists(workspaceId), filters] as const,
  detail: (workspaceId: string, runId: string) => [...runKeys.all(workspaceId), 'detail', runId] as const,
};

/** After a new run (a playground message, a re-run): the lists of runs. */
export function invalidateRunLists(queryClient: QueryClient, workspaceId: string): Promise<void> {
  return invalidate(queryClient, runKeys.lists(workspaceId));
}

/** Caches the runs of a re-run, and refreshes the lists the new run appears in. */
export function storeReplay(queryClient: QueryClient, workspaceId: string, replay: Replay): Promise<void> {
  queryClient.setQueryData(runKeys.detail(workspaceId, replay.replay.id), replay.replay);
  return invalidateRunLists(queryClient, workspaceId);
}
