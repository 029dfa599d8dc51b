import type { KnowledgeProgress } from '../../api/knowledge';
import { Badge } from '../../components/Badge';

function percent(done: number, total: number): number {
  return total === 0 ? 100 : Math.floor((done / total) * 100);
}

/** How far the ingestion of a knowledge base is: documents processed and chunks embedded. */
export function ProgressPanel({ progress }: { progress: KnowledgeProgress }) {
  const { documents, chunks, running } = progress;
  // Failed documents are processed too: the bar is full once nothing is left to do.
  const processed = Math.min(documents.done + documents.failed, documents.total);

  return (
    <section className="panel kb-progress" aria-labelledby="kb-progress-title">
      <div className="kb-progress__head">
        <h2 className="panel__title" id="kb-progress-title">
          Ingestion
        </h2>
        {running ? <Badge tone="warning">Working</Badge> : <Badge tone="ok">Up to date</Badge>}
      </div>
      {documents.total === 0 ? (
        <p className="panel__text muted">No documents yet.</p>
      ) : (
        <div className="kb-progress__bars">
          <div className="kb-progress__row">
            <div className="kb-progress__label">
              <span id="kb-progress-documents">Documents</span>
              <span className="kb-progress__count">
                {documents.done} of {documents.total} ready
                {documents.failed > 0 ? (
                  <>
                    {' · '}
                    <span className="kb-progress__failed">{documents.failed} failed</span>
                  </>
                ) : null}
                {' · '}
                {percent(processed, documents.total)}%
              </span>
            </div>
            <progress
              className="kb-progress__bar"
              aria-labelledby="kb-progress-documents"
              value={processed}
              max={documents.total}
            />
          </div>
          <div className="kb-progress__row">
            <div className="kb-progress__label">
              <span id="kb-progress-chunks">Chunks</span>
              <span className="kb-progress__count">
                {chunks.done} of {chunks.total} embedded · {percent(chunks.done, chunks.total)}%
              </span>
            </div>
            {chunks.total > 0 ? (
              <progress
                className="kb-progress__bar"
                aria-labelledby="kb-progress-chunks"
                value={Math.min(chunks.done, chunks.total)}
                max={chunks.total}
              />
            ) : (
              <progress className="kb-progress__bar" aria-labelledby="kb-progress-chunks" value={running ? undefined : 1} max={1} />
            )}
          </div>
        </div>
      )}
    </section>
  );
}
