/** Workspace instructions for the agent: `/api/workspaces/{id}/instructions…`. */
import type { QueryClient } from '@tanstack/react-query';
import { invalidate } from './cache';
import { apiRequest, noContent } from './client';
import { bool, id, listOf, num, record, str, strOrEmpty } from './shape';
import { workspaceKeys, workspacePath } from './workspaces';

/** TanStack Query keys of instructions. */
export const instructionKeys = {
  list: (workspaceId: string) => [...workspaceKeys.all(workspaceId), 'instructions'] as const,
  revisions: (workspaceId: string, instructionId: string) =>
    [...workspaceKeys.all(workspaceId), 'instructions', instructionId, 'revisions'] as const,
};

/** After instructions were added, removed, switched on or off, or reordered: the list. */
export function invalidateInstructions(queryClient: QueryClient, workspaceId: string): Promise<void> {
  return invalidate(queryClient, instructionKeys.list(workspaceId));
}

/** After one instruction was saved or restored: the list and that instruction's revisions. */
export function invalidateInstruction(queryClient: QueryClient, workspaceId: string, instructionId: string): Promise<void> {
  return invalidate(queryClient, instructionKeys.list(workspaceId), instructionKeys.revisions(workspaceId, instructionId));
}

export const MAX_INSTRUCTION_TITLE = 100;
export const MAX_INSTRUCTION_TEXT = 2000;

export interface Instruction {
  id: string;
  title: string;
  text: string;
  enabled: boolean;
  position: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface InstructionInput {
  title: string;
  text: string;
  enabled: boolean;
}

/** One saved state of an instruction. */
export interface InstructionRevision {
  version: number;
  title: string;
  text: string;
  enabled: boolean;
  saved_by: string;
  saved_at: string;
}

export function parseInstruction(value: unknown, what = 'instruction'): Instruction {
  const obj = record(value, what);
  return {
    id: id(obj, 'id', what),
    title: str(obj, 'title', what),
    text: str(obj, 'text', what),
    enabled: bool(obj, 'enabled', what),
    position: num(obj, 'position', what),
    version: num(obj, 'version', what),
    created_at: strOrEmpty(obj, 'created_at', what),
    updated_at: strOrEmpty(obj, 'updated_at', what),
  };
}

function parseRevision(value: unknown, what: string): InstructionRevision {
  const obj = record(value, what);
  return {
    version: num(obj, 'version', what),
    title: str(obj, 'title', what),
    text: str(obj, 'text', what),
    enabled: bool(obj, 'enabled', what),
    saved_by: strOrEmpty(obj, 'saved_by', what),
    saved_at: strOrEmpty(obj, 'saved_at', what),
  };
}

function path(workspaceId: string, rest = ''): string {
  return workspacePath(workspaceId, `/instructions${rest}`);
}

const parseList = (body: unknown) => listOf(body, 'instructions', parseInstruction);

export function fetchInstructions(workspaceId: string, signal?: AbortSignal): Promise<Instruction[]> {
  return apiRequest(path(workspaceId), parseList, signal ? { signal } : {});
}

export function createInstruction(workspaceId: string, input: InstructionInput): Promise<Instruction> {
  return apiRequest(path(workspaceId), (body) => parseInstruction(body), { method: 'POST', json: input });
}

export function updateInstruction(
  workspaceId: string,
  instructionId: string,
  changes: Partial<InstructionInput>,
): Promise<Instruction> {
  return apiRequest(path(workspaceId, `/${encodeURIComponent(instructionId)}`), (body) => parseInstruction(body), {
    method: 'PATCH',
    json: changes,
  });
}

export function deleteInstruction(workspaceId: string, instructionId: string): Promise<void> {
  return apiRequest(path(workspaceId, `/${encodeURIComponent(instructionId)}`), noContent, { method: 'DELETE' });
}

/** Puts the instructions in the order of `ids` (every instruction once). */
export function reorderInstructions(workspaceId: string, ids: readonly string[]): Promise<Instruction[]> {
  // The server's ids are numbers; send them as such.
  const json = { ids: ids.map((value) => (/^\d+$/.test(value) ? Number(value) : value)) };
  return apiRequest(path(workspaceId, '/order'), parseList, { method: 'PUT', json });
}

export function fetchInstructionRevisions(
  workspaceId: string,
  instructionId: string,
  signal?: AbortSignal,
): Promise<InstructionRevision[]> {
  return apiRequest(
    path(workspaceId, `/${encodeURIComponent(instructionId)}/revisions`),
    (body) => listOf(body, 'revisions', parseRevision),
    signal ? { signal } : {},
  );
}
