import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import {
  ACTION_STATUS_LABELS,
  fetchGorgiasActions,
  gorgiasKeys,
  type ActionStatus,
  type GorgiasAction,
} from '../../api/gorgias';
import { Badge, type BadgeTone } from '../../components/Badge';
import { QueryState } from '../../components/QueryState';
import { formatDateTime, isoOf } from '../../format';

/** How often the activity is read again while Deskmate is connected. */
export const ACTIVITY_REFRESH_MS = 10_000;

const STATUS_TONES: Record<ActionStatus, BadgeTone> = {
  pending: 'warning',
  done: 'ok',
  cancelled: 'neutral',
  failed: 'error',
};

/** What an action's detail says went wrong or was done, in one line, when it says so. */
function detailLine(detail: Record<string, unknown>): string {
  for (const key of ['error', 'reason', 'why']) {
    const value = detail[key];
    if (typeof value === 'string' && value !== '') {
      return value;
    }
  }
  return '';
}

function ActionRow({ action }: { action: GorgiasAction }) {
  const line = detailLine(action.detail);
  const hasDetail = Object.keys(action.detail).length > 0;
  return (
    <tr data-testid="gorgias-action">
      <td className="table__nowrap">
        <time dateTime={isoOf(action.created_at)}>{formatDateTime(action.created_at)}</time>
        {action.updated_at && action.updated_at !== action.created_at ? (
          <span className="table__sub">updated {formatDateTime(action.updated_at)}</span>
        ) : null}
      </td>
      <td className="table__nowrap">#{action.ticket_id}</td>
      <td>
        <code>{action.action}</code>
        {action.gorgias_message_id !== null ? <span className="table__sub">message {action.gorgias_message_id}</span> : null}
      </td>
      <td>
        <Badge tone={STATUS_TONES[action.status]}>{ACTION_STATUS_LABELS[action.status]}</Badge>
        {line ? <span className="table__sub">{line}</span> : null}
      </td>
      <td>
        <span className="mono gg-cause">{action.cause}</span>
      </td>
      <td className="table__nowrap">
        {action.run_id !== null ? (
          <Link to={`/conversations/${encodeURIComponent(String(action.run_id))}`}>Run #{action.run_id}</Link>
        ) : (
          <span className="muted">—</span>
        )}
        {hasDetail ? (
          <details className="gg-detail">
            <summary>Detail</summary>
            <pre className="gg-detail__json">{JSON.stringify(action.detail, null, 2)}</pre>
          </details>
        ) : null}
      </td>
    </tr>
  );
}

/** The last things Deskmate did, or is about to do, on the account's tickets. */
export function ActivityTable({ workspaceId, live }: { workspaceId: string; live: boolean }) {
  const query = useQuery({
    queryKey: gorgiasKeys.actions(workspaceId),
    queryFn: ({ signal }) => fetchGorgiasActions(workspaceId, signal),
    refetchInterval: live ? ACTIVITY_REFRESH_MS : false,
  });
  return (
    <section className="section" aria-labelledby="gg-activity-title">
      <div className="section__head">
        <div>
          <h2 className="section__title" id="gg-activity-title">
            Recent activity
          </h2>
          <p className="section__text">
            Replies, notes, tags, assignments and closings on Gorgias tickets, newest first. Each one is recorded before it
            is sent, so a retry never sends it twice.
          </p>
        </div>
      </div>
      <QueryState data={query.data} error={query.error} what="the activity">
        {(actions) =>
          actions.length === 0 ? (
            <p className="panel panel--empty">Nothing yet: Deskmate has not acted on a ticket.</p>
          ) : (
            <div className="table-wrap">
              <table className="table table--top">
                <caption className="visually-hidden">Recent activity</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Ticket</th>
                    <th scope="col">Action</th>
                    <th scope="col">Status</th>
                    <th scope="col">Cause</th>
                    <th scope="col">Run</th>
                  </tr>
                </thead>
                <tbody>
                  {actions.map((action) => (
                    <ActionRow key={action.id} action={action} />
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryState>
    </section>
  );
}
