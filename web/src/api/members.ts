/** Members of a workspace: `/api/workspaces/{id}/members`. */
import type { QueryClient } from '@tanstack/react-query';
import { auditKeys } from './audit';
import { parseRole, type Role } from './auth';
import { invalidate } from './cache';
import { apiRequest, noContent } from './client';
import { invitationKeys, parseCreated, type CreatedInvitation } from './invitations';
import { id, listOf, record, str, strOrEmpty } from './shape';
import { workspaceKeys, workspacePath } from './workspaces';

/** TanStack Query keys of members. */
export const memberKeys = {
  list: (workspaceId: string) => [...workspaceKeys.all(workspaceId), 'members'] as const,
};

/** After a member's role changed or a member was removed: the member list and the audit log. */
export function invalidateMembers(queryClient: QueryClient, workspaceId: string): Promise<void> {
  return invalidate(queryClient, memberKeys.list(workspaceId), auditKeys.list(workspaceId));
}

/**
 * After adding someone, which makes either a member or an invitation: the member list, the
 * pending invitations and the audit log.
 */
export function invalidateAfterAddingMember(queryClient: QueryClient, workspaceId: string): Promise<void> {
  return invalidate(
    queryClient,
    memberKeys.list(workspaceId),
    invitationKeys.list(workspaceId),
    auditKeys.list(workspaceId),
  );
}

/** A person in a workspace. */
export interface Member {
  user_id: string;
  email: string;
  name: string;
  role: Role;
}

/**
 * A member to add. Only the instance owner creates an account directly (with a password they pass on);
 * anyone else, and anyone with an account already, gets an invitation to accept.
 */
export interface NewMember {
  email: string;
  name: string;
  password: string;
  role: Role;
}

function parseMember(value: unknown, what = 'member'): Member {
  const obj = record(value, what);
  return {
    user_id: id(obj, 'user_id', what),
    email: str(obj, 'email', what),
    name: strOrEmpty(obj, 'name', what),
    role: parseRole(obj, 'role', what),
  };
}

function memberPath(workspaceId: string, userId: string): string {
  return workspacePath(workspaceId, `/members/${encodeURIComponent(userId)}`);
}

export function fetchMembers(workspaceId: string, signal?: AbortSignal): Promise<Member[]> {
  return apiRequest(
    workspacePath(workspaceId, '/members'),
    (body) => listOf(body, 'members', parseMember),
    signal ? { signal } : {},
  );
}

/** What adding did: the new member, or the invitation they must accept (its link shown once). */
export type Added = { member: Member; invitation?: undefined } | { member?: undefined; invitation: CreatedInvitation };

function parseAdded(body: unknown): Added {
  const obj = record(body, 'the answer');
  if ('invitation' in obj) {
    return { invitation: parseCreated(obj.invitation) };
  }
  return { member: parseMember(body) };
}

/** Adds a member: a new account (instance owner only), or else an invitation. */
export function addMember(workspaceId: string, input: NewMember): Promise<Added> {
  const json: Record<string, string> = { email: input.email, name: input.name, role: input.role };
  if (input.password !== '') {
    json.password = input.password;
  }
  return apiRequest(workspacePath(workspaceId, '/members'), parseAdded, { method: 'POST', json });
}

/** Changes a member's role; the last owner cannot be demoted. */
export function updateMemberRole(workspaceId: string, userId: string, role: Role): Promise<Member> {
  return apiRequest(memberPath(workspaceId, userId), (body) => parseMember(body), {
    method: 'PATCH',
    json: { role },
  });
}

/** Removes a member; the last owner cannot be removed. */
export function removeMember(workspaceId: string, userId: string): Promise<void> {
  return apiRequest(memberPath(workspaceId, userId), noContent, { method: 'DELETE' });
}
