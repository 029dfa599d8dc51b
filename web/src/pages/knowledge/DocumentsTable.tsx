import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import {
  deleteDocument,
  invalidateKnowledgeBase,
  resyncDocument,
  retryDocument,
  updateDocument,
  type DocumentStatus,
  type KnowledgeDocument,
  type SourceType,
} from '../../api/knowledge';
import { Badge, type BadgeTone } from '../../components/Badge';
import { ConfirmButton } from '../../components/ConfirmButton';
import { errorText } from '../../components/Form';
import { formatDateTime, isoOf } from '../../format';
import { DocumentDetails, hasPages } from './DocumentDetails';
import { DocumentEditor } from './DocumentEditor';

const STATUS: Record<DocumentStatus, { tone: BadgeTone; label: string }> = {
  pending: { tone: 'neutral', label: 'Pending' },
  processing: { tone: 'warning', label: 'Processing' },
  ready: { tone: 'ok', label: 'Ready' },
  failed: { tone: 'error', label: 'Failed' },
};

const SOURCE_LABELS: Record<SourceType, string> = {
  text: 'Text',
  file: 'File',
  url: 'Web page',
  sitemap: 'Sitemap',
  crawl: 'Crawl',
  page: 'Page',
};

/** The name a document is shown under: its title, file name or URL. */
export function documentName(doc: KnowledgeDocument): string {
  return doc.title || doc.filename || doc.url || `Document ${doc.id}`;
}

function sourceLabel(doc: KnowledgeDocument): string {
  if (doc.source_type === 'file' && doc.format) {
    return `File (${doc.format})`;
  }
  return SOURCE_LABELS[doc.source_type];
}

function canResync(doc: KnowledgeDocument): boolean {
  return doc.source_type === 'url' || doc.source_type === 'sitemap' || doc.source_type === 'crawl';
}

type Action = { kind: 'enable'; enabled: boolean } | { kind: 'resync' } | { kind: 'retry' } | { kind: 'delete' };

interface DocumentsTableProps {
  workspaceId: string;
  kbId: string;
  documents: KnowledgeDocument[];
  canEdit: boolean;
}

