import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  AGENT_CHANNELS,
  AGENT_CHANNEL_LABELS,
  DECISION_KINDS,
  DECISION_KIND_LABELS,
  HANDOVER_REASONS,
  NOTHING_REASONS,
  channelLabel,
  reasonLabel,
} from '../../api/agent';
import { automationKeys, fetchAutomations } from '../../api/automations';
import {
  NO_RUN_FILTERS,
  RUN_SOURCES,
  RUN_SOURCE_LABELS,
  fetchRuns,
  nextRunsCursor,
  runKeys,
  sourceLabel,
  type AgentRun,
  type RunFilters,
} from '../../api/runs';
import { Field, errorText } from '../../components/Form';
import { NoWorkspace } from '../../components/NoWorkspace';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime, isoOf } from '../../format';
import { useCurrentWorkspace } from '../../workspace';
import { DecisionBadge } from './DecisionView';
import './conversations.css';

export const CONVERSATIONS_DESCRIPTION =
  'Every decision Deskmate took on a ticket or a playground conversation, with the reasons, sources and trace behind it.';

const FILTER_KEYS = ['decision', 'reason', 'channel', 'source', 'automation_id'] as const;

/** The filters in the address (`?decision=handover&reason=requested`), so a run's page leads back to the same list. */
export function filtersFrom(params: URLSearchParams): RunFilters {
  const filters: RunFilters = { ...NO_RUN_FILTERS };
  for (const key of FILTER_KEYS) {
    filters[key] = params.get(key) ?? '';
  }
  return filters;
}

function FilterSelect({
  label,
  value,
  onChange,
  children,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: ReactNode;
}) {
  return (
    <Field label={label}>
      {(control) => (
        <select {...control} className="select" value={value} onChange={(event) => onChange(event.target.value)}>
          <option value="">Any</option>
          {children}
        </select>
      )}
    </Field>
  );
}

function Filters({
  workspaceId,
  filters,
  onChange,
}: {
  workspaceId: string;
  filters: RunFilters;
  onChange: (filters: RunFilters) => void;
}) {
  const automations = useQuery({
    queryKey: automationKeys.list(workspaceId),
    queryFn: ({ signal }) => fetchAutomations(workspaceId, signal),
  });
  const set = (key: keyof RunFilters) => (value: string) => onChange({ ...filters, [key]: value });
  const reasons =
    filters.decision === 'handover'
      ? { handover: HANDOVER_REASONS, nothing: [] }
      : filters.decision === 'nothing'
        ? { handover: [], nothing: NOTHING_REASONS }
        : { handover: HANDOVER_REASONS, nothing: NOTHING_REASONS };
  const active = FILTER_KEYS.some((key) => filters[key] !== '');
  return (
    <form className="cv-filters" aria-label="Filters" onSubmit={(event) => event.preventDefault()}>
      <FilterSelect label="Decision" value={filters.decision} onChange={set('decision')}>
        {DECISION_KINDS.map((kind) => (
          <option key={kind} value={kind}>
            {DECISION_KIND_LABELS[kind]}
          </option>
        ))}
      </FilterSelect>
      <FilterSelect label="Reason" value={filters.reason} onChange={set('reason')}>
        {reasons.handover.length > 0 ? (
          <optgroup label="Hand-over">
            {reasons.handover.map((reason) => (
              <option key={reason} value={reason}>
                {reasonLabel(reason)}
              </option>
            ))}
          </optgroup>
        ) : null}
        {reasons.nothing.length > 0 ? (
          <optgroup label="Nothing">
            {reasons.nothing.map((reason) => (
              <option key={reason} value={reason}>
                {reasonLabel(reason)}
              </option>
            ))}
          </optgroup>
        ) : null}
      </FilterSelect>
      <FilterSelect label="Channel" value={filters.channel} onChange={set('channel')}>
        {AGENT_CHANNELS.map((channel) => (
          <option key={channel} value={channel}>
            {AGENT_CHANNEL_LABELS[channel]}
          </option>
        ))}
      </FilterSelect>
      <FilterSelect label="Source" value={filters.source} onChange={set('source')}>
        {RUN_SOURCES.map((source) => (
          <option key={source} value={source}>
            {RUN_SOURCE_LABELS[source]}
          </option>
        ))}
      </FilterSelect>
      <FilterSelect label="Automation" value={filters.automation_id} onChange={set('automation_id')}>
        {(automations.data ?? []).map((automation) => (
          <option key={automation.id} value={automation.id}>
            {automation.name}
          </option>
        ))}
        {filters.automation_id !== '' && !(automations.data ?? []).some((a) => a.id === filters.automation_id) ? (
          <option value={filters.automation_id}>Automation {filters.automation_id}</option>
        ) : null}
      </FilterSelect>
      <div>
        <button type="button" className="button" disabled={!active} onClick={() => onChange({ ...NO_RUN_FILTERS })}>
          Clear filters
        </button>
      </div>
    </form>
  );
}

