/**
 * The sandbox: a Gorgias account emulated by Deskmate, with its own workspace. `/api/sandbox` says
 * whether this server runs it; `/api/workspaces/{id}/sandbox/…` is its helpdesk: tickets in
 * Gorgias' shape, customers who write in, agents who act on tickets, and Deskmate's sidebar widget.
 */
import type { QueryClient } from '@tanstack/react-query';
import { invalidate } from './cache';
import { apiRequest, isRecord, noContent } from './client';
import { bool, id, listOf, num, numOr, oneOf, record, str, strOrEmpty, strings } from './shape';
import { parseGorgiasUser, type GorgiasUser } from './gorgias';
import { workspaceKeys, workspacePath } from './workspaces';

// --- Whether there is a sandbox -------------------------------------------------------------

export interface SandboxStatus {
  /** Whether this server runs the emulated Gorgias account. */
  available: boolean;
  /** The sandbox workspace, once created. */
  workspace_id: string | null;
  /** Why it is not available, for the person who can change that. */
  reason: string;
}

export function parseSandboxStatus(body: unknown): SandboxStatus {
  const obj = record(body, 'sandbox');
  return {
    available: bool(obj, 'available', 'sandbox'),
    workspace_id: obj.workspace_id === null || obj.workspace_id === undefined ? null : id(obj, 'workspace_id', 'sandbox'),
    reason: strOrEmpty(obj, 'reason', 'sandbox'),
  };
}

export function fetchSandboxStatus(signal?: AbortSignal): Promise<SandboxStatus> {
  return apiRequest('/api/sandbox', parseSandboxStatus, signal ? { signal } : {});
}

/** Creates the sandbox workspace, connected to the emulated account (instance owner). Answers its id. */
export function createSandbox(): Promise<string> {
  return apiRequest('/api/sandbox', (body) => id(record(body, 'sandbox'), 'workspace_id', 'sandbox'), { method: 'POST' });
}

// --- Tickets, in Gorgias' shape -------------------------------------------------------------

/** Channels a sandbox customer can write on. */
export const CUSTOMER_CHANNELS = ['email', 'chat', 'sms'] as const;
export type CustomerChannel = (typeof CUSTOMER_CHANNELS)[number];

/** The channel Gorgias gives internal notes. */
export const INTERNAL_NOTE_CHANNEL = 'internal-note';

export interface Person {
  id: number;
  email: string;
  name: string;
}

/** A sample customer of the sandbox, with how many orders the sandbox's Shopify store has for them. */
export interface SampleCustomer extends Person {
  orders: number;
}

export interface SandboxCustomer extends Person {
  /** Integration data by integration id, such as a Shopify customer with orders. */
  integrations: Record<string, Record<string, unknown>>;
}

export interface SandboxTag {
  id: number;
  name: string;
}

export interface SandboxMessage {
  id: number;
  body_text: string;
  body_html: string;
  from_agent: boolean;
  public: boolean;
  channel: string;
  sender: Person | null;
  created_datetime: string;
}

export interface SandboxTicket {
  id: number;
  subject: string;
  status: 'open' | 'closed';
  channel: string;
  customer: SandboxCustomer | null;
  assignee_user: Person | null;
  assignee_team: { id: number; name: string } | null;
  tags: SandboxTag[];
  messages: SandboxMessage[];
  updated_datetime: string;
}

function optional<T>(value: unknown, what: string, parse: (obj: Record<string, unknown>, what: string) => T): T | null {
  return value === null || value === undefined ? null : parse(record(value, what), what);
}

function person(obj: Record<string, unknown>, what: string): Person {
  return { id: num(obj, 'id', what), email: strOrEmpty(obj, 'email', what), name: strOrEmpty(obj, 'name', what) };
}

function customer(obj: Record<string, unknown>, what: string): SandboxCustomer {
  const integrations: Record<string, Record<string, unknown>> = {};
  if (obj.integrations !== null && obj.integrations !== undefined) {
    for (const [key, value] of Object.entries(record(obj.integrations, `${what}.integrations`))) {
      // Each integration keeps data of its own shape; only objects are shown.
      if (isRecord(value)) {
        integrations[key] = value;
      }
    }
  }
  return { ...person(obj, what), integrations };
}

function parseMessage(value: unknown, what: string): SandboxMessage {
  const obj = record(value, what);
  return {
    id: num(obj, 'id', what),
    body_text: strOrEmpty(obj, 'body_text', what),
    body_html: strOrEmpty(obj, 'body_html', what),
    from_agent: obj.from_agent === true,
    public: obj.public !== false,
    channel: strOrEmpty(obj, 'channel', what),
    sender: optional(obj.sender, `${what}.sender`, person),
    created_datetime: strOrEmpty(obj, 'created_datetime', what),
  };
}