/** The documents of a knowledge base, with their state and, for editors, what can be done with them. */
export function DocumentsTable({ workspaceId, kbId, documents, canEdit }: DocumentsTableProps) {
  const queryClient = useQueryClient();
  // The document whose chunks (or pages), or editor, is shown under its row.
  const [open, setOpen] = useState<{ id: string; mode: 'details' | 'edit' } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const showing = (doc: KnowledgeDocument, mode: 'details' | 'edit') => open?.id === doc.id && open.mode === mode;
  const toggle = (doc: KnowledgeDocument, mode: 'details' | 'edit') => {
    setSaved(null);
    setOpen(showing(doc, mode) ? null : { id: doc.id, mode });
  };
  const act = useMutation({
    mutationFn: async ({ doc, action }: { doc: KnowledgeDocument; action: Action }) => {
      switch (action.kind) {
        case 'enable':
          await updateDocument(workspaceId, kbId, doc.id, { enabled: action.enabled });
          return;
        case 'resync':
          await resyncDocument(workspaceId, kbId, doc.id);
          return;
        case 'retry':
          await retryDocument(workspaceId, kbId, doc.id);
          return;
        case 'delete':
          await deleteDocument(workspaceId, kbId, doc.id);
          return;
      }
    },
    onSettled: () => {
      void invalidateKnowledgeBase(queryClient, workspaceId, kbId);
    },
  });
  const busy = (doc: KnowledgeDocument, kind: Action['kind']) =>
    act.isPending && act.variables.doc.id === doc.id && act.variables.action.kind === kind;

  if (documents.length === 0) {
    return <p className="muted">No documents yet.{canEdit ? ' Add some above.' : ''}</p>;
  }

  return (
    <>
      {saved ? (
        <div className="notice notice--success" role="status">
          {saved}
        </div>
      ) : null}
      {act.error ? (
        <div className="notice notice--danger" role="alert">
          That did not work. {errorText(act.error)}
        </div>
      ) : null}
      <div className="table-wrap">
        <table className="table table--top kb-docs">
          <caption className="visually-hidden">Documents</caption>
          <thead>
            <tr>
              <th scope="col">Document</th>
              <th scope="col">Source</th>
              <th scope="col">Status</th>
              <th scope="col" className="kb-num">
                Chunks
              </th>
              <th scope="col">Enabled</th>
              {canEdit ? (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {documents.map((doc) => {
              const name = documentName(doc);
              const status = STATUS[doc.status];
              const detailsId = `kb-doc-details-${doc.id}`;
              return (
                <Fragment key={doc.id}>
                  <tr className={doc.enabled ? undefined : 'table__row--faded'}>
                    <th scope="row" className="table__primary kb-docs__name">
                      {doc.url ? (
                        <a href={doc.url} target="_blank" rel="noreferrer noopener">
                          {name}
                        </a>
                      ) : (
                        name
                      )}
                      {doc.title && doc.filename && doc.title !== doc.filename ? (
                        <span className="table__sub">{doc.filename}</span>
                      ) : null}
                      {doc.title && doc.url ? <span className="table__sub kb-docs__url">{doc.url}</span> : null}
                      {doc.pages ? (
                        <span className="table__sub">
                          {doc.pages.ready} of {doc.pages.total} pages ready
                          {doc.pages.failed > 0 ? `, ${doc.pages.failed} failed` : ''}
                        </span>
                      ) : null}
                      <button
                        type="button"
                        className="link-button kb-docs__details"
                        aria-expanded={showing(doc, 'details')}
                        aria-controls={showing(doc, 'details') ? detailsId : undefined}
                        aria-label={`${showing(doc, 'details') ? 'Hide' : 'Show'} ${hasPages(doc) ? 'pages' : 'chunks'} of ${name}`}
                        onClick={() => toggle(doc, 'details')}
                      >
                        {showing(doc, 'details') ? 'Hide' : 'Show'} {hasPages(doc) ? 'pages' : 'chunks'}
                      </button>
                    </th>
                    <td className="table__nowrap">
                      {sourceLabel(doc)}
                      {doc.last_synced_at && canResync(doc) ? (
                        <span className="table__sub">
                          Synced <time dateTime={isoOf(doc.last_synced_at)}>{formatDateTime(doc.last_synced_at)}</time>
                        </span>
                      ) : null}
                    </td>
                    <td>
                      <Badge tone={status.tone}>{status.label}</Badge>
                      {doc.status === 'failed' && doc.error ? <p className="table__error kb-docs__error">{doc.error}</p> : null}
                      {doc.status === 'failed' && canEdit ? (
                        <button
                          type="button"
                          className="button button--small kb-docs__retry"
                          aria-label={`Retry ${name}`}
                          disabled={busy(doc, 'retry')}
                          onClick={() => act.mutate({ doc, action: { kind: 'retry' } })}
                        >
                          {busy(doc, 'retry') ? 'Retrying…' : 'Retry'}
                        </button>
                      ) : null}
                    </td>
                    <td className="kb-num">
                      {doc.status === 'processing' && doc.chunk_count > 0
                        ? `${doc.chunks_embedded} / ${doc.chunk_count}`
                        : doc.chunk_count}
                    </td>
                    <td>
                      {canEdit ? (
                        <label className="kb-switch">
                          <input
                            type="checkbox"
                            checked={doc.enabled}
                            disabled={busy(doc, 'enable')}
                            onChange={(event) => act.mutate({ doc, action: { kind: 'enable', enabled: event.target.checked } })}
                          />
                          <span className="visually-hidden">Use {name}</span>
                          <span aria-hidden="true">{doc.enabled ? 'On' : 'Off'}</span>
                        </label>
                      ) : doc.enabled ? (
                        'Yes'
                      ) : (
                        'No'
                      )}
                    </td>
                    {canEdit ? (
                      <td className="table__actions">
                        <span className="kb-docs__actions">
                          <button
                            type="button"
                            className="button button--small"
                            aria-label={`${doc.source_type === 'text' ? 'Edit' : 'Rename'} ${name}`}
                            aria-expanded={showing(doc, 'edit')}
                            onClick={() => toggle(doc, 'edit')}
                          >
                            {doc.source_type === 'text' ? 'Edit' : 'Rename'}
                          </button>
                          {canResync(doc) ? (
                            <button
                              type="button"
                              className="button button--small"
                              aria-label={`Resync ${name}`}
                              disabled={busy(doc, 'resync') || doc.status === 'pending' || doc.status === 'processing'}
                              onClick={() => act.mutate({ doc, action: { kind: 'resync' } })}
                            >
                              {busy(doc, 'resync') ? 'Resyncing…' : 'Resync'}
                            </button>
                          ) : null}
                          <ConfirmButton
                            label="Delete"
                            accessibleLabel={`Delete ${name}`}
                            question={`Delete ${name}?`}
                            busy={busy(doc, 'delete')}
                            onConfirm={() => act.mutate({ doc, action: { kind: 'delete' } })}
                          />
                        </span>
                      </td>
                    ) : null}
                  </tr>
                  {open?.id === doc.id ? (
                    <tr className="kb-docs__details-row">
                      <td colSpan={canEdit ? 6 : 5} id={detailsId}>
                        {open.mode === 'details' ? (
                          <DocumentDetails workspaceId={workspaceId} kbId={kbId} doc={doc} />
                        ) : (
                          <DocumentEditor
                            workspaceId={workspaceId}
                            kbId={kbId}
                            doc={doc}
                            onDone={(message) => {
                              setOpen(null);
                              setSaved(message ?? null);
                            }}
                          />
                        )}
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
