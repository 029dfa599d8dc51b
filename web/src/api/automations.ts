/** Automations, their training and the test box: `/api/workspaces/{id}/automations…`. */
import type { QueryClient } from '@tanstack/react-query';
import { invalidate } from './cache';
import { ApiError, apiRequest, noContent } from './client';
import { array, bool, id, listOf, num, numOr, oneOf, record, str, strOrEmpty, strOrNull, strings } from './shape';
import { workspaceKeys, workspacePath } from './workspaces';

/** What Deskmate does with a ticket after answering it with an automation. */
export const POST_ACTIONS = ['none', 'close', 'suspend', 'handover'] as const;
export type PostAction = (typeof POST_ACTIONS)[number];

export const POST_ACTION_LABELS: Record<PostAction, string> = {
  none: 'Nothing',
  close: 'Close the ticket',
  suspend: 'Snooze the ticket',
  handover: 'Hand over to a person',
};

/** Gorgias channels an automation may be limited to; none chosen means every channel. */
export const CHANNELS = [
  'email',
  'chat',
  'contact_form',
  'sms',
  'phone',
  'facebook',
  'facebook-messenger',
  'instagram-comment',
  'instagram-direct-message',
  'whatsapp',
  'api',
] as const;
export type Channel = (typeof CHANNELS)[number];

export const CHANNEL_LABELS: Record<Channel, string> = {
  email: 'Email',
  chat: 'Chat',
  contact_form: 'Contact form',
  sms: 'SMS',
  phone: 'Phone',
  facebook: 'Facebook',
  'facebook-messenger': 'Facebook Messenger',
  'instagram-comment': 'Instagram comment',
  'instagram-direct-message': 'Instagram Direct',
  whatsapp: 'WhatsApp',
  api: 'API',
};

/** Variables a response template may use. */
export const RESPONSE_VARIABLES = ['{{customer.first_name}}', '{{order.number}}', '{{ticket.id}}'] as const;

/** Fewest learning phrases an active automation needs. */
export const MIN_ACTIVE_PHRASES = 7;
export const MAX_PHRASES = 200;
export const MAX_PHRASE_LENGTH = 500;
export const MAX_RESPONSE_LENGTH = 5000;
export const MAX_GUIDANCE_LENGTH = 2000;
export const MAX_AUTOMATION_TAGS = 20;

export interface Automation {
  id: string;
  name: string;
  phrases: string[];
  response: string;
  tags: string[];
  post_action: PostAction;
  channels: string[];
  language: string;
  guidance: string;
  active: boolean;
  created_at: string;
  updated_at: string;
}

/** Fields of an automation that can be saved. */
export type AutomationInput = Omit<Automation, 'id' | 'created_at' | 'updated_at'>;

export function parseAutomation(value: unknown, what = 'automation'): Automation {
  const obj = record(value, what);
  return {
    id: id(obj, 'id', what),
    name: str(obj, 'name', what),
    phrases: strings(obj, 'phrases', what),
    response: strOrEmpty(obj, 'response', what),
    tags: strings(obj, 'tags', what),
    post_action: obj.post_action === undefined || obj.post_action === '' ? 'none' : oneOf(obj, 'post_action', POST_ACTIONS, what),
    channels: strings(obj, 'channels', what),
    language: strOrEmpty(obj, 'language', what),
    guidance: strOrEmpty(obj, 'guidance', what),
    active: bool(obj, 'active', what),
    created_at: strOrEmpty(obj, 'created_at', what),
    updated_at: strOrEmpty(obj, 'updated_at', what),
  };
}

/** An automation named in a training result or a match. */
export interface AutomationRef {
  id: string;
  name: string;
}

function parseRef(value: unknown, what: string): AutomationRef {
  const obj = record(value, what);
  return { id: id(obj, 'id', what), name: str(obj, 'name', what) };
}

function refOrNull(obj: Record<string, unknown>, key: string, what: string): AutomationRef | null {
  const value = obj[key];
  return value === null || value === undefined ? null : parseRef(value, `${what}.${key}`);
}

export interface IntentQuality {
  automation: AutomationRef;
  phrases: number;
  precision: number;
  recall: number;
}

export interface ConfusablePair {
  a: AutomationRef;
  b: AutomationRef;
  count: number;
  rate: number;
}

/** How well the model tells the automations apart, measured by cross-validation. */
export interface Quality {
  folds: number;
  phrases: number;
  accuracy: number;
  per_intent: IntentQuality[];
  confusable: ConfusablePair[];
  thresholds: { auto_answer: number; suggest: number; min_margin: number } | null;
}

export interface TrainingWarning {
  kind: string;
  message: string;
  automations: AutomationRef[];
  phrases: string[];
}

export const TRAINING_STATUSES = ['training', 'ready', 'failed'] as const;
export const TRAINING_STAGES = ['queued', 'preparing', 'cross_validating', 'training', 'done'] as const;
export type TrainingStatus = (typeof TRAINING_STATUSES)[number];
export type TrainingStage = (typeof TRAINING_STAGES)[number];

