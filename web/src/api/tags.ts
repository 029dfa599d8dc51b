/** Tag configuration of a workspace: excluded, system and smart tags (`/api/workspaces/{id}/tags…`). */
import type { QueryClient } from '@tanstack/react-query';
import type { PostAction } from './automations';
import { invalidate } from './cache';
import { apiRequest, noContent } from './client';
import { id, listOf, oneOf, record, str, strOrEmpty, strings } from './shape';
import { workspaceKeys, workspacePath } from './workspaces';

/** TanStack Query keys of tags: the whole configuration is one query. */
export const tagKeys = {
  config: (workspaceId: string) => [...workspaceKeys.all(workspaceId), 'tags'] as const,
};

/** After a smart tag was added, changed or deleted: the tag configuration. */
export function invalidateTags(queryClient: QueryClient, workspaceId: string): Promise<void> {
  return invalidate(queryClient, tagKeys.config(workspaceId));
}

/** The post-actions of a smart tag: those of automations, listed in the order they escalate. */
export const SMART_TAG_POST_ACTIONS = ['none', 'suspend', 'handover', 'close'] as const satisfies readonly PostAction[];
export type SmartTagPostAction = PostAction;

export const MAX_EXCLUDED_TAGS = 100;
export const MAX_SMART_DESCRIPTION = 1000;
export const MAX_SMART_INSTRUCTIONS = 2000;

/** A tag Deskmate itself puts on tickets, such as `ai-handled`; its name can be changed. */
export interface SystemTag {
  key: string;
  name: string;
  default: string;
  /** When Deskmate applies the tag. */
  meaning: string;
}

/** A tag the agent applies when a ticket fits its description. */
export interface SmartTag {
  id: string;
  name: string;
  description: string;
  instructions: string;
  post_action: SmartTagPostAction;
  created_at: string;
  updated_at: string;
}

export type SmartTagInput = Pick<SmartTag, 'name' | 'description' | 'instructions' | 'post_action'>;

export interface TagConfig {
  managed: string[];
  excluded: string[];
  system: SystemTag[];
  smart: SmartTag[];
}

export function parseSmartTag(value: unknown, what = 'smart tag'): SmartTag {
  const obj = record(value, what);
  return {
    id: id(obj, 'id', what),
    name: str(obj, 'name', what),
    description: strOrEmpty(obj, 'description', what),
    instructions: strOrEmpty(obj, 'instructions', what),
    post_action:
      obj.post_action === undefined || obj.post_action === '' ? 'none' : oneOf(obj, 'post_action', SMART_TAG_POST_ACTIONS, what),
    created_at: strOrEmpty(obj, 'created_at', what),
    updated_at: strOrEmpty(obj, 'updated_at', what),
  };
}

export function parseTagConfig(body: unknown): TagConfig {
  const obj = record(body, 'tags');
  const system = obj.system === null || obj.system === undefined ? [] : obj.system;
  const smart = obj.smart === null || obj.smart === undefined ? [] : obj.smart;
  return {
    managed: strings(obj, 'managed', 'tags'),
    excluded: strings(obj, 'excluded', 'tags'),
    system: listOf(system, 'tags.system', (value, what) => {
      const row = record(value, what);
      return {
        key: str(row, 'key', what),
        name: str(row, 'name', what),
        default: strOrEmpty(row, 'default', what),
        meaning: strOrEmpty(row, 'meaning', what),
      };
    }),
    smart: listOf(smart, 'tags.smart', parseSmartTag),
  };
}

function path(workspaceId: string, rest = ''): string {
  return workspacePath(workspaceId, `/tags${rest}`);
}

export function fetchTagConfig(workspaceId: string, signal?: AbortSignal): Promise<TagConfig> {
  return apiRequest(path(workspaceId), parseTagConfig, signal ? { signal } : {});
}

export function saveExcludedTags(workspaceId: string, tags: readonly string[]): Promise<TagConfig> {
  return apiRequest(path(workspaceId, '/excluded'), parseTagConfig, { method: 'PUT', json: { tags } });
}

export function saveSystemTagNames(workspaceId: string, names: Record<string, string>): Promise<TagConfig> {
  return apiRequest(path(workspaceId, '/system'), parseTagConfig, { method: 'PUT', json: { names } });
}

export function createSmartTag(workspaceId: string, input: SmartTagInput): Promise<SmartTag> {
  return apiRequest(path(workspaceId, '/smart'), (body) => parseSmartTag(body), { method: 'POST', json: input });
}

export function updateSmartTag(workspaceId: string, smartTagId: string, input: Partial<SmartTagInput>): Promise<SmartTag> {
  return apiRequest(path(workspaceId, `/smart/${encodeURIComponent(smartTagId)}`), (body) => parseSmartTag(body), {
    method: 'PATCH',
    json: input,
  });
}

export function deleteSmartTag(workspaceId: string, smartTagId: string): Promise<void> {
  return apiRequest(path(workspaceId, `/smart/${encodeURIComponent(smartTagId)}`), noContent, { method: 'DELETE' });
}
