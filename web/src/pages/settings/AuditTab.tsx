import { useInfiniteQuery } from '@tanstack/react-query';
import { auditKeys, fetchAuditPage, type AuditActor, type AuditEntry } from '../../api/audit';
import { isRecord } from '../../api/client';
import { Badge } from '../../components/Badge';
import { errorText } from '../../components/Form';
import { formatDateTime, isoOf } from '../../format';
import { useCurrentWorkspace } from '../../workspace';

const ACTION_LABELS: Record<string, string> = {
  'workspace.create': 'Created the workspace',
  'workspace.update': 'Changed the workspace',
  'workspace.delete': 'Deleted the workspace',
  'gorgias.update': 'Changed the Gorgias connection',
  'model_settings.update': 'Changed the model settings',
  'agent_settings.update': 'Changed the agent settings',
  'conversation.return': 'Returned a conversation to Deskmate',
  'member.add': 'Added a member',
  'member.update': 'Changed a member’s role',
  'member.remove': 'Removed a member',
  'invitation.create': 'Invited someone',
  'invitation.accept': 'Accepted an invitation',
  'invitation.revoke': 'Revoked an invitation',
  'token.create': 'Created an API token',
  'token.revoke': 'Revoked an API token',
};

/** A readable name for an audit action, such as "Changed the model settings" for `model_settings.update`. */
export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action;
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) {
    return '(none)';
  }
  if (typeof value === 'string') {
    return value === '' ? '(empty)' : value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? '(none)' : value.map(formatValue).join(', ');
  }
  return JSON.stringify(value);
}

const ACRONYMS: Record<string, string> = { api: 'API', url: 'URL', id: 'ID' };

/** "API key" for `api_key`, "Base URL" for `base_url`. */
function fieldLabel(key: string): string {
  const words = key.split('_').map((word) => ACRONYMS[word] ?? word);
  const spaced = words.join(' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/**
 * The lines of a change summary: `{"name": ["Old", "New"], "api_key": "changed"}` reads
 * "Name: Old → New" and "API key: changed".
 */
export function summaryLines(summary: unknown): string[] {
  if (summary === null || summary === undefined || summary === '') {
    return [];
  }
  if (!isRecord(summary)) {
    return [formatValue(summary)];
  }
  return Object.entries(summary).map(([key, value]) => {
    if (Array.isArray(value) && value.length === 2) {
      return `${fieldLabel(key)}: ${formatValue(value[0])} → ${formatValue(value[1])}`;
    }
    return `${fieldLabel(key)}: ${formatValue(value)}`;
  });
}

function Actor({ actor }: { actor: AuditActor }) {
  const label = actor.label || (actor.kind === 'system' ? 'Deskmate' : actor.id || 'Unknown');
  return (
    <>
      {label}
      {actor.kind === 'token' ? (
        <>
          {' '}
          <Badge tone="neutral">API token</Badge>
        </>
      ) : null}
      {actor.kind === 'system' && actor.label ? (
        <>
          {' '}
          <Badge tone="neutral">System</Badge>
        </>
      ) : null}
    </>
  );
}

function Row({ entry }: { entry: AuditEntry }) {
  const lines = summaryLines(entry.summary);
  return (
    <tr>
      <td className="table__nowrap">
        <time dateTime={isoOf(entry.at)}>{formatDateTime(entry.at)}</time>
      </td>
      <td>
        <Actor actor={entry.actor} />
      </td>
      <td>
        {actionLabel(entry.action)}
        <span className="table__sub mono">{entry.action}</span>
      </td>
      <td>{entry.target || <span className="muted">—</span>}</td>
      <td>
        {lines.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          <ul className="summary-list">
            {lines.map((line, index) => (
              <li key={index}>{line}</li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}

/** The workspace's audit log, newest first, loaded 50 entries at a time. */
export function AuditTab() {
  const { current } = useCurrentWorkspace();
  const id = current?.id ?? '';
  const query = useInfiniteQuery({
    queryKey: auditKeys.list(id),
    queryFn: ({ pageParam, signal }) => fetchAuditPage(id, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_before,
    enabled: id !== '',
  });

  const entries = query.data?.pages.flatMap((page) => page.entries) ?? [];
  const failure = query.error ? errorText(query.error) : null;

  return (
    <section className="section" aria-labelledby="audit-title">
      <div className="section__head">
        <div>
          <h2 className="section__title" id="audit-title">
            Audit log
          </h2>
          <p className="section__text">Who changed what in this workspace. Secret values are never recorded.</p>
        </div>
      </div>
      {failure ? (
        <div className="notice notice--danger" role="alert">
          Could not load the audit log. {failure}
        </div>
      ) : null}
      {query.data === undefined ? (
        query.error ? null : (
          <p className="loading" role="status">
            Loading the audit log…
          </p>
        )
      ) : entries.length === 0 ? (
        <p className="muted">Nothing recorded yet.</p>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table table--top">
              <caption className="visually-hidden">Audit log</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Changes</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <Row key={entry.id} entry={entry} />
                ))}
              </tbody>
            </table>
          </div>
          {query.hasNextPage ? (
            <div className="load-more">
              <button
                type="button"
                className="button"
                disabled={query.isFetchingNextPage}
                onClick={() => void query.fetchNextPage()}
              >
                {query.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