export const STAGE_LABELS: Record<TrainingStage, string> = {
  queued: 'Queued',
  preparing: 'Preparing',
  cross_validating: 'Measuring quality',
  training: 'Training',
  done: 'Done',
};

export interface TrainingRun {
  id: string;
  version: number;
  status: TrainingStatus;
  stage: TrainingStage;
  /** 0…1. */
  progress: number;
  error: string;
  phrases_count: number;
  automations_count: number;
  quality: Quality | null;
  warnings: TrainingWarning[];
  active: boolean;
  created_at: string;
  finished_at: string | null;
}

export interface TrainingState {
  latest: TrainingRun | null;
  active: TrainingRun | null;
}

function parseQuality(value: unknown, what: string): Quality | null {
  if (value === null || value === undefined) {
    return null;
  }
  const obj = record(value, what);
  const perIntent = obj.per_intent === null || obj.per_intent === undefined ? [] : obj.per_intent;
  const confusable = obj.confusable === null || obj.confusable === undefined ? [] : obj.confusable;
  let thresholds: Quality['thresholds'] = null;
  if (obj.thresholds !== null && obj.thresholds !== undefined) {
    const t = record(obj.thresholds, `${what}.thresholds`);
    thresholds = {
      auto_answer: num(t, 'auto_answer', `${what}.thresholds`),
      suggest: num(t, 'suggest', `${what}.thresholds`),
      min_margin: num(t, 'min_margin', `${what}.thresholds`),
    };
  }
  return {
    folds: numOr(obj, 'folds', what, 0),
    phrases: numOr(obj, 'phrases', what, 0),
    accuracy: num(obj, 'accuracy', what),
    per_intent: listOf(perIntent, `${what}.per_intent`, (item, itemWhat) => {
      const row = record(item, itemWhat);
      return {
        automation: parseRef(row.automation, `${itemWhat}.automation`),
        phrases: numOr(row, 'phrases', itemWhat, 0),
        precision: num(row, 'precision', itemWhat),
        recall: num(row, 'recall', itemWhat),
      };
    }),
    confusable: listOf(confusable, `${what}.confusable`, (item, itemWhat) => {
      const row = record(item, itemWhat);
      return {
        a: parseRef(row.a, `${itemWhat}.a`),
        b: parseRef(row.b, `${itemWhat}.b`),
        count: numOr(row, 'count', itemWhat, 0),
        rate: numOr(row, 'rate', itemWhat, 0),
      };
    }),
    thresholds,
  };
}

export function parseTrainingRun(value: unknown, what = 'training run'): TrainingRun {
  const obj = record(value, what);
  const warnings = obj.warnings === null || obj.warnings === undefined ? [] : obj.warnings;
  return {
    id: id(obj, 'id', what),
    version: num(obj, 'version', what),
    status: oneOf(obj, 'status', TRAINING_STATUSES, what),
    stage: oneOf(obj, 'stage', TRAINING_STAGES, what),
    progress: num(obj, 'progress', what),
    error: strOrEmpty(obj, 'error', what),
    phrases_count: numOr(obj, 'phrases_count', what, 0),
    automations_count: numOr(obj, 'automations_count', what, 0),
    quality: parseQuality(obj.quality, `${what}.quality`),
    warnings: listOf(warnings, `${what}.warnings`, (item, itemWhat) => {
      const row = record(item, itemWhat);
      const refs = row.automations === null || row.automations === undefined ? [] : row.automations;
      return {
        kind: str(row, 'kind', itemWhat),
        message: str(row, 'message', itemWhat),
        automations: listOf(refs, `${itemWhat}.automations`, parseRef),
        phrases: strings(row, 'phrases', itemWhat),
      };
    }),
    active: bool(obj, 'active', what),
    created_at: strOrEmpty(obj, 'created_at', what),
    finished_at: strOrNull(obj, 'finished_at', what),
  };
}

export function parseTrainingState(body: unknown): TrainingState {
  const obj = record(body, 'training');
  return {
    latest: obj.latest === null || obj.latest === undefined ? null : parseTrainingRun(obj.latest, 'training.latest'),
    active: obj.active === null || obj.active === undefined ? null : parseTrainingRun(obj.active, 'training.active'),
  };
}

/** Whether a run is still working: queued or training. */
export function isTraining(run: TrainingRun | null | undefined): boolean {
  return run !== null && run !== undefined && run.status === 'training';
}

export const DECISIONS = ['auto_answer', 'suggest', 'no_match'] as const;
export type Decision = (typeof DECISIONS)[number];

export const DECISION_LABELS: Record<Decision, string> = {
  auto_answer: 'Auto-answer',
  suggest: 'Suggest',
  no_match: 'No match',
};

/** What the trained model makes of a message. */
export interface Match {
  intent: AutomationRef | null;
  confidence: number;
  runner_up: AutomationRef | null;
  runner_up_confidence: number;
  decision: Decision;
  response: string | null;
  model_version: number;
}

