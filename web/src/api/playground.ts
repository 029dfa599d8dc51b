/**
 * The playground: chat with the agent as a customer would, without Gorgias.
 * `/api/workspaces/{id}/playground/…`.
 *
 * The page keeps the conversation and sends all of it with each new message; the server keeps the
 * conversation's state (whether a person has taken it over, how often the agent replied) under
 * the conversation's id, and records a run for each message.
 */
import { apiRequest, noContent } from './client';
import { parseDecision, parseTrace, type AgentChannel, type AgentDecision, type Trace } from './agent';
import { parseRun, type AgentRun } from './runs';
import { record, strOrEmpty } from './shape';
import { workspacePath } from './workspaces';

/** Who wrote a message: the customer, a person of the support team, or the agent. */
export const MESSAGE_ROLES = ['customer', 'agent', 'bot'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

export interface PlaygroundMessage {
  role: MessageRole;
  text: string;
}

/** A customer's order as the shop reports it; empty fields are unknown. */
export interface PlaygroundOrder {
  number: string;
  created_at?: string;
  financial_status: string;
  /** Empty (unfulfilled), partial or fulfilled. */
  fulfillment_status: string;
  /** The carrier's status: in_transit, out_for_delivery, delivered… */
  shipment_status: string;
  tracking_company: string;
  tracking_number: string;
  tracking_url: string;
  cancelled_at?: string;
  items: string[];
}

/** Whether the team is at work: from the business hours in the agent settings, or as chosen. */
export const BUSINESS_HOURS_MODES = ['auto', 'open', 'closed'] as const;
export type BusinessHoursMode = (typeof BUSINESS_HOURS_MODES)[number];

/** A playground conversation as sent with each message. */
export interface PlaygroundConversation {
  conversation_id: string;
  channel: AgentChannel;
  subject: string;
  customer: { name: string; email: string; note: string; orders: PlaygroundOrder[] };
  business_hours: BusinessHoursMode;
  /** Oldest first; the last customer message is the one answered. */
  messages: PlaygroundMessage[];
  /** Instructions for this conversation only, as agents leave them on a ticket. */
  instructions: string[];
}

/** Limits of the server. */
export const MAX_CONVERSATION_ID = 100;
export const MAX_MESSAGES = 100;
export const MAX_MESSAGE_LENGTH = 10000;
export const MAX_ORDERS = 20;
export const MAX_CONVERSATION_INSTRUCTIONS = 20;

/** The state of a conversation: `bot` while the agent answers, `handed_over` once a person has it. */
export type ConversationState = string;

export const STATE_LABELS: Record<string, string> = {
  bot: 'Deskmate answers',
  handed_over: 'Handed over to a person',
};

/** The outcome of one message: the run it made, the decision, its trace and the conversation's state. */
export interface PlaygroundResult {
  run: AgentRun;
  decision: AgentDecision;
  trace: Trace | null;
  state: ConversationState;
}

export function parsePlaygroundResult(body: unknown): PlaygroundResult {
  const obj = record(body, 'result');
  return {
    run: parseRun(obj.run, 'result.run'),
    decision: parseDecision(obj.decision, 'result.decision'),
    trace: obj.trace === null || obj.trace === undefined ? null : parseTrace(obj.trace, 'result.trace'),
    state: strOrEmpty(obj, 'state', 'result') || 'bot',
  };
}

/** Whether the agent's answer goes into the conversation as its message: replies and questions do. */
export function answersCustomer(decision: AgentDecision): boolean {
  return (decision.kind === 'reply' || decision.kind === 'clarify') && decision.reply !== '';
}

/** Runs the agent on the conversation; its last customer message is answered. */
export function sendPlaygroundMessage(workspaceId: string, conversation: PlaygroundConversation): Promise<PlaygroundResult> {
  return apiRequest(workspacePath(workspaceId, '/playground/messages'), parsePlaygroundResult, {
    method: 'POST',
    json: conversation,
  });
}

function conversationPath(workspaceId: string, conversationId: string, rest = ''): string {
  return workspacePath(workspaceId, `/playground/conversations/${encodeURIComponent(conversationId)}${rest}`);
}

/** Forgets a conversation's state (start over); its runs stay. */
export function resetPlaygroundConversation(workspaceId: string, conversationId: string): Promise<void> {
  return apiRequest(conversationPath(workspaceId, conversationId), noContent, { method: 'DELETE' });
}

/** Gives a handed-over conversation back to the agent (editors). */
export function returnToBot(workspaceId: string, conversationId: string): Promise<void> {
  return apiRequest(conversationPath(workspaceId, conversationId, '/return'), noContent, { method: 'POST' });
}
