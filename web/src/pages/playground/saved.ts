/**
 * The playground conversation, kept in sessionStorage per workspace: opening a run's trace or
 * another page and coming back finds the conversation as it was. Closing the tab forgets it.
 */
import { AGENT_CHANNELS } from '../../api/agent';
import { BUSINESS_HOURS_MODES, parsePlaygroundResult, type PlaygroundResult } from '../../api/playground';
import { array, oneOf, record, str } from '../../api/shape';
import { ORDER_STATUSES, newOrderKey, type OrderDraft, type Setup } from './ConversationSetup';

/** One entry of the thread: a message written here, Deskmate's answer to it, or a note. */
export type Turn =
  | { type: 'message'; role: 'customer' | 'agent'; text: string }
  | { type: 'answer'; result: PlaygroundResult }
  | { type: 'event'; text: string };

/** What the playground keeps of a conversation: its id, thread and state. */
export interface SavedThread {
  conversationId: string;
  turns: Turn[];
  /** The conversation's state on the server: bot or handed_over. */
  state: string;
}

/**
 * sessionStorage keys of a workspace's playground: the thread, and the setup apart (it changes
 * with each key typed, the thread only with each message).
 */
export function storageKeys(workspaceId: string): { thread: string; setup: string } {
  const prefix = `deskmate.playground.${workspaceId}`;
  return { thread: `${prefix}.thread`, setup: `${prefix}.setup` };
}

function parseOrder(value: unknown, what: string): OrderDraft {
  const obj = record(value, what);
  return {
    key: newOrderKey(),
    number: str(obj, 'number', what),
    status: oneOf(obj, 'status', ORDER_STATUSES, what),
    tracking_company: str(obj, 'tracking_company', what),
    tracking_number: str(obj, 'tracking_number', what),
    tracking_url: str(obj, 'tracking_url', what),
    created_at: str(obj, 'created_at', what),
  };
}

function parseTurn(value: unknown, what: string): Turn {
  const obj = record(value, what);
  const type = oneOf(obj, 'type', ['message', 'answer', 'event'] as const, what);
  if (type === 'message') {
    return { type, role: oneOf(obj, 'role', ['customer', 'agent'] as const, what), text: str(obj, 'text', what) };
  }
  if (type === 'event') {
    return { type, text: str(obj, 'text', what) };
  }
  return { type, result: parsePlaygroundResult(obj.result) };
}

/** Reads a saved thread back; a ShapeError when it cannot. */
export function parseThread(value: unknown): SavedThread {
  const obj = record(value, 'saved thread');
  return {
    conversationId: str(obj, 'conversationId', 'saved thread'),
    turns: array(obj.turns, 'turns').map((turn, index) => parseTurn(turn, `turns[${index}]`)),
    state: str(obj, 'state', 'saved thread'),
  };
}

/** Reads a saved setup back; a ShapeError when it cannot. */
export function parseSetup(value: unknown): Setup {
  const setup = record(value, 'setup');
  return {
    channel: oneOf(setup, 'channel', AGENT_CHANNELS, 'setup'),
    subject: str(setup, 'subject', 'setup'),
    name: str(setup, 'name', 'setup'),
    email: str(setup, 'email', 'setup'),
    note: str(setup, 'note', 'setup'),
    orders: array(setup.orders, 'setup.orders').map((order, index) => parseOrder(order, `setup.orders[${index}]`)),
    hours: oneOf(setup, 'hours', BUSINESS_HOURS_MODES, 'setup'),
    instructions: str(setup, 'instructions', 'setup'),
  };
}

function load<T>(key: string, parse: (value: unknown) => T): T | null {
  try {
    const raw = window.sessionStorage.getItem(key);
    return raw === null ? null : parse(JSON.parse(raw));
  } catch {
    // Unavailable storage, or something this version cannot read: start afresh.
    return null;
  }
}

function save(key: string, value: unknown): void {
  try {
    window.sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage unavailable or full: this lasts until the page is left.
  }
}

/** The workspace's saved playground thread, or null. */
export function loadThread(workspaceId: string): SavedThread | null {
  return load(storageKeys(workspaceId).thread, parseThread);
}

export function saveThread(workspaceId: string, thread: SavedThread): void {
  save(storageKeys(workspaceId).thread, thread);
}

/** The workspace's saved playground setup, or null. */
export function loadSetup(workspaceId: string): Setup | null {
  return load(storageKeys(workspaceId).setup, parseSetup);
}

export function saveSetup(workspaceId: string, setup: Setup): void {
  save(storageKeys(workspaceId).setup, setup);
}
