/**
 * The signed-in session, shared by the whole app.
 *
 * On load the app asks whether the installation still needs its first user (`GET /api/setup`)
 * and, when it does not, who is signed in (`GET /api/auth/me`). Signing in, out, or losing the
 * session (any unexpected 401) updates this state; the route guards in App.tsx follow it.
 */
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { authKeys, fetchSession, fetchSetupNeeded, invalidateSession, type Session } from './api/auth';
import { onUnauthorized, setCsrfToken } from './api/client';

/** What the app knows about who is using it. */
export interface SessionState {
  /** True while the installation has no user yet: only the setup page is open. */
  setupNeeded: boolean;
  /** The signed-in session, or null. */
  session: Session | null;
  /** True when the session ended on its own (expired, signed out elsewhere) rather than by signing out. */
  ended: boolean;
}

async function loadSessionState(signal: AbortSignal): Promise<SessionState> {
  const setupNeeded = await fetchSetupNeeded(signal);
  if (setupNeeded) {
    setCsrfToken(null);
    return { setupNeeded: true, session: null, ended: false };
  }
  return { setupNeeded: false, session: await fetchSession(signal), ended: false };
}

/** Forgets everything cached for the previous user, keeping only the session state. */
function dropUserData(queryClient: QueryClient): void {
  const [kept] = authKeys.session();
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== kept });
}

interface SessionContextValue {
  state: SessionState;
  /** Makes `session` the current one, after setup, login or accepting an invitation. */
  signIn: (session: Session) => void;
  /** Forgets the session locally, after signing out. */
  signOut: (options?: { ended?: boolean }) => void;
  /** Reads the session again from the server, for example after joining a workspace. */
  refresh: () => Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

interface SessionLoadingProps {
  /** Shown once the session state is known. */
  children: ReactNode;
  /** Shown while loading or when it failed. */
  fallback: (state: { error: Error | null; retry: () => void }) => ReactNode;
}

/** Loads the session state and provides it to `children`. */
export function SessionProvider({ children, fallback }: SessionLoadingProps) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: authKeys.session(),
    queryFn: ({ signal }) => loadSessionState(signal),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });

  const signIn = useCallback(
    (session: Session) => {
      setCsrfToken(session.csrf_token);
      dropUserData(queryClient);
      queryClient.setQueryData<SessionState>(authKeys.session(), { setupNeeded: false, session, ended: false });
    },
    [queryClient],
  );

  const signOut = useCallback(
    (options?: { ended?: boolean }) => {
      setCsrfToken(null);
      queryClient.setQueryData<SessionState>(authKeys.session(), {
        setupNeeded: false,
        session: null,
        ended: options?.ended ?? false,
      });
      dropUserData(queryClient);
    },
    [queryClient],
  );

  const refresh = useCallback(() => invalidateSession(queryClient), [queryClient]);

  // A 401 from any call means the session is gone: back to the login page.
  useEffect(
    () =>
      onUnauthorized(() => {
        const current = queryClient.getQueryData<SessionState>(authKeys.session());
        if (current?.session) {
          signOut({ ended: true });
        }
      }),
    [queryClient, signOut],
  );

  const state = query.data;
  const value = useMemo(() => (state ? { state, signIn, signOut, refresh } : null), [state, signIn, signOut, refresh]);

  if (!value) {
    return <>{fallback({ error: query.error, retry: () => void query.refetch() })}</>;
  }
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

function useSessionContext(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) {
    throw new Error('Deskmate: useSession needs a SessionProvider around it.');
  }
  return value;
}

/** The session state and the functions that change it. */
export function useSessionState(): SessionContextValue {
  return useSessionContext();
}

/** The signed-in session. Only for pages behind the sign-in guard. */
export function useSession(): Session {
  const { session } = useSessionContext().state;
  if (!session) {
    throw new Error('Deskmate: useSession is only for signed-in pages.');
  }
  return session;
}
