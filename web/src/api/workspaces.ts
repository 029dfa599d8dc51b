/** Workspaces: `/api/workspaces` and `/api/workspaces/{id}`. */
import type { QueryClient } from '@tanstack/react-query';
import { invalidate } from './cache';
import { apiRequest, noContent } from './client';
import { parseRole, type Role } from './auth';
import { id, listOf, record, str, strOrEmpty, strings } from './shape';

/** A workspace: one Gorgias account's tickets with the given tags, handled by one configuration. */
export interface Workspace {
  id: string;
  slug: string;
  name: string;
  /** Gorgias account subdomain (`acme` for acme.gorgias.com), or empty. */
  gorgias_domain: string;
  /** Tags of the tickets this workspace handles. */
  managed_tags: string[];
  /** The signed-in user's role in it. */
  role: Role;
  created_at: string;
  updated_at: string;
}

/** Fields of a new workspace. */
export interface NewWorkspace {
  name: string;
  slug: string;
  gorgias_domain: string;
  managed_tags: string[];
}

/** Fields that can be changed on a workspace. */
export type WorkspaceChanges = Partial<Pick<Workspace, 'name' | 'gorgias_domain' | 'managed_tags'>>;

/** Most tags a workspace can manage, and the longest tag. */
export const MAX_MANAGED_TAGS = 50;
export const MAX_TAG_LENGTH = 100;

/** Validates a `Workspace` body. */
export function parseWorkspace(value: unknown, what = 'workspace'): Workspace {
  const obj = record(value, what);
  return {
    id: id(obj, 'id', what),
    slug: str(obj, 'slug', what),
    name: str(obj, 'name', what),
    gorgias_domain: strOrEmpty(obj, 'gorgias_domain', what),
    managed_tags: strings(obj, 'managed_tags', what),
    role: parseRole(obj, 'role', what),
    created_at: strOrEmpty(obj, 'created_at', what),
    updated_at: strOrEmpty(obj, 'updated_at', what),
  };
}

/**
 * TanStack Query keys of workspaces. Everything cached for one workspace starts with
 * `all(id)`, which the other resource modules build their keys on.
 */
export const workspaceKeys = {
  /** The workspace list (`GET /api/workspaces`). */
  list: () => ['workspaces'] as const,
  all: (workspaceId: string) => ['workspace', workspaceId] as const,
  detail: (workspaceId: string) => [...workspaceKeys.all(workspaceId), 'detail'] as const,
};

/** After a workspace was created or changed: the workspace list. */
export function invalidateWorkspaces(queryClient: QueryClient): Promise<void> {
  return invalidate(queryClient, workspaceKeys.list());
}

/** Path of a workspace, or of something inside it when `rest` is given. */
export function workspacePath(workspaceId: string, rest = ''): string {
  return `/api/workspaces/${encodeURIComponent(workspaceId)}${rest}`;
}

/** The workspaces the user belongs to (every workspace for the instance owner). */
export function fetchWorkspaces(signal?: AbortSignal): Promise<Workspace[]> {
  return apiRequest('/api/workspaces', (body) => listOf(body, 'workspaces', parseWorkspace), signal ? { signal } : {});
}

/** One workspace. */
export function fetchWorkspace(workspaceId: string, signal?: AbortSignal): Promise<Workspace> {
  return apiRequest(workspacePath(workspaceId), (body) => parseWorkspace(body), signal ? { signal } : {});
}

/** Creates a workspace (instance owner only); its creator becomes its owner. */
export function createWorkspace(input: NewWorkspace): Promise<Workspace> {
  const json: Record<string, unknown> = { name: input.name, slug: input.slug };
  if (input.gorgias_domain !== '') {
    json.gorgias_domain = input.gorgias_domain;
  }
  if (input.managed_tags.length > 0) {
    json.managed_tags = input.managed_tags;
  }
  return apiRequest('/api/workspaces', (body) => parseWorkspace(body), { method: 'POST', json });
}

/** Changes a workspace's name, Gorgias domain or managed tags (admin). */
export function updateWorkspace(workspaceId: string, changes: WorkspaceChanges): Promise<Workspace> {
  return apiRequest(workspacePath(workspaceId), (body) => parseWorkspace(body), { method: 'PATCH', json: changes });
}

/** Deletes a workspace (owner). */
export function deleteWorkspace(workspaceId: string): Promise<void> {
  return apiRequest(workspacePath(workspaceId), noContent, { method: 'DELETE' });
}

/**
 * A slug derived from a name: lower case letters, digits and dashes, at most 63 characters,
 * for example `acme-support` for "Acme Support".
 */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}
