/** Typed access to the Deskmate readiness endpoint, `GET /readyz`. */
import { ShapeError, apiRequest, isRecord } from './client';

/** Path of the readiness endpoint. */
export const READYZ_PATH = '/readyz';

/** TanStack Query keys of the server's status. */
export const statusKeys = {
  readiness: () => ['readyz'] as const,
};

/** Overall readiness: `ready` with HTTP 200, `unavailable` with HTTP 503. */
export type ReadinessStatus = 'ready' | 'unavailable';

/** Outcome of a single check. */
export type CheckStatus = 'ok' | 'error';

/** Fields every check reports. */
export interface CheckResult {
  status: CheckStatus;
  /** Why the check failed; present when `status` is `error`. */
  error?: string;
  /** How long the check took, in milliseconds. */
  latency_ms?: number;
}

/** The database check. */
export interface DatabaseCheck extends CheckResult {
  /** `postgres`. */
  driver?: string;
  /** The PostgreSQL server's version, such as `16.14`. */
  server_version?: string;
  /** Whether the database runs embedded inside Deskmate. */
  embedded?: boolean;
}

/** The River job queue check. */
export interface RiverCheck extends CheckResult {
  /** `poll` when workers poll for jobs, `listen` when they use PostgreSQL LISTEN/NOTIFY. */
  mode?: string;
  /**
   * When a background worker last worked a job (RFC 3339), from the heartbeat job that runs
   * every 30 seconds. Absent when no job was worked yet, the check failed, or the server is older.
   */
  last_heartbeat_at?: string;
}

/** All checks, by name. Known checks are typed; any others are reported generically. */
export interface ReadinessChecks {
  database?: DatabaseCheck;
  river?: RiverCheck;
  [name: string]: CheckResult | undefined;
}

/** Identity of this Deskmate installation, created on first start and never changed. */
export interface Instance {
  /** A UUID. */
  id: string;
  /** When the installation was created (RFC 3339). */
  created_at: string;
}

/** Body of `GET /readyz`. */
export interface Readiness {
  status: ReadinessStatus;
  version: string;
  /** Absent on older servers and when the installation's identity could not be read. */
  instance?: Instance;
  checks: ReadinessChecks;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Milliseconds since the epoch of an RFC 3339 timestamp such as `2026-11-22T02:52:03.275241762Z`,
 * or undefined if `value` is not one. Fractions finer than a millisecond are dropped, because not
 * every browser's `Date.parse` accepts them.
 */
export function parseTimestamp(value: string): number | undefined {
  const match = RFC3339.exec(value);
  if (!match) {
    return undefined;
  }
  const [, dateTime = '', fraction = '', zone = ''] = match;
  const millis = fraction === '' ? '' : `.${fraction.slice(0, 3).padEnd(3, '0')}`;
  const ms = Date.parse(`${dateTime.toUpperCase()}${millis}${zone.toUpperCase()}`);
  return Number.isFinite(ms) ? ms : undefined;
}

function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && parseTimestamp(value) !== undefined;
}

function fail(detail: string): never {
  throw new ShapeError(detail);
}

function parseCheck(name: string, value: unknown): CheckResult & DatabaseCheck & RiverCheck {
  if (!isRecord(value)) {
    fail(`check "${name}" is not an object`);
  }
  const {
    status,
    error,
    latency_ms: latency,
    driver,
    server_version: serverVersion,
    embedded,
    mode,
    last_heartbeat_at: heartbeat,
  } = value;
  if (status !== 'ok' && status !== 'error') {
    fail(`check "${name}" has status ${JSON.stringify(status)}, expected "ok" or "error"`);
  }
  const check: CheckResult & DatabaseCheck & RiverCheck = { status };
  if (typeof error === 'string') {
    check.error = error;
  }
  if (typeof latency === 'number' && Number.isFinite(latency)) {
    check.latency_ms = latency;
  }
  if (typeof driver === 'string') {
    check.driver = driver;
  }
  if (typeof serverVersion === 'string') {
    check.server_version = serverVersion;
  }
  if (typeof embedded === 'boolean') {
    check.embedded = embedded;
  }
  if (typeof mode === 'string') {
    check.mode = mode;
  }
  if (isTimestamp(heartbeat)) {
    check.last_heartbeat_at = heartbeat;
  }
  return check;
}

/** The installation's identity, or undefined when `value` is absent or not a valid identity. */
function parseInstance(value: unknown): Instance | undefined {
  if (!isRecord(value)) {
    return undefined;
  }
  const { id, created_at: createdAt } = value;
  if (typeof id !== 'string' || id === '' || !isTimestamp(createdAt)) {
    return undefined;
  }
  return { id, created_at: createdAt };
}

/**
 * Validates a `/readyz` body. Optional fields that are missing or malformed are left out rather
 * than failing the whole answer, so the page still shows what the server did report.
 */
export function parseReadiness(body: unknown): Readiness {
  if (!isRecord(body)) {
    fail('the body is not a JSON object');
  }
  const { status, version, instance, checks } = body;
  if (status !== 'ready' && status !== 'unavailable') {
    fail(`status is ${JSON.stringify(status)}, expected "ready" or "unavailable"`);
  }
  if (typeof version !== 'string') {
    fail('version is missing');
  }
  if (!isRecord(checks)) {
    fail('checks is missing');
  }
  const parsed: ReadinessChecks = {};
  for (const [name, value] of Object.entries(checks)) {
    parsed[name] = parseCheck(name, value);
  }
  const readiness: Readiness = { status, version, checks: parsed };
  const identity = parseInstance(instance);
  if (identity) {
    readiness.instance = identity;
  }
  return readiness;
}

/** Fetches the server's readiness. A 503 answer is a valid result with status `unavailable`. */
export function fetchReadiness(signal?: AbortSignal): Promise<Readiness> {
  return apiRequest(READYZ_PATH, parseReadiness, signal ? { acceptStatuses: [503], signal } : { acceptStatuses: [503] });
}
