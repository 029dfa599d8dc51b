/**
 * The trace of a run: what each step of the agent saw and decided. Shown in the playground under
 * each answer and on a run's page.
 */
import { useId, type ReactNode } from 'react';
import { channelLabel, type ChunkTrace, type Signal, type Trace } from '../../api/agent';
import { Badge } from '../../components/Badge';
import { percent } from '../automations/shared';

/** 0.94 → "0.940": scores and thresholds, as the server rounds them. */
export function score(value: number): string {
  return value.toFixed(3);
}

/** 3.24 → "3.24 ms", 1234.5 → "1235 ms". */
export function milliseconds(value: number): string {
  return `${value < 10 ? value.toFixed(2) : Math.round(value)} ms`;
}

/** 0.00123 → "$0.0012". */
export function usd(value: number): string {
  return `$${value < 1 ? value.toFixed(4) : value.toFixed(2)}`;
}

const SIGNAL_LABELS: Record<string, string> = {
  requested: 'Asks for a person',
  frustration: 'Frustration',
  sensitive: 'Sensitive topic',
  bot_replies: 'Replies so far',
  repeated_question: 'Repeated question',
};

const AUTOMATION_DECISIONS: Record<string, string> = {
  auto_answer: 'Answers',
  answer: 'Answers',
  suggest: 'Suggests (a person checks)',
  no_match: 'No match',
  no_model: 'No model trained',
  error: 'Failed',
};

/** The title of a chunk: its heading path, or its document's title. */
export function chunkTitle(chunk: Pick<ChunkTrace, 'title' | 'title_path' | 'chunk_id'>): string {
  return chunk.title_path || chunk.title || `Chunk ${chunk.chunk_id}`;
}

