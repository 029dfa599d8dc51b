/** How a decision of the agent reads: its badge and reason, its sources, tags and what follows. */
import { Link } from 'react-router';
import { DECISION_KIND_LABELS, reasonLabel, type AgentDecision, type DecisionKind } from '../../api/agent';
import { POST_ACTION_LABELS, POST_ACTIONS } from '../../api/automations';
import { Badge, type BadgeTone } from '../../components/Badge';
import { percent } from '../automations/shared';

const KIND_TONES: Record<DecisionKind, BadgeTone> = {
  reply: 'ok',
  clarify: 'ok',
  handover: 'warning',
  nothing: 'neutral',
};

/** The decision's kind as a badge, followed by its reason when it has one. */
export function DecisionBadge({ kind, reason }: { kind: DecisionKind; reason: string }) {
  return (
    <span className="cv-decision">
      <Badge tone={KIND_TONES[kind]}>{DECISION_KIND_LABELS[kind]}</Badge>
      {reason ? (
        <span className="cv-decision__reason">
          {reasonLabel(reason)} <code>{reason}</code>
        </span>
      ) : null}
    </span>
  );
}

/** "Close the ticket" for `close`; nothing for `none`. */
function postActionLabel(action: string): string | null {
  if (action === '' || action === 'none') {
    return null;
  }
  const known = POST_ACTIONS.find((candidate) => candidate === action);
  return known ? POST_ACTION_LABELS[known] : action;
}

/** What goes with a decision besides its text: review, sources, tags, what follows and why. */
export function DecisionDetails({ decision }: { decision: AgentDecision }) {
  const then = decision.kind === 'handover' ? null : postActionLabel(decision.post_action);
  return (
    <div className="cv-details">
      {decision.review ? (
        <p className="cv-review" role="note">
          A person should check this reply before it counts as answered.
        </p>
      ) : null}
      {decision.citations.length > 0 ? (
        <div className="cv-details__row">
          <span className="cv-details__label">Sources</span>
          <ul className="cv-citations" aria-label="Sources">
            {decision.citations.map((citation) => (
              <li key={citation.chunk_id} className="chip">
                {citation.url ? (
                  <a href={citation.url} target="_blank" rel="noreferrer noopener">
                    {citation.title || citation.url}
                  </a>
                ) : (
                  <span>{citation.title || `Document ${citation.document_id}`}</span>
                )}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {decision.tags.length > 0 ? (
        <div className="cv-details__row">
          <span className="cv-details__label">Tags</span>
          <ul className="chips cv-details__chips" aria-label="Tags">
            {decision.tags.map((tag) => (
              <li key={tag} className="chip">
                {tag}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {then ? (
        <div className="cv-details__row">
          <span className="cv-details__label">Then</span>
          <span>{then}</span>
        </div>
      ) : null}
      {decision.automation_id ? (
        <div className="cv-details__row">
          <span className="cv-details__label">Automation</span>
          <Link to={`/automations/${encodeURIComponent(decision.automation_id)}`}>
            Automation {decision.automation_id}
          </Link>
        </div>
      ) : null}
      {decision.confidence > 0 ? (
        <div className="cv-details__row">
          <span className="cv-details__label">Confidence</span>
          <span>{percent(decision.confidence)}</span>
        </div>
      ) : null}
      {decision.explanation ? <p className="cv-explanation">{decision.explanation}</p> : null}
    </div>
  );
}
