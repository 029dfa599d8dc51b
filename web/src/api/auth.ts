/** Setup and sessions: `/api/setup` and `/api/auth/*`. */
import type { QueryClient } from '@tanstack/react-query';
import { invalidate } from './cache';
import { ApiError, apiRequest, noContent, setCsrfToken } from './client';
import { fail, id, listOf, oneOf, record, str } from './shape';

/** TanStack Query keys of setup and sessions. */
export const authKeys = {
  /** Whether setup is needed and who is signed in, read together on load (see session.tsx). */
  session: () => ['session'] as const,
};

/** Reads the session again, for example after the user's name or workspaces changed. */
export function invalidateSession(queryClient: QueryClient): Promise<void> {
  return invalidate(queryClient, authKeys.session());
}

/** Roles in a workspace, strongest first. */
export const ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;

/** A role in a workspace. */
export type Role = (typeof ROLES)[number];

/** A user's role in the installation: the first user is its `owner`. */
export type InstanceRole = 'owner' | 'member';

/** A signed-in person. */
export interface User {
  id: string;
  email: string;
  name: string;
  instance_role: InstanceRole;
}

/** A workspace the user belongs to, with their role in it. */
export interface WorkspaceRef {
  id: string;
  slug: string;
  name: string;
  role: Role;
}

/** Answer of setup, login, `GET /api/auth/me` and accepting an invitation. */
export interface Session {
  user: User;
  csrf_token: string;
  workspaces: WorkspaceRef[];
}

/** Reads a role field. */
export function parseRole(obj: Record<string, unknown>, key: string, what: string): Role {
  return oneOf(obj, key, ROLES, what);
}

function parseUser(value: unknown, what: string): User {
  const obj = record(value, what);
  return {
    id: id(obj, 'id', what),
    email: str(obj, 'email', what),
    name: str(obj, 'name', what),
    instance_role: oneOf(obj, 'instance_role', ['owner', 'member'] as const, what),
  };
}

function parseWorkspaceRef(value: unknown, what: string): WorkspaceRef {
  const obj = record(value, what);
  return {
    id: id(obj, 'id', what),
    slug: str(obj, 'slug', what),
    name: str(obj, 'name', what),
    role: parseRole(obj, 'role', what),
  };
}

/** Validates a `Session` body. */
export function parseSession(body: unknown): Session {
  const obj = record(body, 'the session');
  const csrf = str(obj, 'csrf_token', 'session');
  if (csrf === '') {
    fail('session.csrf_token is empty');
  }
  return {
    user: parseUser(obj.user, 'session.user'),
    csrf_token: csrf,
    workspaces: obj.workspaces === null ? [] : listOf(obj.workspaces, 'session.workspaces', parseWorkspaceRef),
  };
}

/** Keeps the session's CSRF token for the requests that follow, and returns the session. */
export function adoptSession(session: Session): Session {
  setCsrfToken(session.csrf_token);
  return session;
}

/** Whether the installation still needs its first user (`GET /api/setup`). */
export function fetchSetupNeeded(signal?: AbortSignal): Promise<boolean> {
  return apiRequest(
    '/api/setup',
    (body) => {
      const obj = record(body, 'the setup answer');
      if (typeof obj.needed !== 'boolean') {
        fail('needed is not true or false');
      }
      return obj.needed;
    },
    signal ? { signal } : {},
  );
}

/** Creates the first user, the instance owner, and signs them in. */
export async function setupOwner(input: { name: string; email: string; password: string }): Promise<Session> {
  return adoptSession(
    await apiRequest('/api/setup', parseSession, {
      method: 'POST',
      json: { email: input.email, name: input.name, password: input.password },
      ownUnauthorized: true,
    }),
  );
}

/** Signs in with email and password. A wrong pair is a 401 `invalid_credentials`; too many, a 429. */
export async function login(input: { email: string; password: string }): Promise<Session> {
  return adoptSession(
    await apiRequest('/api/auth/login', parseSession, {
      method: 'POST',
      json: { email: input.email, password: input.password },
      ownUnauthorized: true,
    }),
  );
}

/**
 * The current session, or null when not signed in. Other failures are thrown.
 */
export async function fetchSession(signal?: AbortSignal): Promise<Session | null> {
  try {
    return adoptSession(
      await apiRequest('/api/auth/me', parseSession, signal ? { signal, ownUnauthorized: true } : { ownUnauthorized: true }),
    );
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw err;
  }
}

/** Ends this session. */
export async function logout(): Promise<void> {
  await apiRequest('/api/auth/logout', noContent, { method: 'POST', ownUnauthorized: true });
  setCsrfToken(null);
}

/** Ends every session of the user, on every device. */
export async function logoutEverywhere(): Promise<void> {
  await apiRequest('/api/auth/logout-all', noContent, { method: 'POST', ownUnauthorized: true });
  setCsrfToken(null);
}

/**
 * Changes the user's password; the server ends their other sessions. A wrong current password
 * is reported as an error rather than a lost session.
 */
export function changePassword(input: { current_password: string; new_password: string }): Promise<void> {
  return apiRequest('/api/auth/password', noContent, {
    method: 'PUT',
    json: input,
    ownUnauthorized: ['invalid_credentials'],
  });
}

/** Limits the server applies to passwords. */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;
