import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError, NETWORK_ERROR } from '../api/client';
import {
  fetchReadiness,
  type CheckResult,
  type DatabaseCheck,
  type Instance,
  type Readiness,
  type RiverCheck,
  parseTimestamp,
  statusKeys,
} from '../api/status';
import { Badge } from '../components/Badge';
import { PageHeader } from '../components/PageHeader';

/** How often the Status page asks the server again, in milliseconds. */
export const STATUS_REFRESH_MS = 5_000;

/** A heartbeat older than this means no worker has picked up a job lately (it runs every 30 s). */
export const HEARTBEAT_STALE_MS = 2 * 60_000;

const KNOWN_CHECKS = new Set(['database', 'river']);

function formatLatency(ms: number | undefined): string {
  if (ms === undefined) {
    return '—';
  }
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

function formatTime(timestamp: number): string {
  return new Date(timestamp).toLocaleTimeString();
}

function formatDate(timestamp: number): string {
  return new Date(timestamp).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** How long ago something happened, given its age in milliseconds: "12 s ago", "3 min ago". */
export function formatAge(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  if (seconds < 1) {
    return 'just now';
  }
  if (seconds < 60) {
    return `${seconds} s ago`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min ago`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    return `${hours} h ago`;
  }
  return `${Math.floor(hours / 24)} d ago`;
}

function databaseEngine(check: DatabaseCheck): string {
  const version = check.server_version ? ` ${check.server_version}` : '';
  switch (check.driver) {
    case 'postgres':
      return check.embedded ? `Embedded PostgreSQL${version}` : `PostgreSQL${version}`;
    case undefined:
      return check.embedded ? 'Embedded' : 'Unknown';
    default:
      return check.embedded ? `Embedded (${check.driver})` : check.driver;
  }
}

function riverMode(check: RiverCheck): ReactNode {
  switch (check.mode) {
    case 'poll':
      return (
        <>
          Poll <span className="muted">— workers check the queue for new jobs at an interval</span>
        </>
      );
    case 'listen':
      return (
        <>
          Listen <span className="muted">— workers are notified of new jobs through LISTEN/NOTIFY</span>
        </>
      );
    case undefined:
      return 'Unknown';
    default:
      return check.mode;
  }
}

interface Heartbeat {
  /** When the heartbeat job last ran, in milliseconds since the epoch. */
  at: number;
  /** How old it was when the server was checked, in milliseconds (never negative). */
  age: number;
}

/** The river check's last heartbeat relative to the time of the check, if it reported one. */
function heartbeatOf(check: RiverCheck, checkedAt: number): Heartbeat | undefined {
  const at = check.last_heartbeat_at === undefined ? undefined : parseTimestamp(check.last_heartbeat_at);
  return at === undefined ? undefined : { at, age: Math.max(0, checkedAt - at) };
}

function lastJobWorked(check: RiverCheck, heartbeat: Heartbeat | undefined): ReactNode {
  if (heartbeat) {
    return (
      <time dateTime={new Date(heartbeat.at).toISOString()} title={new Date(heartbeat.at).toLocaleString()}>
        {formatAge(heartbeat.age)}
      </time>
    );
  }
  // A failing check does not report the heartbeat, so nothing is known about it.
  return check.status === 'error' ? <span className="muted">Unknown</span> : 'No job worked yet';
}

function staleHeartbeatWarning(heartbeat: Heartbeat | undefined): string | undefined {
  if (!heartbeat || heartbeat.age <= HEARTBEAT_STALE_MS) {
    return undefined;
  }
  return `No job worked for ${Math.floor(heartbeat.age / 60_000)} min: are workers running?`;
}

function describeError(error: Error): { title: string; detail: string } {
  if (error instanceof ApiError) {
    if (error.code === NETWORK_ERROR) {
      const reason = error.cause instanceof Error ? ` (${error.cause.message})` : '';
      return {
        title: 'Could not reach the Deskmate server',
        detail: `The request for its status failed${reason}. Check that Deskmate is running and reachable.`,
      };
    }
    return { title: `The status check failed (HTTP ${error.status})`, detail: error.message };
  }
  return { title: 'The status check failed', detail: error.message };
}

interface CheckCardProps {
  id: string;
  title: string;
  subtitle?: string;
  check: CheckResult | undefined;
  /** Something to look into even though the check passed. */
  warning?: string | undefined;
  children?: ReactNode;
}

function CheckCard({ id, title, subtitle, check, warning, children }: CheckCardProps) {
  const titleId = `check-${id}-title`;
  return (
    <section className="card check" aria-labelledby={titleId} data-check={id}>
      <div className="check__head">
        <div>
          <h2 className="check__title" id={titleId}>
            {title}
          </h2>
          {subtitle ? <p className="check__subtitle">{subtitle}</p> : null}
        </div>
        {check === undefined ? (
          <Badge tone="neutral">Not reported</Badge>
        ) : check.status === 'ok' ? (
          <Badge tone="ok">Ready</Badge>
        ) : (
          <Badge tone="error">Unavailable</Badge>
        )}
      </div>
      {check === undefined ? (
        <p className="check__note">The server did not report this check.</p>
      ) : (
        <>
          <dl className="facts">
            {children}
            <div className="facts__row">
              <dt>Latency</dt>
              <dd>{formatLatency(check.latency_ms)}</dd>
            </div>
          </dl>
          {check.status === 'error' ? (
            <p className="check__error">
              <span className="check__error-label">Error:</span> {check.error ?? 'No details given.'}
            </p>
          ) : null}
          {warning ? <p className="check__warning">{warning}</p> : null}
        </>
      )}
    </section>
  );
}

function InstanceFact({ instance }: { instance: Instance }) {
  const createdAt = parseTimestamp(instance.created_at);
  return (
    <div>
      <dt>Instance</dt>
      <dd>
        <span className="mono" title={instance.id}>
          {instance.id.slice(0, 8)}
        </span>
        {createdAt === undefined ? null : (
          <>
            {' '}
            <span className="summary__since">
              since{' '}
              <time dateTime={instance.created_at} title={new Date(createdAt).toLocaleString()}>
                {formatDate(createdAt)}
              </time>
            </span>
          </>
        )}
      </dd>
    </div>
  );
}

function Summary({ readiness, checkedAt }: { readiness: Readiness; checkedAt: number }) {
  const ready = readiness.status === 'ready';
  return (
    <section className={`card summary summary--${ready ? 'ok' : 'error'}`} aria-labelledby="status-summary-title">
      <div className="summary__main">
        <h2 className="summary__title" id="status-summary-title">
          {ready ? 'Deskmate is ready' : 'Deskmate is not ready'}
        </h2>
        <p className="summary__text">
          {ready ? 'All checks passed.' : 'One or more checks failed. Deskmate cannot handle tickets until they pass.'}
        </p>
      </div>
      <dl className="summary__facts">
        <div>
          <dt>State</dt>
          <dd>{ready ? <Badge tone="ok">Ready</Badge> : <Badge tone="error">Unavailable</Badge>}</dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd className="mono">{readiness.version}</dd>
        </div>
        {readiness.instance ? <InstanceFact instance={readiness.instance} /> : null}
        <div>
          <dt>Last checked</dt>
          <dd>
            <time dateTime={new Date(checkedAt).toISOString()}>{formatTime(checkedAt)}</time>
          </dd>
        </div>
      </dl>
    </section>
  );
}

function Checks({ readiness, checkedAt }: { readiness: Readiness; checkedAt: number }) {
  const { database, river } = readiness.checks;
  const heartbeat = river ? heartbeatOf(river, checkedAt) : undefined;
  const others = Object.entries(readiness.checks).filter(([name]) => !KNOWN_CHECKS.has(name));
  return (
    <div className="checks">
      <CheckCard id="database" title="Database" subtitle="Where Deskmate keeps its data" check={database}>
        {database ? (
          <div className="facts__row">
            <dt>Engine</dt>
            <dd>{databaseEngine(database)}</dd>
          </div>
        ) : null}
      </CheckCard>
      <CheckCard
        id="river"
        title="Job queue"
        subtitle="River runs background work"
        check={river}
        warning={staleHeartbeatWarning(heartbeat)}
      >
        {river ? (
          <>
            <div className="facts__row">
              <dt>Mode</dt>
              <dd>{riverMode(river)}</dd>
            </div>
            <div className="facts__row">
              <dt>Last job worked</dt>
              <dd>{lastJobWorked(river, heartbeat)}</dd>
            </div>
          </>
        ) : null}
      </CheckCard>
      {others.map(([name, check]) => (
        <CheckCard key={name} id={name} title={name} check={check} />
      ))}
    </div>
  );
}

/** Shows the server's readiness from `GET /readyz`, refreshed every few seconds. */
export function StatusPage() {
  const query = useQuery({
    queryKey: statusKeys.readiness(),
    queryFn: ({ signal }) => fetchReadiness(signal),
    refetchInterval: STATUS_REFRESH_MS,
    retry: false,
    staleTime: 0,
  });

  const refreshButton = (
    <button type="button" className="button" onClick={() => void query.refetch()} disabled={query.isFetching}>
      {query.isFetching ? 'Checking…' : 'Check now'}
    </button>
  );

  let body: ReactNode;
  if (query.data) {
    body = (
      <>
        {query.error ? (
          <div className="notice notice--warning" role="alert">
            <strong>{describeError(query.error).title}.</strong> {describeError(query.error).detail} Showing the result
            from {formatTime(query.dataUpdatedAt)}.
          </div>
        ) : null}
        <Summary readiness={query.data} checkedAt={query.dataUpdatedAt} />
        <Checks readiness={query.data} checkedAt={query.dataUpdatedAt} />
      </>
    );
  } else if (query.error) {
    const { title, detail } = describeError(query.error);
    body = (
      <section className="card notice notice--error" role="alert" aria-labelledby="status-error-title">
        <h2 className="notice__title" id="status-error-title">
          {title}
        </h2>
        <p>{detail}</p>
        <p className="muted">Deskmate will try again in a few seconds.</p>
      </section>
    );
  } else {
    body = (
      <p className="loading" role="status">
        Checking Deskmate…
      </p>
    );
  }

  return (
    <>
      <PageHeader
        title="Status"
        description="Health of this Deskmate server: its database, job queue and version. Refreshed every 5 seconds."
        actions={refreshButton}
      />
      {body}
    </>
  );
}
