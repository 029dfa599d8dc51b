/** API tokens of a workspace: `/api/workspaces/{id}/tokens`. */
import type { QueryClient } from '@tanstack/react-query';
import { auditKeys } from './audit';
import { parseRole, type Role } from './auth';
import { invalidate } from './cache';
import { apiRequest, noContent } from './client';
import { id, listOf, record, str, strOrEmpty, strOrNull } from './shape';
import { workspaceKeys, workspacePath } from './workspaces';

/** TanStack Query keys of API tokens. */
export const tokenKeys = {
  list: (workspaceId: string) => [...workspaceKeys.all(workspaceId), 'tokens'] as const,
};

/** After a token was created or revoked: the token list and the audit log. */
export function invalidateTokens(queryClient: QueryClient, workspaceId: string): Promise<void> {
  return invalidate(queryClient, tokenKeys.list(workspaceId), auditKeys.list(workspaceId));
}

/** An API token; the secret itself is only shown when it is created. */
export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  /** The start of the token, to recognise it. */
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** A new token with its secret `token` (`dm_…`), shown this once. */
export interface CreatedApiToken extends ApiToken {
  token: string;
}

function parseToken(value: unknown, what: string): ApiToken {
  const obj = record(value, what);
  return {
    id: id(obj, 'id', what),
    name: str(obj, 'name', what),
    role: parseRole(obj, 'role', what),
    prefix: strOrEmpty(obj, 'prefix', what),
    created_at: strOrEmpty(obj, 'created_at', what),
    last_used_at: strOrNull(obj, 'last_used_at', what),
    revoked_at: strOrNull(obj, 'revoked_at', what),
  };
}

function parseCreated(body: unknown): CreatedApiToken {
  const obj = record(body, 'the token');
  return { ...parseToken(obj, 'token'), token: str(obj, 'token', 'token') };
}

export function fetchTokens(workspaceId: string, signal?: AbortSignal): Promise<ApiToken[]> {
  return apiRequest(
    workspacePath(workspaceId, '/tokens'),
    (body) => listOf(body, 'tokens', parseToken),
    signal ? { signal } : {},
  );
}

/** Creates a token with a role at most the creator's own. */
export function createToken(workspaceId: string, input: { name: string; role: Role }): Promise<CreatedApiToken> {
  return apiRequest(workspacePath(workspaceId, '/tokens'), parseCreated, { method: 'POST', json: input });
}

export function revokeToken(workspaceId: string, tokenId: string): Promise<void> {
  return apiRequest(workspacePath(workspaceId, `/tokens/${encodeURIComponent(tokenId)}`), noContent, {
    method: 'DELETE',
  });
}
