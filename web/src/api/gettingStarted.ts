/** The steps from a new workspace to Deskmate on auto-pilot: `/api/workspaces/{id}/getting-started`. */
import { apiRequest } from './client';
import { bool, listOf, record, str, strOrEmpty } from './shape';
import { workspaceKeys, workspacePath } from './workspaces';

/** The steps the server reports, in the order they are done. */
export const STEP_KEYS = ['knowledge', 'automations', 'playground', 'gorgias', 'drafts', 'autopilot'] as const;
export type StepKey = (typeof STEP_KEYS)[number];

/** One step: whether it is done, and what the server found, such as "3 documents". */
export interface GettingStartedStep {
  /** One of {@link STEP_KEYS}; a step this app does not know yet is shown by its key. */
  key: string;
  done: boolean;
  detail: string;
}

export function parseGettingStarted(body: unknown): GettingStartedStep[] {
  const obj = record(body, 'getting started');
  const steps = obj.steps === null || obj.steps === undefined ? [] : obj.steps;
  return listOf(steps, 'getting started.steps', (value, what) => {
    const step = record(value, what);
    return { key: str(step, 'key', what), done: bool(step, 'done', what), detail: strOrEmpty(step, 'detail', what) };
  });
}

export function fetchGettingStarted(workspaceId: string, signal?: AbortSignal): Promise<GettingStartedStep[]> {
  return apiRequest(workspacePath(workspaceId, '/getting-started'), parseGettingStarted, signal ? { signal } : {});
}

/** TanStack Query keys of the checklist. */
export const gettingStartedKeys = {
  steps: (workspaceId: string) => [...workspaceKeys.all(workspaceId), 'getting-started'] as const,
};
