import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  STAGE_LABELS,
  automationKeys,
  fetchTraining,
  isTraining,
  startTraining,
  type TrainingRun,
  type TrainingState,
} from '../../api/automations';
import { Badge } from '../../components/Badge';
import { errorText } from '../../components/Form';
import { formatDateTime } from '../../format';
import { percent } from './shared';

/** How often the training state is read while a run is queued or training. */
export const TRAINING_POLL_MS = 1000;

function RunStatus({ run }: { run: TrainingRun }) {
  if (run.status === 'training') {
    return <Badge tone="warning">Training</Badge>;
  }
  if (run.status === 'failed') {
    return <Badge tone="error">Failed</Badge>;
  }
  return <Badge tone="ok">Ready</Badge>;
}

/** Accuracy, per-automation precision and recall, and what the model confuses. */
function QualityReport({ run }: { run: TrainingRun }) {
  const quality = run.quality;
  return (
    <div className="training__section" aria-label={`Quality of version ${run.version}`} role="group">
      <h3 className="training__subtitle">Quality of version {run.version}</h3>
      {quality ? (
        <>
          <p>
            <span className="training__accuracy">{percent(quality.accuracy)}</span>{' '}
            <span className="muted">
              accuracy on {quality.phrases} held-out phrases ({quality.folds}-fold cross-validation)
            </span>
          </p>
          {quality.per_intent.length > 0 ? (
            <div className="table-wrap training__section">
              <table className="table">
                <caption className="visually-hidden">Quality per automation</caption>
                <thead>
                  <tr>
                    <th scope="col">Automation</th>
                    <th scope="col">Phrases</th>
                    <th scope="col">Precision</th>
                    <th scope="col">Recall</th>
                  </tr>
                </thead>
                <tbody>
                  {quality.per_intent.map((row) => (
                    <tr key={row.automation.id}>
                      <th scope="row" className="table__primary">
                        {row.automation.name}
                      </th>
                      <td>{row.phrases}</td>
                      <td>{percent(row.precision)}</td>
                      <td>{percent(row.recall)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {quality.confusable.length > 0 ? (
            <div className="training__section">
              <h4 className="training__subtitle">Often confused</h4>
              <ul className="summary-list" aria-label="Often confused">
                {quality.confusable.map((pair) => (
                  <li key={`${pair.a.id}-${pair.b.id}`}>
                    {pair.a.name} ↔ {pair.b.name}: {pair.count} held-out phrases mistaken ({percent(pair.rate)})
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </>
      ) : (
        <p className="muted">No quality figures for this version.</p>
      )}
      {run.warnings.length > 0 ? (
        <div className="training__section">
          <h4 className="training__subtitle">Warnings</h4>
          <ul className="warnings" aria-label="Training warnings">
            {run.warnings.map((warning, index) => (
              <li key={index} className="notice notice--warning">
                <strong>{warning.kind === 'near_duplicate' ? 'Overlapping phrases' : 'Confusable'}:</strong>{' '}
                {warning.message}
                {warning.phrases.length > 0 ? (
                  <ul className="chips">
                    {warning.phrases.map((phrase) => (
                      <li key={phrase} className="chip">
                        {phrase}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

/** The "Train AI" button and the state of the latest training run, polled while it works. */
export function TrainingPanel({ workspaceId, canEdit }: { workspaceId: string; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const training = useQuery({
    queryKey: automationKeys.training(workspaceId),
    queryFn: ({ signal }) => fetchTraining(workspaceId, signal),
    refetchInterval: (query) => (isTraining(query.state.data?.latest) ? TRAINING_POLL_MS : false),
  });
  const train = useMutation({
    mutationFn: () => startTraining(workspaceId),
    onSuccess: (run) => {
      queryClient.setQueryData<TrainingState>(automationKeys.training(workspaceId), (state) => ({
        latest: run,
        active: state?.active ?? null,
      }));
    },
  });

  const state = training.data;
  const latest = state?.latest ?? null;
  const active = state?.active ?? null;
  const running = isTraining(latest);
  // Quality of the newest finished model: the latest run once ready, else the one serving.
  const report = latest?.status === 'ready' ? latest : active;

  return (
    <section className="panel" aria-labelledby="training-title">
      <div className="training__head">
        <div>
          <h2 className="panel__title" id="training-title">
            AI model
          </h2>
          <p className="panel__text">
            The model learns from the learning phrases of the active automations. Train it again after changing them.
          </p>
        </div>
        {canEdit ? (
          <button
            type="button"
            className="button button--primary"
            disabled={train.isPending || running}
            onClick={() => train.mutate()}
          >
            {running ? 'Training…' : 'Train AI'}
          </button>
        ) : null}
      </div>
      {train.error ? (
        <div className="notice notice--danger training__section" role="alert">
          {errorText(train.error)}
        </div>
      ) : null}
      {training.error ? (
        <div className="notice notice--danger training__section" role="alert">
          Could not load the training state.{' '}
          {errorText(training.error)}
        </div>
      ) : null}
      {state === undefined && !training.error ? (
        <p className="loading" role="status">
          Loading the training state…
        </p>
      ) : null}
      {state !== undefined ? (
        <>
          <p className="training__status">
            {active ? (
              <strong>Active model: version {active.version}</strong>
            ) : (
              <span className="muted">No model trained yet.</span>
            )}
          </p>
          {latest ? (
            <div className="training__section" role="group" aria-label="Latest training">
              <div className="training__status">
                <span>Version {latest.version}</span>
                <RunStatus run={latest} />
                <span id="training-stage">Stage: {STAGE_LABELS[latest.stage]}</span>
                <span>{percent(latest.progress)}</span>
                <span className="muted">
                  {latest.automations_count} automations, {latest.phrases_count} phrases
                  {latest.finished_at ? ` · finished ${formatDateTime(latest.finished_at)}` : ''}
                </span>
              </div>
              <progress
                className="training__bar"
                aria-label="Training progress"
                value={Math.min(Math.max(latest.progress, 0), 1)}
                max={1}
              />
              {running && active ? (
                <p className="panel__text">Version {active.version} keeps answering until the new model is ready.</p>
              ) : null}
              {latest.status === 'failed' ? (
                <div className="notice notice--danger training__section" role="alert">
                  Training failed{latest.error ? `: ${latest.error}` : '.'}
                  {active ? ` Version ${active.version} is still answering.` : ''}
                </div>
              ) : null}
            </div>
          ) : null}
          {report ? <QualityReport run={report} /> : null}
        </>
      ) : null}
    </section>
  );
}