/** The names of the signals that fired, in order. */
export function firedSignals(signals: readonly Signal[]): string[] {
  return signals.filter((signal) => signal.fired).map((signal) => signal.name);
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="cv-trace__section" aria-labelledby={id}>
      <h3 className="cv-trace__title" id={id}>
        {title}
      </h3>
      {children}
    </section>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="facts__row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Features({ features, label }: { features: Record<string, number>; label: string }) {
  const names = Object.keys(features).sort();
  if (names.length === 0) {
    return null;
  }
  return (
    <details className="cv-features">
      <summary>{label}</summary>
      <dl className="cv-features__list">
        {names.map((name) => (
          <div key={name} className="cv-features__item">
            <dt className="mono">{name}</dt>
            <dd>{score(features[name] ?? 0)}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

function Signals({ signals }: { signals: readonly Signal[] }) {
  if (signals.length === 0) {
    return <p className="muted">Not checked: the run stopped before the hand-over signals.</p>;
  }
  return (
    <div className="table-wrap">
      <table className="table cv-table">
        <caption className="visually-hidden">Hand-over signals</caption>
        <thead>
          <tr>
            <th scope="col">Signal</th>
            <th scope="col" className="cv-num">
              Score
            </th>
            <th scope="col" className="cv-num">
              Threshold
            </th>
            <th scope="col">Fired</th>
            <th scope="col">Evidence</th>
          </tr>
        </thead>
        <tbody>
          {signals.map((signal) => (
            <tr key={signal.name} className={signal.fired ? 'cv-row--hit' : undefined}>
              <th scope="row">
                {SIGNAL_LABELS[signal.name] ?? signal.name}
                <span className="table__sub mono">{signal.name}</span>
              </th>
              <td className="cv-num">{score(signal.score)}</td>
              <td className="cv-num">{score(signal.threshold)}</td>
              <td>{signal.fired ? <Badge tone="warning">Fired</Badge> : <span className="muted">No</span>}</td>
              <td>{signal.evidence || <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Automation({ trace }: { trace: Trace }) {
  const automation = trace.automation;
  if (!automation) {
    return <p className="muted">Not checked.</p>;
  }
  return (
    <dl className="facts cv-facts">
      <Fact label="Outcome">{AUTOMATION_DECISIONS[automation.decision] ?? automation.decision}</Fact>
      <Fact label="Best match">
        {automation.name ? <strong>{automation.name}</strong> : <span className="muted">None</span>}
        {automation.decision !== 'no_model' && automation.decision !== 'error' ? (
          <> · confidence {percent(automation.confidence)}</>
        ) : null}
      </Fact>
      <Fact label="Runner-up">
        {automation.runner_up ? (
          <>
            {automation.runner_up} · confidence {percent(automation.runner_up_confidence)}
          </>
        ) : (
          <span className="muted">None</span>
        )}
      </Fact>
      {automation.model_version > 0 ? <Fact label="Model">version {automation.model_version}</Fact> : null}
      {automation.note ? <Fact label="Note">{automation.note}</Fact> : null}
    </dl>
  );
}

function Chunks({ chunks }: { chunks: readonly ChunkTrace[] }) {
  if (chunks.length === 0) {
    return <p className="muted">No knowledge chunk was found.</p>;
  }
  return (
    <div className="table-wrap">
      <table className="table cv-table">
        <caption className="visually-hidden">Knowledge chunks</caption>
        <thead>
          <tr>
            <th scope="col">Chunk</th>
            <th scope="col" className="cv-num">
              Score
            </th>
            <th scope="col" className="cv-num">
              Meaning
            </th>
            <th scope="col" className="cv-num">
              Words
            </th>
            <th scope="col" className="cv-num">
              Rerank
            </th>
            <th scope="col">Used</th>
          </tr>
        </thead>
        <tbody>
          {chunks.map((chunk) => (
            <tr key={chunk.chunk_id} className={chunk.used ? 'cv-row--used' : undefined}>
              <th scope="row">
                {chunkTitle(chunk)}
                <span className="table__sub">
                  chunk {chunk.chunk_id} · document {chunk.document_id}
                </span>
                <Features features={chunk.features} label="Reranker features" />
              </th>
              <td className="cv-num">{score(chunk.score)}</td>
              <td className="cv-num">{score(chunk.vector_score)}</td>
              <td className="cv-num">{score(chunk.text_score)}</td>
              <td className="cv-num">{chunk.rerank === null ? <span className="muted">—</span> : score(chunk.rerank)}</td>
              <td>{chunk.used ? <Badge tone="ok">Used</Badge> : <span className="muted">No</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Knowledge({ trace }: { trace: Trace }) {
  const retrieval = trace.retrieval;
  return (
    <>
      {retrieval ? (
        <div className="cv-retrieval" role="group" aria-label="Retrieval confidence">
          <span>
            Retrieval confidence <strong>{score(retrieval.confidence)}</strong>, threshold {score(retrieval.threshold)}
          </span>
          {retrieval.confidence >= retrieval.threshold ? (
            <Badge tone="ok">Enough to answer</Badge>
          ) : (
            <Badge tone="warning">Below the threshold</Badge>
          )}
          <Features features={retrieval.features} label="Confidence features" />
        </div>
      ) : null}
      <Chunks chunks={trace.chunks} />
    </>
  );
}

function Generation({ trace }: { trace: Trace }) {
  const generation = trace.generation;
  if (!generation) {
    return null;
  }
  const called = generation.model !== '' || generation.provider !== '';
  return (
    <Section title="Model">
      {generation.error ? (
        <p className="notice notice--danger cv-notice" role="note">
          {generation.error}
        </p>
      ) : null}
      {called ? (
        <>
          <dl className="facts cv-facts">
            <Fact label="Model">
              {generation.model || <span className="muted">Unknown</span>}
              {generation.provider ? <span className="muted"> · {generation.provider}</span> : null}
            </Fact>
            <Fact label="Tokens">
              {generation.tokens_in} in · {generation.tokens_out} out
            </Fact>
            <Fact label="Cost">
              {generation.cost_usd > 0 ? usd(generation.cost_usd) : <span className="muted">Not priced</span>}
            </Fact>
            <Fact label="Time">{milliseconds(generation.latency_ms)}</Fact>
            <Fact label="Attempts">
              {generation.attempts}
              {generation.repaired ? ' · answer repaired' : ''}
              {generation.truncated > 0 ? ` · ${generation.truncated} oldest messages left out` : ''}
            </Fact>
          </dl>
          {generation.system ? (
            <details className="cv-features">
              <summary>System prompt</summary>
              <pre className="cv-pre">{generation.system}</pre>
            </details>
          ) : null}
          {generation.prompt ? (
            <details className="cv-features">
              <summary>Messages sent</summary>
              <pre className="cv-pre">{generation.prompt}</pre>
            </details>
          ) : null}
          {generation.response ? (
            <details className="cv-features">
              <summary>Model response</summary>
              <pre className="cv-pre">{generation.response}</pre>
            </details>
          ) : null}
        </>
      ) : null}
    </Section>
  );
}

/** Everything a trace holds, in the order of the pipeline's steps. */
export function TraceView({ trace }: { trace: Trace }) {
  const settings = Object.entries(trace.settings);
  const total = trace.steps.reduce((sum, step) => sum + step.duration_ms, 0);
  return (
    <div className="cv-trace">
      <dl className="facts cv-facts">
        {trace.decision.explanation ? <Fact label="Why">{trace.decision.explanation}</Fact> : null}
        <Fact label="Conversation">
          {trace.input.messages === 1 ? '1 message' : `${trace.input.messages} messages`} on{' '}
          {channelLabel(trace.input.channel)}
          {trace.input.ticket_id ? ` · ticket ${trace.input.ticket_id}` : ''}
          {' · '}
          {trace.input.has_email ? 'email known' : 'no email'}
          {' · '}
          {trace.input.orders === 1 ? '1 order' : `${trace.input.orders} orders`}
        </Fact>
        <Fact label="Language">
          {trace.language.detected ? (
            <>
              {trace.language.detected} detected ({percent(trace.language.confidence)})
            </>
          ) : (
            <span className="muted">not detected</span>
          )}
          {trace.language.reply ? <> · replies in {trace.language.reply}</> : null}
          {trace.language.knowledge ? <> · knowledge in {trace.language.knowledge}</> : null}
        </Fact>
        <Fact label="Configuration">
          <span className="mono">{trace.config_version || '—'}</span>
        </Fact>
        {trace.instructions.length > 0 ? <Fact label="Instructions">{trace.instructions.join(' · ')}</Fact> : null}
        {settings.length > 0 ? (
          <Fact label="Settings">{settings.map(([key, value]) => `${key}: ${value}`).join(' · ')}</Fact>
        ) : null}
      </dl>
      <Section title="Hand-over signals">
        <Signals signals={trace.signals} />
      </Section>
      {trace.automation ? (
        <Section title="Automation match">
          <Automation trace={trace} />
        </Section>
      ) : null}
      {trace.order ? (
        <Section title="Order">
          <dl className="facts cv-facts">
            <Fact label="Asked about an order">{trace.order.asked ? 'Yes' : 'No'}</Fact>
            <Fact label="Order">{trace.order.number || <span className="muted">No number given</span>}</Fact>
            <Fact label="Status">{trace.order.status || <span className="muted">Not found</span>}</Fact>
          </dl>
        </Section>
      ) : null}
      {trace.retrieval || trace.chunks.length > 0 ? (
        <Section title="Knowledge">
          <Knowledge trace={trace} />
        </Section>
      ) : null}
      <Generation trace={trace} />
      {trace.masked.length > 0 ? (
        <Section title="Personal data hidden from the model">
          <ul className="chips" aria-label="Masked">
            {trace.masked.map((item) => (
              <li key={item.placeholder} className="chip">
                {item.kind} → <span className="mono">{item.placeholder}</span>
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      <Section title="Steps">
        <ol className="cv-steps" aria-label="Steps">
          {trace.steps.map((step, index) => (
            <li key={`${step.name}-${index}`} className="cv-steps__item">
              <span className="mono">{step.name}</span> <span className="muted">{milliseconds(step.duration_ms)}</span>
            </li>
          ))}
        </ol>
        <p className="cv-steps__total muted">Total {milliseconds(total)}</p>
      </Section>
    </div>
  );
}

/** A "Trace" disclosure around {@link TraceView}. */
export function TraceDisclosure({ trace, open = false }: { trace: Trace; open?: boolean }) {
  return (
    <details className="cv-disclosure" open={open}>
      <summary className="cv-disclosure__summary">Trace</summary>
      <div role="region" aria-label="Trace">
        <TraceView trace={trace} />
      </div>
    </details>
  );
}