export function parseSandboxTicket(value: unknown, what = 'ticket'): SandboxTicket {
  const obj = record(value, what);
  const tags = obj.tags === null || obj.tags === undefined ? [] : obj.tags;
  const messages = obj.messages === null || obj.messages === undefined ? [] : obj.messages;
  return {
    id: num(obj, 'id', what),
    subject: strOrEmpty(obj, 'subject', what),
    status: obj.status === 'closed' ? 'closed' : 'open',
    channel: strOrEmpty(obj, 'channel', what),
    customer: optional(obj.customer, `${what}.customer`, customer),
    assignee_user: optional(obj.assignee_user, `${what}.assignee_user`, person),
    assignee_team: optional(obj.assignee_team, `${what}.assignee_team`, (team, teamWhat) => ({
      id: num(team, 'id', teamWhat),
      name: strOrEmpty(team, 'name', teamWhat),
    })),
    tags: listOf(tags, `${what}.tags`, (tag, tagWhat) => {
      const row = record(tag, tagWhat);
      return { id: num(row, 'id', tagWhat), name: str(row, 'name', tagWhat) };
    }),
    messages: listOf(messages, `${what}.messages`, parseMessage),
    updated_datetime: strOrEmpty(obj, 'updated_datetime', what),
  };
}

/** Who wrote a message, as the inbox shows it. */
export type MessageKind = 'customer' | 'agent' | 'bot' | 'note';

/** An internal note, a message of the bot user, of another agent, or of the customer. */
export function messageKind(message: SandboxMessage, botUserId: number | null): MessageKind {
  if (message.channel === INTERNAL_NOTE_CHANNEL || !message.public) {
    return 'note';
  }
  if (message.from_agent && botUserId !== null && message.sender?.id === botUserId) {
    return 'bot';
  }
  return message.from_agent ? 'agent' : 'customer';
}

// --- The widget -----------------------------------------------------------------------------

/** What Deskmate's sidebar card shows for a ticket. */
export interface WidgetData {
  status: string;
  last_decision: string;
  reason: string;
  summary: string;
  /** Address of the run's trace in this app. */
  trace_url: string;
}

export interface WidgetParam {
  name: string;
  label: string;
  /** `text`, or a choice among `options` (Gorgias calls it `dropdown`). */
  type: 'text' | 'select';
  options: string[];
  required: boolean;
}

export interface WidgetButton {
  label: string;
  params: WidgetParam[];
}

export interface Widget {
  data: WidgetData | null;
  buttons: WidgetButton[];
}

export function parseWidget(body: unknown): Widget {
  const obj = record(body, 'widget');
  const buttons = obj.buttons === null || obj.buttons === undefined ? [] : obj.buttons;
  return {
    data: optional(obj.data, 'widget.data', (data, what) => ({
      status: strOrEmpty(data, 'status', what),
      last_decision: strOrEmpty(data, 'last_decision', what),
      reason: strOrEmpty(data, 'reason', what),
      summary: strOrEmpty(data, 'summary', what),
      trace_url: strOrEmpty(data, 'trace_url', what),
    })),
    buttons: listOf(buttons, 'widget.buttons', (value, what) => {
      const button = record(value, what);
      const params = button.params === null || button.params === undefined ? [] : button.params;
      return {
        label: str(button, 'label', what),
        params: listOf(params, `${what}.params`, (param, paramWhat) => {
          const row = record(param, paramWhat);
          const options = strings(row, 'options', paramWhat);
          const type = strOrEmpty(row, 'type', paramWhat);
          return {
            name: str(row, 'name', paramWhat),
            label: strOrEmpty(row, 'label', paramWhat) || str(row, 'name', paramWhat),
            type: type === 'select' || type === 'dropdown' || (type !== 'text' && options.length > 0) ? 'select' : 'text',
            options,
            required: row.required === true,
          };
        }),
      };
    }),
  };
}

/** What Gorgias would have shown after a button press. */
export interface ClickResult {
  status: 'success' | 'error';
  /** The HTTP status Deskmate answered the button's request with; 0 when it was not reached. */
  status_code: number;
  /** What the answer or the failure said. */
  message: string;
}

/** The `message` of a JSON answer body, such as Deskmate's own answers to its buttons, or the body as it is. */
function bodyMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed) && typeof parsed.message === 'string') {
      return parsed.message;
    }
    if (isRecord(parsed) && isRecord(parsed.error) && typeof parsed.error.message === 'string') {
      return parsed.error.message;
    }
  } catch {
    // Not JSON: shown as it is.
  }
  return body;
}

export function parseClickResult(body: unknown): ClickResult {
  const obj = record(body, 'click');
  return {
    status: oneOf(obj, 'status', ['success', 'error'] as const, 'click'),
    status_code: numOr(obj, 'status_code', 'click', 0),
    message:
      strOrEmpty(obj, 'message', 'click') ||
      strOrEmpty(obj, 'error', 'click') ||
      bodyMessage(strOrEmpty(obj, 'body', 'click')),
  };
}

// --- Requests -------------------------------------------------------------------------------

function path(workspaceId: string, rest: string): string {
  return workspacePath(workspaceId, `/sandbox${rest}`);
}

function ticketPath(workspaceId: string, ticketId: number, rest = ''): string {
  return path(workspaceId, `/tickets/${encodeURIComponent(String(ticketId))}${rest}`);
}

