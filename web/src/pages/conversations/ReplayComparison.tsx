/** A run beside the re-run of its conversation with the current configuration, and what changed. */
import { Link } from 'react-router';
import { DECISION_KIND_LABELS, type AgentDecision } from '../../api/agent';
import type { AgentRunDetail, Replay } from '../../api/runs';
import { Badge } from '../../components/Badge';
import { formatDateTime } from '../../format';
import { percent } from '../automations/shared';
import { DecisionBadge, DecisionDetails } from './DecisionView';
import { TraceDisclosure, chunkTitle, firedSignals, score, usd } from './TraceView';

/** One aspect of the two runs, as each one reads, and whether they differ. */
export interface Difference {
  aspect: string;
  original: string;
  replay: string;
  changed: boolean;
}

const NONE = 'None';

/** A reply on one line, cut after 160 characters. */
function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

function list(items: readonly string[]): string {
  return items.length === 0 ? NONE : items.join(', ');
}

/** The decision of a run: from its trace, or from the run's own fields for a run without one. */
export function decisionOf(run: AgentRunDetail): AgentDecision {
  return (
    run.trace?.decision ?? {
      kind: run.decision,
      reason: run.reason,
      reply: run.reply,
      language: run.language,
      citations: [],
      tags: [],
      post_action: '',
      review: false,
      automation_id: run.automation_id,
      confidence: 0,
      explanation: '',
    }
  );
}

/** Each aspect: its name, how it reads, and (when that is shortened) what is compared. */
function aspects(run: AgentRunDetail): [string, string, string?][] {
  const decision = decisionOf(run);
  const trace = run.trace;
  const automation = trace?.automation ?? null;
  const retrieval = trace?.retrieval ?? null;
  return [
    ['Decision', `${DECISION_KIND_LABELS[decision.kind]}${decision.reason ? ` (${decision.reason})` : ''}`],
    ['Message to the customer', shorten(decision.reply) || NONE, decision.reply],
    ['Configuration', run.config_version || '—'],
    ['Reply language', run.language || '—'],
    ['Signals fired', list(trace ? firedSignals(trace.signals) : [])],
    [
      'Automation match',
      automation === null
        ? 'Not checked'
        : automation.name
          ? `${automation.name} (${percent(automation.confidence)})`
          : `${automation.decision || NONE}`,
    ],
    [
      'Retrieval confidence',
      retrieval === null ? 'Not searched' : `${score(retrieval.confidence)} (threshold ${score(retrieval.threshold)})`,
    ],
    ['Chunk used', list((trace?.chunks ?? []).filter((chunk) => chunk.used).map(chunkTitle))],
    ['Sources', list(decision.citations.map((citation) => citation.title || `document ${citation.document_id}`))],
    ['Tags', list(decision.tags)],
    ['A person should check', decision.review ? 'Yes' : 'No'],
    [
      'Model',
      run.model
        ? `${run.model} · ${run.tokens_in} + ${run.tokens_out} tokens${run.cost_usd > 0 ? ` · ${usd(run.cost_usd)}` : ''}`
        : NONE,
    ],
  ];
}

/** The aspects of two runs side by side, marking those that differ. */
export function compareRuns(original: AgentRunDetail, replay: AgentRunDetail): Difference[] {
  const after = aspects(replay);
  return aspects(original).map(([aspect, before, beforeFull = before], index) => {
    const [, now = '', nowFull = now] = after[index] ?? [];
    return { aspect, original: before, replay: now, changed: beforeFull !== nowFull };
  });
}

function Side({ run, title }: { run: AgentRunDetail; title: string }) {
  const decision = decisionOf(run);
  return (
    <section className="cv-compare__side panel" aria-label={title}>
      <h3 className="cv-compare__title">
        {title}: <Link to={`/conversations/${encodeURIComponent(run.id)}`}>run #{run.id}</Link>
      </h3>
      <p className="muted">
        {formatDateTime(run.created_at)} · configuration <span className="mono">{run.config_version || '—'}</span>
      </p>
      <DecisionBadge kind={decision.kind} reason={decision.reason} />
      {decision.reply ? <p className="cv-reply">{decision.reply}</p> : null}
      <DecisionDetails decision={decision} />
      {run.trace ? <TraceDisclosure trace={run.trace} /> : null}
    </section>
  );
}

/** The original run and its re-run side by side, with a table of what changed. */
export function ReplayComparison({ replay }: { replay: Replay }) {
  const differences = compareRuns(replay.original, replay.replay);
  const changed = differences.filter((difference) => difference.changed);
  const sameConfig = replay.original.config_version === replay.replay.config_version;
  const count = changed.length === 1 ? '1 difference' : `${changed.length} differences`;
  const what = changed.map((difference) => difference.aspect.toLowerCase()).join(', ');
  return (
    <div className="cv-replay">
      <p className="cv-diff__summary" role="status">
        {changed.length === 0
          ? 'The re-run decided exactly as before.'
          : `${count}: ${what}.`}{' '}
        {sameConfig ? (
          <Badge tone="neutral">Same configuration</Badge>
        ) : (
          <Badge tone="warning">Configuration changed since</Badge>
        )}
      </p>
      <div className="cv-compare">
        <Side run={replay.original} title="Original" />
        <Side run={replay.replay} title="Re-run" />
      </div>
      <div className="table-wrap cv-diff-wrap">
        <table className="table table--top cv-table cv-diff">
          <caption className="visually-hidden">Differences</caption>
          <thead>
            <tr>
              <th scope="col">Aspect</th>
              <th scope="col">Original</th>
              <th scope="col">Re-run</th>
              <th scope="col">Changed</th>
            </tr>
          </thead>
          <tbody>
            {differences.map((difference) => (
              <tr key={difference.aspect} className={difference.changed ? 'cv-diff__changed' : undefined}>
                <th scope="row">{difference.aspect}</th>
                <td className="cv-diff__value">{difference.original}</td>
                <td className="cv-diff__value">{difference.replay}</td>
                <td>{difference.changed ? <Badge tone="warning">Changed</Badge> : <span className="muted">Same</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
