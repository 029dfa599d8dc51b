import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { DECISION_LABELS, testMessage, type Decision, type Match } from '../../api/automations';
import { Badge, type BadgeTone } from '../../components/Badge';
import { errorText } from '../../components/Form';
import { percent } from './shared';

const DECISION_TONES: Record<Decision, BadgeTone> = {
  auto_answer: 'ok',
  suggest: 'warning',
  no_match: 'neutral',
};

function MatchResult({ match }: { match: Match }) {
  return (
    <div className="testbox__result" role="region" aria-label="Test result">
      <div className="training__status">
        <Badge tone={DECISION_TONES[match.decision]}>{DECISION_LABELS[match.decision]}</Badge>
        {match.model_version > 0 ? <span className="muted">model version {match.model_version}</span> : null}
      </div>
      <dl className="facts training__section">
        <div className="facts__row">
          <dt>Matched automation</dt>
          <dd>
            {match.intent ? <strong>{match.intent.name}</strong> : <span className="muted">None</span>}
            {' · '}confidence {percent(match.confidence)}
          </dd>
        </div>
        <div className="facts__row">
          <dt>Runner-up</dt>
          <dd>
            {match.runner_up ? (
              <>
                {match.runner_up.name} · confidence {percent(match.runner_up_confidence)}
              </>
            ) : (
              <span className="muted">None</span>
            )}
          </dd>
        </div>
      </dl>
      {match.response !== null ? (
        <div className="testbox__response" aria-label="Response">
          <p className="am-pre">{match.response}</p>
        </div>
      ) : null}
    </div>
  );
}

/** Sends a customer message to the trained model and shows what it would do. Viewers may use it. */
export function TestBox({ workspaceId }: { workspaceId: string }) {
  const [message, setMessage] = useState('');
  const test = useMutation({ mutationFn: (text: string) => testMessage(workspaceId, text) });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (message.trim() !== '') {
      test.mutate(message);
    }
  };

  const noModel = test.error instanceof ApiError && test.error.status === 409;

  return (
    <section className="panel" aria-labelledby="testbox-title">
      <h2 className="panel__title" id="testbox-title">
        Test a message
      </h2>
      <p className="panel__text">Type what a customer might write to see which automation would answer.</p>
      <form className="testbox__form" onSubmit={onSubmit} aria-label="Test a message">
        <label className="visually-hidden" htmlFor="testbox-message">
          Customer message
        </label>
        <input
          id="testbox-message"
          className="input"
          type="text"
          value={message}
          maxLength={10000}
          placeholder="e.g. where is my parcel?"
          onChange={(event) => setMessage(event.target.value)}
        />
        <button type="submit" className="button button--primary" disabled={test.isPending || message.trim() === ''}>
          {test.isPending ? 'Testing…' : 'Test'}
        </button>
      </form>
      {noModel ? (
        <div className="notice notice--warning training__section" role="status">
          No model is trained yet. Add at least 2 active automations and train the AI, then test messages here.
        </div>
      ) : test.error ? (
        <div className="notice notice--danger training__section" role="alert">
          {errorText(test.error)}
        </div>
      ) : null}
      {test.data && !test.isPending ? <MatchResult match={test.data} /> : null}
    </section>
  );
}
