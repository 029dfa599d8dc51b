/** Members of a workspace: `/api/workspaces/{id}/members`. */
import { apiRequest, noContent } from './client';
import { parseRole, type Role } from './auth';
import { id, listOf, record, str, strOrEmpty } from './shape';
import { workspacePath } from './workspaces';

/** A person in a workspace. */
export interface Member {
  user_id: string;
  email: string;
  name: string;
  role: Role;
}

/** A member to add: a new user (with a password) or an existing one by email (without). */
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

/** Adds a member. An empty password adds an existing user by email. */
export function addMember(workspaceId: string, input: NewMember): Promise<Member> {
  const json: Record<string, string> = { email: input.email, name: input.name, role: input.role };
  if (input.password !== '') {
    json.password = input.password;
  }
  return apiRequest(workspacePath(workspaceId, '/members'), (body) => parseMember(body), { method: 'POST', json });
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