/** A reply on one line, for the list: paragraphs run together. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function RunsTable({ runs, search }: { runs: readonly AgentRun[]; search: string }) {
  return (
    <div className="table-wrap">
      <table className="table table--top">
        <caption className="visually-hidden">Runs</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Decision</th>
            <th scope="col">Channel</th>
            <th scope="col">Source</th>
            <th scope="col">Message to the customer</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <th scope="row" className="table__nowrap">
                <Link to={{ pathname: `/conversations/${encodeURIComponent(run.id)}`, search }}>Run #{run.id}</Link>
                <time className="table__sub cv-runs__time" dateTime={isoOf(run.created_at)}>
                  {formatDateTime(run.created_at)}
                </time>
              </th>
              <td>
                <DecisionBadge kind={run.decision} reason={run.reason} />
              </td>
              <td>
                {channelLabel(run.channel)}
                {run.ticket_id ? <span className="table__sub">ticket {run.ticket_id}</span> : null}
              </td>
              <td>
                {sourceLabel(run.source)}
                {run.replay_of ? <span className="table__sub">of run #{run.replay_of}</span> : null}
              </td>
              <td>
                {run.reply ? <span className="cv-runs__reply">{oneLine(run.reply)}</span> : <span className="muted">—</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Runs({ workspaceId }: { workspaceId: string }) {
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const search = params.toString() ? `?${params.toString()}` : '';
  const query = useInfiniteQuery({
    queryKey: runKeys.list(workspaceId, filters),
    queryFn: ({ pageParam, signal }) => fetchRuns(workspaceId, filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => nextRunsCursor(page),
  });
  const runs = query.data?.pages.flat() ?? [];
  const filtered = FILTER_KEYS.some((key) => filters[key] !== '');

  const onFilters = (next: RunFilters) => {
    const nextParams = new URLSearchParams();
    for (const key of FILTER_KEYS) {
      if (next[key] !== '') {
        nextParams.set(key, next[key]);
      }
    }
    setParams(nextParams, { replace: true });
  };

  return (
    <>
      <Filters workspaceId={workspaceId} filters={filters} onChange={onFilters} />
      {query.error ? (
        <div className="notice notice--danger" role="alert">
          Could not load the runs. {errorText(query.error)}
        </div>
      ) : null}
      {query.data === undefined ? (
        query.error ? null : (
          <p className="loading" role="status">
            Loading the runs…
          </p>
        )
      ) : runs.length === 0 ? (
        <section className="panel panel--empty" aria-label="No runs">
          <p className="panel__text">
            {filtered ? (
              'No run matches these filters.'
            ) : (
              <>
                Nothing yet. Each message in the <Link to="/playground">Playground</Link>, and each ticket Deskmate
                looks at, leaves a run here.
              </>
            )}
          </p>
        </section>
      ) : (
        <>
          <RunsTable runs={runs} search={search} />
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
    </>
  );
}

/** Runs of the current workspace, newest first, with filters; each leads to its trace. */
export function ConversationsPage() {
  const { current } = useCurrentWorkspace();
  if (current === null) {
    return <NoWorkspace title="Conversations" description={CONVERSATIONS_DESCRIPTION} />;
  }
  return (
    <div key={current.id}>
      <PageHeader title="Conversations" description={CONVERSATIONS_DESCRIPTION} />
      <Runs workspaceId={current.id} />
    </div>
  );
}
