/** The audit log of a workspace: `/api/workspaces/{id}/audit`. */
import { apiRequest } from './client';
import { id, listOf, oneOf, record, str, strOrEmpty } from './shape';
import { workspaceKeys, workspacePath } from './workspaces';

/** TanStack Query keys of the audit log. Every change in a workspace adds an entry, so its mutations refresh `list`. */
export const auditKeys = {
  list: (workspaceId: string) => [...workspaceKeys.all(workspaceId), 'audit'] as const,
};

/** Who did something: a person, an API token or Deskmate itself. */
export interface AuditActor {
  kind: 'user' | 'token' | 'system';
  id: string;
  label: string;
}

/** One recorded change. */
export interface AuditEntry {
  id: string;
  at: string;
  actor: AuditActor;
  /** Dotted name such as `workspace.update`. */
  action: string;
  target: string;
  /** What changed, without secret values, e.g. `{"name": ["Old", "New"], "api_key": "changed"}`. */
  summary: unknown;
}

/** A page of entries, newest first, and the cursor for the next (older) page. */
export interface AuditPage {
  entries: AuditEntry[];
  next_before: string | null;
}

/** Entries per page. */
export const AUDIT_PAGE_SIZE = 50;

function parseActor(value: unknown, what: string): AuditActor {
  const obj = record(value, what);
  const kind = oneOf(obj, 'kind', ['user', 'token', 'system'] as const, what);
  const actorId = obj.id;
  return {
    kind,
    id: typeof actorId === 'string' || typeof actorId === 'number' ? String(actorId) : '',
    label: strOrEmpty(obj, 'label', what),
  };
}

function parseEntry(value: unknown, what: string): AuditEntry {
  const obj = record(value, what);
  return {
    id: id(obj, 'id', what),
    at: str(obj, 'at', what),
    actor: parseActor(obj.actor, `${what}.actor`),
    action: str(obj, 'action', what),
    target: strOrEmpty(obj, 'target', what),
    summary: obj.summary ?? null,
  };
}

/** Validates an audit page. */
export function parseAuditPage(body: unknown): AuditPage {
  const obj = record(body, 'the audit log');
  const next = obj.next_before;
  return {
    entries: obj.entries === null ? [] : listOf(obj.entries, 'entries', parseEntry),
    next_before: typeof next === 'string' && next !== '' ? next : typeof next === 'number' ? String(next) : null,
  };
}

/** One page of the audit log, starting after the entry `before` when given. */
export function fetchAuditPage(workspaceId: string, before: string | null, signal?: AbortSignal): Promise<AuditPage> {
  const params = new URLSearchParams();
  if (before !== null) {
    params.set('before', before);
  }
  params.set('limit', String(AUDIT_PAGE_SIZE));
  return apiRequest(workspacePath(workspaceId, `/audit?${params.toString()}`), parseAuditPage, signal ? { signal } : {});
}
