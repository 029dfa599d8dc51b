/** What each workspace role may do in the admin. The server enforces the same rules. */
import { ROLES, type Role } from './api/auth';

const RANK: Record<Role, number> = { owner: 4, admin: 3, editor: 2, viewer: 1 };

/** Names shown for the roles. */
export const ROLE_LABELS: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  editor: 'Editor',
  viewer: 'Viewer',
};

/** One sentence per role, for role pickers. */
export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  owner: 'Everything, including deleting the workspace and managing owners.',
  admin: 'Settings, members, invitations, API tokens and the audit log.',
  editor: 'Knowledge, automations, instructions and tags.',
  viewer: 'Can look at everything, change nothing.',
};

/** Whether `role` is `minimum` or stronger. */
export function atLeast(role: Role | null | undefined, minimum: Role): boolean {
  return role !== null && role !== undefined && RANK[role] >= RANK[minimum];
}

/** May change knowledge, automations, instructions and tags: editors and above. Viewers only look. */
export function canEdit(role: Role | null | undefined): boolean {
  return atLeast(role, 'editor');
}

/** May edit the workspace, its Gorgias connection and model, members, invitations and tokens, and read the audit log. */
export function canAdminister(role: Role | null | undefined): boolean {
  return atLeast(role, 'admin');
}

/**
 * Roles that someone with `actor` may give to a member or invitation: owners may grant any
 * role, admins any role but owner.
 */
export function grantableRoles(actor: Role | null | undefined): Role[] {
  if (actor === 'owner') {
    return [...ROLES];
  }
  if (actor === 'admin') {
    return ROLES.filter((role) => role !== 'owner');
  }
  return [];
}

/** Roles an API token created by `actor` may have: at most the actor's own. */
export function tokenRoles(actor: Role | null | undefined): Role[] {
  if (actor === null || actor === undefined) {
    return [];
  }
  return ROLES.filter((role) => RANK[role] <= RANK[actor]);
}

/** Whether `actor` may change the role of, or remove, a member who has `target`. */
export function canManageMember(actor: Role | null | undefined, target: Role): boolean {
  if (actor === 'owner') {
    return true;
  }
  return actor === 'admin' && target !== 'owner';
}