export function parseMatch(body: unknown): Match {
  const obj = record(body, 'match');
  return {
    intent: refOrNull(obj, 'intent', 'match'),
    confidence: num(obj, 'confidence', 'match'),
    runner_up: refOrNull(obj, 'runner_up', 'match'),
    runner_up_confidence: numOr(obj, 'runner_up_confidence', 'match', 0),
    decision: oneOf(obj, 'decision', DECISIONS, 'match'),
    response: strOrNull(obj, 'response', 'match'),
    model_version: numOr(obj, 'model_version', 'match', 0),
  };
}

export interface ImportResult {
  created: number;
  updated: number;
}

function parseImportResult(body: unknown): ImportResult {
  const obj = record(body, 'import result');
  return { created: num(obj, 'created', 'import result'), updated: num(obj, 'updated', 'import result') };
}

// --- Requests -------------------------------------------------------------------------------

function path(workspaceId: string, rest = ''): string {
  return workspacePath(workspaceId, `/automations${rest}`);
}

export function fetchAutomations(workspaceId: string, signal?: AbortSignal): Promise<Automation[]> {
  return apiRequest(path(workspaceId), (body) => listOf(body, 'automations', parseAutomation), signal ? { signal } : {});
}

export function fetchAutomation(workspaceId: string, automationId: string, signal?: AbortSignal): Promise<Automation> {
  return apiRequest(
    path(workspaceId, `/${encodeURIComponent(automationId)}`),
    (body) => parseAutomation(body),
    signal ? { signal } : {},
  );
}

export function createAutomation(workspaceId: string, input: AutomationInput): Promise<Automation> {
  return apiRequest(path(workspaceId), (body) => parseAutomation(body), { method: 'POST', json: input });
}

export function updateAutomation(
  workspaceId: string,
  automationId: string,
  changes: Partial<AutomationInput>,
): Promise<Automation> {
  return apiRequest(path(workspaceId, `/${encodeURIComponent(automationId)}`), (body) => parseAutomation(body), {
    method: 'PATCH',
    json: changes,
  });
}

export function deleteAutomation(workspaceId: string, automationId: string): Promise<void> {
  return apiRequest(path(workspaceId, `/${encodeURIComponent(automationId)}`), noContent, { method: 'DELETE' });
}

/** Address of the export download, as a JSON or CSV attachment. */
export function exportUrl(workspaceId: string, format: 'json' | 'csv'): string {
  return path(workspaceId, `/export?format=${format}`);
}

/**
 * Imports a JSON export or a CSV file. A JSON file is checked here and sent as JSON; anything
 * else is sent as `text/csv` for the server to read.
 */
export async function importAutomations(workspaceId: string, fileName: string, text: string): Promise<ImportResult> {
  const isJson = fileName.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{');
  if (isJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ApiError(0, 'invalid_file', `${fileName} is not valid JSON.`, {
        fields: { file: `${fileName} is not valid JSON.` },
      });
    }
    const automations = Array.isArray(parsed) ? parsed : record(parsed, 'file').automations;
    array(automations, 'file.automations');
    return apiRequest(path(workspaceId, '/import'), parseImportResult, {
      method: 'POST',
      json: { automations },
    });
  }
  return apiRequest(path(workspaceId, '/import'), parseImportResult, {
    method: 'POST',
    text: { body: text, contentType: 'text/csv' },
  });
}

export function fetchTraining(workspaceId: string, signal?: AbortSignal): Promise<TrainingState> {
  return apiRequest(path(workspaceId, '/training'), parseTrainingState, signal ? { signal } : {});
}

export function startTraining(workspaceId: string): Promise<TrainingRun> {
  return apiRequest(path(workspaceId, '/train'), (body) => parseTrainingRun(body), { method: 'POST' });
}

export function testMessage(workspaceId: string, message: string): Promise<Match> {
  return apiRequest(path(workspaceId, '/test'), parseMatch, { method: 'POST', json: { message } });
}

// --- Query keys and invalidation ------------------------------------------------------------

/** TanStack Query keys of the automations of a workspace; all of them start with `all(…)`. */
export const automationKeys = {
  all: (workspaceId: string) => [...workspaceKeys.all(workspaceId), 'automations'] as const,
  list: (workspaceId: string) => [...automationKeys.all(workspaceId), 'list'] as const,
  detail: (workspaceId: string, automationId: string) => [...automationKeys.all(workspaceId), 'detail', automationId] as const,
  training: (workspaceId: string) => [...automationKeys.all(workspaceId), 'training'] as const,
};

/** After an import, which may add or change any automation: the list, every automation and the training. */
export function invalidateAutomations(queryClient: QueryClient, workspaceId: string): Promise<void> {
  return invalidate(queryClient, automationKeys.all(workspaceId));
}

/** After an automation was deleted: the list. */
export function invalidateAutomationList(queryClient: QueryClient, workspaceId: string): Promise<void> {
  return invalidate(queryClient, automationKeys.list(workspaceId));
}

/** Caches a created or saved automation, and refreshes the list it appears in. */
export function storeAutomation(queryClient: QueryClient, workspaceId: string, automation: Automation): Promise<void> {
  queryClient.setQueryData(automationKeys.detail(workspaceId, automation.id), automation);
  return invalidateAutomationList(queryClient, workspaceId);
}
