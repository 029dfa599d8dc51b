import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import {
  deleteKnowledgeBase,
  fetchDocuments,
  fetchKnowledgeBase,
  fetchProgress,
  forgetKnowledgeBase,
  invalidateKnowledgeBase,
  knowledgeKeys,
  storeKnowledgeBase,
  updateKnowledgeBase,
  type KnowledgeBase,
  type KnowledgeProgress,
} from '../../api/knowledge';
import { Badge } from '../../components/Badge';
import { ConfirmButton } from '../../components/ConfirmButton';
import { errorText } from '../../components/Form';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { canEdit } from '../../roles';
import { useCurrentWorkspace } from '../../workspace';
import { AddDocuments } from './AddDocuments';
import { DocumentsTable } from './DocumentsTable';
import { KnowledgeFrame, languageLabel } from './KnowledgePage';
import { ProgressPanel } from './ProgressPanel';
import { SearchPanel } from './SearchPanel';
import './knowledge.css';

/** Polling of the progress: every second while documents are being ingested, then every 10 s. */
export const PROGRESS_INTERVAL_RUNNING_MS = 1000;
export const PROGRESS_INTERVAL_IDLE_MS = 10_000;

export function progressInterval(progress: KnowledgeProgress | undefined): number {
  return progress?.running ? PROGRESS_INTERVAL_RUNNING_MS : PROGRESS_INTERVAL_IDLE_MS;
}

/** What changes in the progress that the documents table should show too. */
function progressSignature(progress: KnowledgeProgress | undefined): string {
  if (!progress) {
    return '';
  }
  const { documents, chunks, running } = progress;
  return `${documents.done}/${documents.failed}/${documents.total}/${chunks.total}/${running}`;
}

function BaseActions({ base, workspaceId }: { base: KnowledgeBase; workspaceId: string }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => updateKnowledgeBase(workspaceId, base.id, { enabled }),
    onSuccess: (updated) => {
      void storeKnowledgeBase(queryClient, workspaceId, updated);
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteKnowledgeBase(workspaceId, base.id),
    onSuccess: () => {
      void forgetKnowledgeBase(queryClient, workspaceId, base.id);
      void navigate('/knowledge');
    },
  });
  const error = toggle.error ?? remove.error;
  return (
    <div className="kb-base-actions">
      <button
        type="button"
        className="button"
        disabled={toggle.isPending}
        onClick={() => toggle.mutate(!base.enabled)}
      >
        {base.enabled ? 'Disable' : 'Enable'}
      </button>
      <ConfirmButton
        label="Delete knowledge base"
        question={`Delete ${base.name} and all its documents?`}
        confirmLabel="Delete"
        busy={remove.isPending}
        onConfirm={() => remove.mutate()}
      />
      {error ? (
        <p className="field__error" role="alert">
          {errorText(error)}
        </p>
      ) : null}
    </div>
  );
}

/** How many documents the table shows at a time. */
export const DOCUMENTS_PAGE_SIZE = 100;

/** Previous/next buttons under the documents table, when there is more than one page. */
function DocumentsPager(props: { offset: number; shown: number; hasMore: boolean; onPage: (offset: number) => void }) {
  const { offset, shown, hasMore, onPage } = props;
  if (offset === 0 && !hasMore) {
    return null;
  }
  return (
    <nav className="pager" aria-label="Document pages">
      <span className="pager__range">
        Documents {shown === 0 ? 0 : offset + 1}–{offset + shown}
      </span>
      <button
        type="button"
        className="button"
        disabled={offset === 0}
        onClick={() => onPage(Math.max(0, offset - DOCUMENTS_PAGE_SIZE))}
      >
        Previous
      </button>
      <button type="button" className="button" disabled={!hasMore} onClick={() => onPage(offset + DOCUMENTS_PAGE_SIZE)}>
        Next
      </button>
    </nav>
  );
}

