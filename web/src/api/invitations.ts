/** Invitations: the public `/api/invitations/{token}` and a workspace's pending invitations. */
import type { QueryClient } from '@tanstack/react-query';
import { auditKeys } from './audit';
import { adoptSession, parseRole, parseSession, type Role, type Session } from './auth';
import { invalidate } from './cache';
import { apiRequest, noContent } from './client';
import { bool, id, listOf, record, str, strOrEmpty } from './shape';
import { workspaceKeys, workspacePath } from './workspaces';

/** TanStack Query keys of invitations. */
export const invitationKeys = {
  /** What an invitation link offers, read by the person invited (no session needed). */
  preview: (token: string) => ['invitation', token] as const,
  /** A workspace's pending invitations. */
  list: (workspaceId: string) => [...workspaceKeys.all(workspaceId), 'invitations'] as const,
};

/** After an invitation was created or revoked: the pending invitations and the audit log. */
export function invalidateInvitations(queryClient: QueryClient, workspaceId: string): Promise<void> {
  return invalidate(queryClient, invitationKeys.list(workspaceId), auditKeys.list(workspaceId));
}

/** What an invitation link offers, as shown to the person invited. */
export interface InvitationPreview {
  email: string;
  workspace_name: string;
  role: Role;
  expires_at: string;
  /** Whether the email already belongs to a user, who then confirms with their password. */
  existing_user: boolean;
}

/** A pending invitation of a workspace. */
export interface Invitation {
  id: string;
  email: string;
  role: Role;
  expires_at: string;
  created_at: string;
}

/** A new invitation: `url` (`/invite/{token}`) is only ever shown this once. */
export interface CreatedInvitation {
  id: string;
  email: string;
  role: Role;
  expires_at: string;
  url: string;
}

function invitationPath(token: string): string {
  return `/api/invitations/${encodeURIComponent(token)}`;
}

function parsePreview(body: unknown): InvitationPreview {
  const obj = record(body, 'the invitation');
  return {
    email: str(obj, 'email', 'invitation'),
    workspace_name: str(obj, 'workspace_name', 'invitation'),
    role: parseRole(obj, 'role', 'invitation'),
    expires_at: strOrEmpty(obj, 'expires_at', 'invitation'),
    existing_user: bool(obj, 'existing_user', 'invitation'),
  };
}

function parseInvitation(value: unknown, what: string): Invitation {
  const obj = record(value, what);
  return {
    id: id(obj, 'id', what),
    email: str(obj, 'email', what),
    role: parseRole(obj, 'role', what),
    expires_at: strOrEmpty(obj, 'expires_at', what),
    created_at: strOrEmpty(obj, 'created_at', what),
  };
}

export function parseCreated(body: unknown): CreatedInvitation {
  const obj = record(body, 'the invitation');
  return {
    id: id(obj, 'id', 'invitation'),
    email: str(obj, 'email', 'invitation'),
    role: parseRole(obj, 'role', 'invitation'),
    expires_at: strOrEmpty(obj, 'expires_at', 'invitation'),
    url: str(obj, 'url', 'invitation'),
  };
}

/** Reads an invitation by its token; 404 when it is unknown, used or expired. */
export function fetchInvitation(token: string, signal?: AbortSignal): Promise<InvitationPreview> {
  return apiRequest(invitationPath(token), parsePreview, signal ? { signal, ownUnauthorized: true } : { ownUnauthorized: true });
}

/**
 * Accepts an invitation and signs in. A new user chooses a name and password; an existing user
 * confirms with their current password.
 */
export async function acceptInvitation(token: string, input: { name: string; password: string }): Promise<Session> {
  return adoptSession(
    await apiRequest(`${invitationPath(token)}/accept`, parseSession, {
      method: 'POST',
      json: { name: input.name, password: input.password },
      ownUnauthorized: true,
    }),
  );
}

export function fetchInvitations(workspaceId: string, signal?: AbortSignal): Promise<Invitation[]> {
  return apiRequest(
    workspacePath(workspaceId, '/invitations'),
    (body) => listOf(body, 'invitations', parseInvitation),
    signal ? { signal } : {},
  );
}

export function createInvitation(workspaceId: string, input: { email: string; role: Role }): Promise<CreatedInvitation> {
  return apiRequest(workspacePath(workspaceId, '/invitations'), parseCreated, { method: 'POST', json: input });
}

export function revokeInvitation(workspaceId: string, invitationId: string): Promise<void> {
  return apiRequest(workspacePath(workspaceId, `/invitations/${encodeURIComponent(invitationId)}`), noContent, {
    method: 'DELETE',
  });
}

/** The absolute link to send to the person invited, from the server's relative `url`. */
export function absoluteInviteUrl(url: string, origin: string = window.location.origin): string {
  return new URL(url, origin).toString();
}
