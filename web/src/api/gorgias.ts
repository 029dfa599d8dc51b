/**
 * The workspace's Gorgias connection: credentials (`/api/workspaces/{id}/gorgias`), the connection
 * with its settings, bot user and health (`…/gorgias/connection`), the connect flow, and the
 * actions Deskmate took on tickets (`…/gorgias/actions`).
 */
import type { QueryClient } from '@tanstack/react-query';
import { invalidate } from './cache';
import { apiRequest } from './client';
import { bool, fail, listOf, num, numOr, oneOf, record, str, strOrEmpty, strOrNull, strings } from './shape';
import { workspaceKeys, workspacePath } from './workspaces';

// --- Credentials ----------------------------------------------------------------------------

/** The API credentials of the Gorgias account. The API key itself is never sent back. */
export interface GorgiasCredentials {
  domain: string;
  api_user: string;
  api_key_set: boolean;
  /** `••••` plus the key's last 4 characters, or empty when no key is set. */
  api_key_hint: string;
}

/** Changes to the credentials; `api_key` left out keeps the saved key. */
export interface GorgiasCredentialsInput {
  domain: string;
  api_user: string;
  api_key?: string;
}

export function parseGorgiasCredentials(body: unknown): GorgiasCredentials {
  const obj = record(body, 'the Gorgias credentials');
  return {
    domain: strOrEmpty(obj, 'domain', 'gorgias'),
    api_user: strOrEmpty(obj, 'api_user', 'gorgias'),
    api_key_set: bool(obj, 'api_key_set', 'gorgias'),
    api_key_hint: strOrEmpty(obj, 'api_key_hint', 'gorgias'),
  };
}

// --- Settings -------------------------------------------------------------------------------

/** The channels Deskmate can answer on, as Gorgias names them. */
export const GORGIAS_CHANNELS = [
  'email',
  'chat',
  'contact_form',
  'sms',
  'facebook-messenger',
  'instagram-direct-message',
  'whatsapp',
  'api',
] as const;

/** What Deskmate does with a reply: a note for an agent, or a message to the customer. */
export const MODES = ['draft', 'autopilot'] as const;
export type Mode = (typeof MODES)[number];

export const MODE_LABELS: Record<Mode, string> = {
  draft: 'Auto-draft: internal notes for an agent to send',
  autopilot: 'Auto-pilot: reply to customers as the bot user',
};

export const MAX_REPLY_DELAY_SECONDS = 3600;
export const MAX_QUIET_SECONDS = 300;

/** How Deskmate works on the workspace's Gorgias tickets. */
export interface GorgiasSettings {
  channels: string[];
  mode: Mode;
  /** A reply waits this long; an agent who replies or takes the ticket meanwhile cancels it. */
  reply_delay_seconds: number;
  /** How long Deskmate waits after a customer message for more. */
  quiet_seconds: number;
  /** Answer tickets nobody is assigned to, not only those assigned to the bot user. */
  handle_unassigned: boolean;
  /** A hand-over assigns the ticket to this user or team; neither unassigns it. */
  handover_user_id: number | null;
  handover_team_id: number | null;
  /** Minutes after Deskmate's answer to close a ticket the customer did not write to again, per channel (0: never). */
  auto_close_minutes: Record<string, number>;
  /** Ends e-mail replies. */
  signature: string;
}

function numOrNull(obj: Record<string, unknown>, key: string, what: string): number | null {
  return obj[key] === null || obj[key] === undefined ? null : num(obj, key, what);
}

function numberMap(value: unknown, what: string): Record<string, number> {
  if (value === null || value === undefined) {
    return {};
  }
  const obj = record(value, what);
  const out: Record<string, number> = {};
  for (const key of Object.keys(obj)) {
    out[key] = num(obj, key, what);
  }
  return out;
}

export function parseGorgiasSettings(value: unknown, what = 'settings'): GorgiasSettings {
  const obj = record(value, what);
  return {
    channels: strings(obj, 'channels', what),
    mode: oneOf(obj, 'mode', MODES, what),
    reply_delay_seconds: numOr(obj, 'reply_delay_seconds', what, 0),
    quiet_seconds: numOr(obj, 'quiet_seconds', what, 0),
    handle_unassigned: bool(obj, 'handle_unassigned', what),
    handover_user_id: numOrNull(obj, 'handover_user_id', what),
    handover_team_id: numOrNull(obj, 'handover_team_id', what),
    auto_close_minutes: numberMap(obj.auto_close_minutes, `${what}.auto_close_minutes`),
    signature: strOrEmpty(obj, 'signature', what),
  };
}