function KnowledgeBaseView({ workspaceId, kbId }: { workspaceId: string; kbId: string }) {
  const queryClient = useQueryClient();
  const { role } = useCurrentWorkspace();
  const editable = canEdit(role);

  const base = useQuery({
    queryKey: knowledgeKeys.base(workspaceId, kbId),
    queryFn: ({ signal }) => fetchKnowledgeBase(workspaceId, kbId, signal),
  });
  const progress = useQuery({
    queryKey: knowledgeKeys.progress(workspaceId, kbId),
    queryFn: ({ signal }) => fetchProgress(workspaceId, kbId, signal),
    refetchInterval: (query) => progressInterval(query.state.data),
    enabled: base.data !== undefined,
  });
  // One page of documents; one more is asked for to know whether a next page exists.
  const [offset, setOffset] = useState(0);
  const documents = useQuery({
    queryKey: knowledgeKeys.documentsPage(workspaceId, kbId, offset),
    queryFn: ({ signal }) => fetchDocuments(workspaceId, kbId, signal, { offset, limit: DOCUMENTS_PAGE_SIZE + 1 }),
    enabled: base.data !== undefined,
    placeholderData: (previous) => previous,
  });

  // When documents finish (or fail), or a run starts or ends, the table and counts follow.
  const signature = progressSignature(progress.data);
  const seen = useRef(signature);
  useEffect(() => {
    if (seen.current === signature) {
      return;
    }
    const first = seen.current === '';
    seen.current = signature;
    if (!first) {
      void invalidateKnowledgeBase(queryClient, workspaceId, kbId);
    }
  }, [signature, queryClient, workspaceId, kbId]);

  if (base.error instanceof ApiError && base.error.status === 404) {
    return (
      <>
        <PageHeader title="Knowledge base not found" />
        <section className="panel panel--empty" aria-label="Not found">
          <p className="panel__text">
            This knowledge base does not exist in the current workspace. <Link to="/knowledge">Back to Knowledge</Link>.
          </p>
        </section>
      </>
    );
  }

  return (
    <QueryState data={base.data} error={base.error} what="the knowledge base">
      {(kb) => (
        <>
          <PageHeader
            title={kb.name}
            description={
              <>
                <Link to="/knowledge">Knowledge</Link>
                {' · '}
                {languageLabel(kb.language)} · chunks of {kb.chunk_size} characters
                {' · '}
                {kb.enabled ? <Badge tone="ok">Enabled</Badge> : <Badge tone="neutral">Disabled</Badge>}
                {kb.description ? <span className="kb-description">{kb.description}</span> : null}
              </>
            }
            actions={editable ? <BaseActions base={kb} workspaceId={workspaceId} /> : null}
          />
          <div className="stack">
            <QueryState data={progress.data} error={progress.error} what="the progress">
              {(data) => <ProgressPanel progress={data} />}
            </QueryState>
            {editable ? <AddDocuments workspaceId={workspaceId} kbId={kbId} /> : null}
            <SearchPanel workspaceId={workspaceId} knowledgeBaseId={kbId} title={`Search ${kb.name}`} />
            <section className="section" aria-labelledby="kb-documents-title">
              <h2 className="section__title" id="kb-documents-title">
                Documents
              </h2>
              <QueryState data={documents.data} error={documents.error} what="the documents">
                {(docs) => (
                  <>
                    <DocumentsTable
                      workspaceId={workspaceId}
                      kbId={kbId}
                      documents={docs.slice(0, DOCUMENTS_PAGE_SIZE)}
                      canEdit={editable}
                    />
                    <DocumentsPager
                      offset={offset}
                      shown={Math.min(docs.length, DOCUMENTS_PAGE_SIZE)}
                      hasMore={docs.length > DOCUMENTS_PAGE_SIZE}
                      onPage={setOffset}
                    />
                  </>
                )}
              </QueryState>
            </section>
          </div>
        </>
      )}
    </QueryState>
  );
}

/** `/knowledge/:kb`: one knowledge base, its ingestion, documents and search. */
export function KnowledgeBasePage() {
  const { kb = '' } = useParams();
  return (
    <KnowledgeFrame>
      {(workspaceId) => <KnowledgeBaseView key={`${workspaceId}/${kb}`} workspaceId={workspaceId} kbId={kb} />}
    </KnowledgeFrame>
  );
}