/** The tickets, newest first. */
export function fetchSandboxTickets(workspaceId: string, signal?: AbortSignal): Promise<SandboxTicket[]> {
  return apiRequest(
    path(workspaceId, '/tickets'),
    (body) => listOf(body ?? [], 'tickets', parseSandboxTicket),
    signal ? { signal } : {},
  );
}

/** Sample customers, some with Shopify orders. */
export function fetchSandboxCustomers(workspaceId: string, signal?: AbortSignal): Promise<SampleCustomer[]> {
  return apiRequest(
    path(workspaceId, '/customers'),
    (body) =>
      listOf(body ?? [], 'customers', (value, what) => {
        const obj = record(value, what);
        return { ...person(obj, what), orders: numOr(obj, 'orders', what, 0) };
      }),
    signal ? { signal } : {},
  );
}

/** The account's agents, the bot user among them. */
export function fetchSandboxUsers(workspaceId: string, signal?: AbortSignal): Promise<GorgiasUser[]> {
  return apiRequest(
    path(workspaceId, '/users'),
    (body) => listOf(body ?? [], 'users', parseGorgiasUser),
    signal ? { signal } : {},
  );
}

/** A customer's message: a new ticket, or a reply on `ticket_id`. */
export interface CustomerMessage {
  email: string;
  name: string;
  channel: CustomerChannel;
  /** 0 for a new ticket. */
  ticket_id: number;
  subject: string;
  body: string;
}

export function sendCustomerMessage(workspaceId: string, message: CustomerMessage): Promise<SandboxTicket> {
  return apiRequest(path(workspaceId, '/messages'), (body) => parseSandboxTicket(body), { method: 'POST', json: message });
}

// The agent's actions answer 204 or the ticket; either way the tickets are read again.

/** An agent's reply to the customer, or an internal note. */
export function replyAsAgent(
  workspaceId: string,
  ticketId: number,
  reply: { user_id: number; body: string; internal: boolean },
): Promise<void> {
  return apiRequest(ticketPath(workspaceId, ticketId, '/replies'), noContent, { method: 'POST', json: reply });
}

export function changeTicketTags(
  workspaceId: string,
  ticketId: number,
  change: { add: string[]; remove: string[] },
): Promise<void> {
  return apiRequest(ticketPath(workspaceId, ticketId, '/tags'), noContent, { method: 'POST', json: change });
}

/** Assigns the ticket to an agent, or unassigns it with null. */
export function assignTicket(workspaceId: string, ticketId: number, userId: number | null): Promise<void> {
  return apiRequest(ticketPath(workspaceId, ticketId, '/assignee'), noContent, {
    method: 'PUT',
    json: { user_id: userId },
  });
}

export function closeTicket(workspaceId: string, ticketId: number): Promise<void> {
  return apiRequest(ticketPath(workspaceId, ticketId, '/close'), noContent, { method: 'POST' });
}

export function fetchWidget(workspaceId: string, ticketId: number, signal?: AbortSignal): Promise<Widget> {
  return apiRequest(ticketPath(workspaceId, ticketId, '/widget'), parseWidget, signal ? { signal } : {});
}

/** Presses a widget button, as an agent in Gorgias would. */
export function pressWidgetButton(
  workspaceId: string,
  ticketId: number,
  click: { label: string; params: Record<string, string> },
): Promise<ClickResult> {
  return apiRequest(ticketPath(workspaceId, ticketId, '/clicks'), parseClickResult, { method: 'POST', json: click });
}

/** The HTML of a message as plain text, for messages that come without `body_text`. */
export function textOfHtml(html: string): string {
  if (html === '') {
    return '';
  }
  const doc = new DOMParser().parseFromString(html.replace(/<br\s*\/?>/gi, '\n'), 'text/html');
  return doc.body.textContent ?? '';
}

/** How often the inbox reads the tickets and the widget again, so that Deskmate's work appears as its jobs run. */
export const SANDBOX_REFRESH_MS = 2_000;

// --- Query keys and invalidation ------------------------------------------------------------

/** TanStack Query keys of the sandbox. */
export const sandboxKeys = {
  /** Whether this server has a sandbox (not about one workspace). */
  status: () => ['sandbox'] as const,
  all: (workspaceId: string) => [...workspaceKeys.all(workspaceId), 'sandbox'] as const,
  tickets: (workspaceId: string) => [...sandboxKeys.all(workspaceId), 'tickets'] as const,
  customers: (workspaceId: string) => [...sandboxKeys.all(workspaceId), 'customers'] as const,
  users: (workspaceId: string) => [...sandboxKeys.all(workspaceId), 'users'] as const,
  widget: (workspaceId: string, ticketId: number) => [...sandboxKeys.all(workspaceId), 'widget', ticketId] as const,
};

/** After anything happened on a ticket: the tickets and the widget. */
export function invalidateSandboxTickets(queryClient: QueryClient, workspaceId: string): Promise<void> {
  return invalidate(queryClient, sandboxKeys.tickets(workspaceId), [...sandboxKeys.all(workspaceId), 'widget']);
}