// --- The connection -------------------------------------------------------------------------

export const CONNECTION_STATUSES = ['disconnected', 'connected', 'paused'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

export const CONNECTION_STATUS_LABELS: Record<ConnectionStatus, string> = {
  disconnected: 'Disconnected',
  connected: 'Connected',
  paused: 'Paused',
};

export const AUTH_KINDS = ['api_key', 'oauth'] as const;
export type AuthKind = (typeof AUTH_KINDS)[number];

/** What Deskmate installed in the Gorgias account, by Gorgias id. */
export interface Installed {
  integrations: number[];
  widgets: number[];
  tags: number[];
  views: number[];
}

/** When things last happened on the connection (ISO timestamps or null). */
export interface ConnectionHealth {
  last_webhook_at: string | null;
  last_reply_at: string | null;
  last_error: string;
  last_error_at: string | null;
  rate_limited_until: string | null;
}

/** A Gorgias user or team as a reference: `{id, email}` for the bot user. */
export interface BotUser {
  id: number;
  email: string;
}

export interface GorgiasConnection {
  status: ConnectionStatus;
  auth_kind: AuthKind;
  domain: string;
  /** Where Deskmate reaches Gorgias; empty for https://{domain}.gorgias.com. */
  base_url: string;
  /** Connected to the emulated Gorgias account of the sandbox. */
  sandbox: boolean;
  api_user: string;
  api_key_set: boolean;
  /** Whether this server can install with Gorgias (OAuth). */
  oauth_available: boolean;
  bot_user: BotUser | null;
  settings: GorgiasSettings;
  webhook_url: string;
  installed: Installed;
  health: ConnectionHealth;
}

function ids(obj: Record<string, unknown>, key: string, what: string): number[] {
  const value = obj[key];
  if (value === null || value === undefined) {
    return [];
  }
  return listOf(value, `${what}.${key}`, (item, itemWhat) => {
    if (typeof item !== 'number' || !Number.isFinite(item)) {
      fail(`${itemWhat} is not a number`);
    }
    return item;
  });
}

export function parseGorgiasConnection(body: unknown): GorgiasConnection {
  const what = 'connection';
  const obj = record(body, what);
  const installed = obj.installed === null || obj.installed === undefined ? {} : record(obj.installed, `${what}.installed`);
  const health = obj.health === null || obj.health === undefined ? {} : record(obj.health, `${what}.health`);
  let botUser: BotUser | null = null;
  if (obj.bot_user !== null && obj.bot_user !== undefined) {
    const bot = record(obj.bot_user, `${what}.bot_user`);
    botUser = { id: num(bot, 'id', `${what}.bot_user`), email: strOrEmpty(bot, 'email', `${what}.bot_user`) };
  }
  return {
    status: oneOf(obj, 'status', CONNECTION_STATUSES, what),
    auth_kind: obj.auth_kind === undefined || obj.auth_kind === '' ? 'api_key' : oneOf(obj, 'auth_kind', AUTH_KINDS, what),
    domain: strOrEmpty(obj, 'domain', what),
    base_url: strOrEmpty(obj, 'base_url', what),
    sandbox: obj.sandbox === true,
    api_user: strOrEmpty(obj, 'api_user', what),
    api_key_set: obj.api_key_set === true,
    oauth_available: obj.oauth_available === true,
    bot_user: botUser,
    settings: parseGorgiasSettings(obj.settings, `${what}.settings`),
    webhook_url: strOrEmpty(obj, 'webhook_url', what),
    installed: {
      integrations: ids(installed, 'integrations', `${what}.installed`),
      widgets: ids(installed, 'widgets', `${what}.installed`),
      tags: ids(installed, 'tags', `${what}.installed`),
      views: ids(installed, 'views', `${what}.installed`),
    },
    health: {
      last_webhook_at: strOrNull(health, 'last_webhook_at', `${what}.health`),
      last_reply_at: strOrNull(health, 'last_reply_at', `${what}.health`),
      last_error: strOrEmpty(health, 'last_error', `${what}.health`),
      last_error_at: strOrNull(health, 'last_error_at', `${what}.health`),
      rate_limited_until: strOrNull(health, 'rate_limited_until', `${what}.health`),
    },
  };
}

// --- Users and teams of the account (the connection test) -----------------------------------

export interface GorgiasUser {
  id: number;
  email: string;
  name: string;
  /** The user's Gorgias role, such as `admin` or `agent`; empty when not sent. */
  role: string;
}

export interface GorgiasTeam {
  id: number;
  name: string;
}

/** What a successful connection test found in the account. */
export interface TestResult {
  domain: string;
  users: GorgiasUser[];
  teams: GorgiasTeam[];
}

export function parseGorgiasUser(value: unknown, what = 'user'): GorgiasUser {
  const obj = record(value, what);
  const role = obj.role === null || obj.role === undefined ? null : record(obj.role, `${what}.role`);
  return {
    id: num(obj, 'id', what),
    email: strOrEmpty(obj, 'email', what),
    name: strOrEmpty(obj, 'name', what),
    role: role ? strOrEmpty(role, 'name', `${what}.role`) : '',
  };
}

export function parseTestResult(body: unknown): TestResult {
  const obj = record(body, 'test');
  const users = obj.users === null || obj.users === undefined ? [] : obj.users;
  const teams = obj.teams === null || obj.teams === undefined ? [] : obj.teams;
  return {
    domain: strOrEmpty(obj, 'domain', 'test'),
    users: listOf(users, 'test.users', parseGorgiasUser),
    teams: listOf(teams, 'test.teams', (value, what) => {
      const team = record(value, what);
      return { id: num(team, 'id', what), name: strOrEmpty(team, 'name', what) };
    }),
  };
}

/** The bot user: an existing Gorgias user, or one Deskmate creates. */
export type BotUserInput = { user_id: number } | { create: { name: string; email: string } };

// --- Actions on tickets ---------------------------------------------------------------------

export const ACTION_STATUSES = ['pending', 'done', 'cancelled', 'failed'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const ACTION_STATUS_LABELS: Record<ActionStatus, string> = {
  pending: 'Pending',
  done: 'Done',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

/** One thing Deskmate did, or is about to do, on a Gorgias ticket. */
export interface GorgiasAction {
  id: number;
  ticket_id: number;
  /** What caused it: a webhook event, a widget button, an auto-close. */
  cause: string;
  /** What it does: message, tags, assign, close… */
  action: string;
  status: ActionStatus;
  gorgias_message_id: number | null;
  /** The agent run it carries out, if any. */
  run_id: number | null;
  created_at: string;
  updated_at: string;
  detail: Record<string, unknown>;
}

export const ACTIONS_LIMIT = 50;

export function parseGorgiasAction(value: unknown, what = 'action'): GorgiasAction {
  const obj = record(value, what);
  return {
    id: num(obj, 'id', what),
    ticket_id: num(obj, 'ticket_id', what),
    cause: strOrEmpty(obj, 'cause', what),
    action: str(obj, 'action', what),
    status: oneOf(obj, 'status', ACTION_STATUSES, what),
    gorgias_message_id: numOrNull(obj, 'gorgias_message_id', what),
    run_id: numOrNull(obj, 'run_id', what),
    created_at: strOrEmpty(obj, 'created_at', what),
    updated_at: strOrEmpty(obj, 'updated_at', what),
    detail: obj.detail === null || obj.detail === undefined ? {} : record(obj.detail, `${what}.detail`),
  };
}

// --- Requests -------------------------------------------------------------------------------

function path(workspaceId: string, rest = ''): string {
  return workspacePath(workspaceId, `/gorgias${rest}`);
}

function signalOnly(signal?: AbortSignal) {
  return signal ? { signal } : {};
}

export function fetchGorgiasCredentials(workspaceId: string, signal?: AbortSignal): Promise<GorgiasCredentials> {
  return apiRequest(path(workspaceId), parseGorgiasCredentials, signalOnly(signal));
}

export function saveGorgiasCredentials(workspaceId: string, input: GorgiasCredentialsInput): Promise<GorgiasCredentials> {
  return apiRequest(path(workspaceId), parseGorgiasCredentials, { method: 'PUT', json: input });
}

export function fetchGorgiasConnection(workspaceId: string, signal?: AbortSignal): Promise<GorgiasConnection> {
  return apiRequest(path(workspaceId, '/connection'), parseGorgiasConnection, signalOnly(signal));
}

/** The Gorgias address to send the admin to, to approve Deskmate (install with Gorgias). */
export function startGorgiasOAuth(workspaceId: string): Promise<string> {
  return apiRequest(path(workspaceId, '/oauth/start'), (body) => str(record(body, 'oauth'), 'url', 'oauth'), {
    method: 'POST',
  });
}

/** Reads the account's users and teams with the saved credentials. */
export function testGorgiasConnection(workspaceId: string): Promise<TestResult> {
  return apiRequest(path(workspaceId, '/test'), parseTestResult, { method: 'POST' });
}

export function setGorgiasBotUser(workspaceId: string, input: BotUserInput): Promise<GorgiasConnection> {
  return apiRequest(path(workspaceId, '/bot-user'), parseGorgiasConnection, { method: 'PUT', json: input });
}

export function saveGorgiasSettings(workspaceId: string, settings: GorgiasSettings): Promise<GorgiasConnection> {
  return apiRequest(path(workspaceId, '/settings'), parseGorgiasConnection, { method: 'PUT', json: settings });
}

/** Installs Deskmate in the account (integrations, widget, tags, views) and starts answering. */
export function connectGorgias(workspaceId: string): Promise<GorgiasConnection> {
  return apiRequest(path(workspaceId, '/connect'), parseGorgiasConnection, { method: 'POST' });
}

export function pauseGorgias(workspaceId: string): Promise<GorgiasConnection> {
  return apiRequest(path(workspaceId, '/pause'), parseGorgiasConnection, { method: 'POST' });
}

export function resumeGorgias(workspaceId: string): Promise<GorgiasConnection> {
  return apiRequest(path(workspaceId, '/resume'), parseGorgiasConnection, { method: 'POST' });
}

/** Removes what Deskmate installed; `purge` also deletes what it kept about tickets. */
export function disconnectGorgias(workspaceId: string, purge: boolean): Promise<GorgiasConnection> {
  return apiRequest(path(workspaceId, '/disconnect'), parseGorgiasConnection, { method: 'POST', json: { purge } });
}

/** Sends Deskmate's Gorgias calls to another address, such as a proxy or an emulator (instance owner). */
export function setGorgiasBaseUrl(workspaceId: string, baseUrl: string): Promise<GorgiasConnection> {
  return apiRequest(path(workspaceId, '/base-url'), parseGorgiasConnection, { method: 'PUT', json: { base_url: baseUrl } });
}

export function fetchGorgiasActions(workspaceId: string, signal?: AbortSignal): Promise<GorgiasAction[]> {
  return apiRequest(
    path(workspaceId, `/actions?limit=${ACTIONS_LIMIT}`),
    (body) => listOf(body ?? [], 'actions', parseGorgiasAction),
    signalOnly(signal),
  );
}

// --- Query keys and invalidation ------------------------------------------------------------

/** TanStack Query keys of the Gorgias connection; all of them start with `all(…)`. */
export const gorgiasKeys = {
  all: (workspaceId: string) => [...workspaceKeys.all(workspaceId), 'gorgias'] as const,
  credentials: (workspaceId: string) => [...gorgiasKeys.all(workspaceId), 'credentials'] as const,
  connection: (workspaceId: string) => [...gorgiasKeys.all(workspaceId), 'connection'] as const,
  actions: (workspaceId: string) => [...gorgiasKeys.all(workspaceId), 'actions'] as const,
};

/** After the credentials changed: everything about the connection. */
export function invalidateGorgias(queryClient: QueryClient, workspaceId: string): Promise<void> {
  return invalidate(queryClient, gorgiasKeys.all(workspaceId));
}

/** Caches a connection a change answered with, and refreshes the actions it may have caused. */
export function storeGorgiasConnection(
  queryClient: QueryClient,
  workspaceId: string,
  connection: GorgiasConnection,
): Promise<void> {
  queryClient.setQueryData(gorgiasKeys.connection(workspaceId), connection);
  return invalidate(queryClient, gorgiasKeys.credentials(workspaceId), gorgiasKeys.actions(workspaceId));
}
