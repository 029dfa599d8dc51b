import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { channelLabel } from '../../api/agent';
import { ApiError } from '../../api/client';
import { fetchRun, replayRun, runKeys, sourceLabel, storeReplay, type AgentRunDetail, type RunInput } from '../../api/runs';
import { errorText } from '../../components/Form';
import { NoWorkspace } from '../../components/NoWorkspace';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { formatDateTime } from '../../format';
import { canEdit } from '../../roles';
import { useCurrentWorkspace } from '../../workspace';
import { CONVERSATIONS_DESCRIPTION } from './ConversationsPage';
import { DecisionBadge, DecisionDetails } from './DecisionView';
import { ReplayComparison, decisionOf } from './ReplayComparison';
import { TraceDisclosure, milliseconds, usd } from './TraceView';
import './conversations.css';

const ROLE_LABELS: Record<string, string> = { customer: 'Customer', agent: 'Team member', bot: 'Deskmate' };

const ROLE_CLASSES: Record<string, string> = {
  customer: 'cv-message cv-message--customer',
  agent: 'cv-message cv-message--agent',
};

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="facts__row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Conversation({ input }: { input: RunInput }) {
  return (
    <section className="panel" aria-labelledby="run-conversation-title">
      <h2 className="panel__title" id="run-conversation-title">
        Conversation
      </h2>
      <p className="panel__text">
        {input.subject ? (
          <>
            Subject: <strong>{input.subject}</strong> ·{' '}
          </>
        ) : null}
        {input.customer.name || input.customer.email ? (
          <>
            Customer {[input.customer.name, input.customer.email].filter((part) => part !== '').join(', ')} ·{' '}
          </>
        ) : null}
        {input.customer.orders === 1 ? '1 order' : `${input.customer.orders} orders`}
        {input.open === null ? null : input.open ? ' · team at work' : ' · team away'}
        {input.tags.length > 0 ? ` · tags ${input.tags.join(', ')}` : null}
      </p>
      {input.instructions.length > 0 ? (
        <p className="panel__text">Instructions for this conversation: {input.instructions.join(' · ')}</p>
      ) : null}
      <ol className="cv-messages" aria-label="Messages">
        {input.messages.map((message, index) => (
          <li key={index} className={ROLE_CLASSES[message.role] ?? 'cv-message'}>
            <span className="cv-message__role">{ROLE_LABELS[message.role] ?? message.role}</span>
            <p className="cv-reply">{message.text}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}

function RunView({ workspaceId, run, editable }: { workspaceId: string; run: AgentRunDetail; editable: boolean }) {
  const queryClient = useQueryClient();
  const location = useLocation();
  const replay = useMutation({
    mutationFn: () => replayRun(workspaceId, run.id),
    onSuccess: (result) => {
      void storeReplay(queryClient, workspaceId, result);
    },
  });
  const decision = decisionOf(run);
  const back = { pathname: '/conversations', search: location.search };
  return (
    <>
      <PageHeader
        title={`Run #${run.id}`}
        description={
          <>
            <Link to={back}>Conversations</Link> · {formatDateTime(run.created_at)} · {sourceLabel(run.source)} on{' '}
            {channelLabel(run.channel)}
          </>
        }
        actions={
          editable ? (
            <button
              type="button"
              className="button button--primary"
              disabled={replay.isPending}
              onClick={() => replay.mutate()}
            >
              {replay.isPending ? 'Running…' : 'Re-run with current configuration'}
            </button>
          ) : null
        }
      />
      <div className="cv-run">
        {replay.error ? (
          <div className="notice notice--danger" role="alert">
            The re-run failed. {errorText(replay.error)}
          </div>
        ) : null}
        {replay.data ? (
          <section className="section" aria-labelledby="run-replay-title">
            <h2 className="section__title" id="run-replay-title">
              Re-run with the current configuration
            </h2>
            <ReplayComparison replay={replay.data} />
          </section>
        ) : null}
        <section className="panel cv-run__facts" aria-labelledby="run-decision-title">
          <h2 className="panel__title" id="run-decision-title">
            Decision
          </h2>
          <div className="cv-run__badge">
            <DecisionBadge kind={decision.kind} reason={decision.reason} />
          </div>
          {decision.reply ? <p className="cv-reply">{decision.reply}</p> : null}
          <DecisionDetails decision={decision} />
          <dl className="facts">
            {run.ticket_id ? <Fact label="Ticket">{run.ticket_id}</Fact> : null}
            {run.input?.key ? (
              <Fact label="Conversation">
                <span className="mono">{run.input.key}</span>
              </Fact>
            ) : null}
            {run.replay_of ? (
              <Fact label="Re-run of">
                <Link to={`/conversations/${encodeURIComponent(run.replay_of)}`}>run #{run.replay_of}</Link>
              </Fact>
            ) : null}
            <Fact label="Configuration">
              <span className="mono">{run.config_version || '—'}</span>
            </Fact>
            <Fact label="Reply language">{run.language || '—'}</Fact>
            <Fact label="Model">
              {run.model ? (
                <>
                  {run.model} · {run.tokens_in} tokens in, {run.tokens_out} out
                  {run.cost_usd > 0 ? ` · ${usd(run.cost_usd)}` : ''}
                </>
              ) : (
                <span className="muted">None: answered without a chat model</span>
              )}
            </Fact>
            <Fact label="Time taken">{milliseconds(run.duration_ms)}</Fact>
          </dl>
        </section>
        {run.trace ? (
          <TraceDisclosure trace={run.trace} open />
        ) : (
          <p className="muted">This run has no trace.</p>
        )}
        {run.input ? <Conversation input={run.input} /> : null}
      </div>
    </>
  );
}

function RunLoader({ workspaceId, runId, editable }: { workspaceId: string; runId: string; editable: boolean }) {
  const query = useQuery({
    queryKey: runKeys.detail(workspaceId, runId),
    queryFn: ({ signal }) => fetchRun(workspaceId, runId, signal),
  });
  if (query.error instanceof ApiError && query.error.status === 404) {
    return (
      <>
        <PageHeader title="Run not found" />
        <section className="panel panel--empty" aria-label="Not found">
          <p className="panel__text">
            This run does not exist in the current workspace. <Link to="/conversations">Back to Conversations</Link>.
          </p>
        </section>
      </>
    );
  }
  return (
    <QueryState data={query.data} error={query.error} what="the run">
      {(run) => <RunView workspaceId={workspaceId} run={run} editable={editable} />}
    </QueryState>
  );
}

/** `/conversations/:runId`: one run, its conversation and trace, and a re-run with today's configuration. */
export function RunPage() {
  const { runId = '' } = useParams();
  const { current, role } = useCurrentWorkspace();
  if (current === null) {
    return <NoWorkspace title="Conversations" description={CONVERSATIONS_DESCRIPTION} />;
  }
  return <RunLoader key={`${current.id}/${runId}`} workspaceId={current.id} runId={runId} editable={canEdit(role)} />;
}
