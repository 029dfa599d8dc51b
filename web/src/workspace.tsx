/**
 * The current workspace. Pages that work on one workspace (Settings, and later Knowledge,
 * Automations…) use the workspace chosen in the header's switcher. The choice is remembered in
 * localStorage, so routes stay the same for every workspace.
 *
 * A link may name the workspace it is about with `?workspace=<id>`, such as the trace links in
 * Gorgias' sidebar: that workspace becomes the current one when the user has it, and the
 * parameter is dropped from the address.
 */
import { useQuery } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import type { Role, WorkspaceRef } from './api/auth';
import { fetchWorkspaces, workspaceKeys } from './api/workspaces';
import { useSession } from './session';

/** localStorage key of the chosen workspace's id. */
export const WORKSPACE_STORAGE_KEY = 'deskmate.workspace';

/** Query parameter that names the workspace a link is about. */
export const WORKSPACE_PARAM = 'workspace';

function readStored(): string | null {
  try {
    return window.localStorage.getItem(WORKSPACE_STORAGE_KEY);
  } catch {
    return null;
  }
}

function writeStored(id: string): void {
  try {
    window.localStorage.setItem(WORKSPACE_STORAGE_KEY, id);
  } catch {
    // Storage unavailable (private mode): the choice lasts until the page is reloaded.
  }
}

/** Remembers `id` as the workspace to open next time, without a provider (after accepting an invitation). */
export function rememberWorkspace(id: string): void {
  writeStored(id);
}

interface CurrentWorkspaceValue {
  /** The workspaces the user can switch between. */
  workspaces: WorkspaceRef[];
  /** The current workspace, or null when the user has none. */
  current: WorkspaceRef | null;
  /** The user's role in the current workspace; the instance owner acts as owner everywhere. */
  role: Role | null;
  /** Whether the user is the instance owner, who may create workspaces. */
  isInstanceOwner: boolean;
  /** Switches to the workspace with this id. */
  select: (id: string) => void;
}

const CurrentWorkspaceContext = createContext<CurrentWorkspaceValue | null>(null);

/** Provides the current workspace to signed-in pages. */
export function WorkspaceProvider({ children }: { children: ReactNode }) {
  const session = useSession();
  const isInstanceOwner = session.user.instance_role === 'owner';
  const [chosen, setChosen] = useState<string | null>(readStored);

  // The instance owner may work in every workspace, also those they are not a member of.
  const all = useQuery({
    queryKey: workspaceKeys.list(),
    queryFn: ({ signal }) => fetchWorkspaces(signal),
    enabled: isInstanceOwner,
  });

  const workspaces = useMemo(() => {
    const list = [...session.workspaces];
    if (isInstanceOwner && all.data) {
      for (const workspace of all.data) {
        if (!list.some((ref) => ref.id === workspace.id)) {
          list.push({ id: workspace.id, slug: workspace.slug, name: workspace.name, role: workspace.role });
        }
      }
    }
    return list;
  }, [session.workspaces, isInstanceOwner, all.data]);

  const select = useCallback((id: string) => {
    writeStored(id);
    setChosen(id);
  }, []);

  // A workspace named in the address wins over the remembered one, once the list that may hold it is in.
  const [searchParams, setSearchParams] = useSearchParams();
  const linked = searchParams.get(WORKSPACE_PARAM);
  const listComplete = !isInstanceOwner || !all.isPending;
  const linkedFound = linked !== null && workspaces.some((ref) => ref.id === linked);
  useEffect(() => {
    if (linked === null || !(linkedFound || listComplete)) {
      return;
    }
    if (linkedFound) {
      select(linked);
    }
    setSearchParams(
      (params) => {
        const next = new URLSearchParams(params);
        next.delete(WORKSPACE_PARAM);
        return next;
      },
      { replace: true },
    );
  }, [linked, linkedFound, listComplete, select, setSearchParams]);

  const wanted = linkedFound ? linked : chosen;
  const value = useMemo<CurrentWorkspaceValue>(() => {
    const current = workspaces.find((ref) => ref.id === wanted) ?? workspaces[0] ?? null;
    const role: Role | null = current === null ? null : isInstanceOwner ? 'owner' : current.role;
    return { workspaces, current, role, isInstanceOwner, select };
  }, [workspaces, wanted, isInstanceOwner, select]);

  if (linked !== null && !linkedFound && !listComplete) {
    // Pages would load another workspace's data first.
    return (
      <div className="boot" role="status">
        Loading Deskmate…
      </div>
    );
  }
  return <CurrentWorkspaceContext.Provider value={value}>{children}</CurrentWorkspaceContext.Provider>;
}

/** The current workspace and the user's role in it. */
export function useCurrentWorkspace(): CurrentWorkspaceValue {
  const value = useContext(CurrentWorkspaceContext);
  if (!value) {
    throw new Error('Deskmate: useCurrentWorkspace needs a WorkspaceProvider around it.');
  }
  return value;
}
