import { useQuery } from '@tanstack/react-query';
import {
  fetchDocumentChunks,
  fetchDocumentPages,
  knowledgeKeys,
  type DocumentChunk,
  type KnowledgeDocument,
} from '../../api/knowledge';
import { Badge } from '../../components/Badge';
import { QueryState } from '../../components/QueryState';

/** How many chunks or pages the details show. */
export const DETAILS_LIMIT = 200;

/** Whether a document is a collection of pages (sitemap or crawl) rather than one text. */
export function hasPages(doc: KnowledgeDocument): boolean {
  return doc.source_type === 'sitemap' || doc.source_type === 'crawl';
}

type Details = { kind: 'chunks'; chunks: DocumentChunk[] } | { kind: 'pages'; pages: KnowledgeDocument[] };

/**
 * What Deskmate made of a document: its chunks, as the agent reads them, or for a sitemap or
 * crawl the pages it found, with their state.
 */
export function DocumentDetails({ workspaceId, kbId, doc }: { workspaceId: string; kbId: string; doc: KnowledgeDocument }) {
  const query = useQuery({
    queryKey: knowledgeKeys.documentDetails(workspaceId, kbId, doc.id),
    queryFn: async ({ signal }): Promise<Details> =>
      hasPages(doc)
        ? { kind: 'pages', pages: await fetchDocumentPages(workspaceId, kbId, doc.id, DETAILS_LIMIT, signal) }
        : { kind: 'chunks', chunks: await fetchDocumentChunks(workspaceId, kbId, doc.id, DETAILS_LIMIT, signal) },
  });
  return (
    <QueryState data={query.data} error={query.error} what={hasPages(doc) ? 'the pages' : 'the chunks'}>
      {(details) => (details.kind === 'pages' ? <PageList pages={details.pages} /> : <ChunkList chunks={details.chunks} />)}
    </QueryState>
  );
}

function ChunkList({ chunks }: { chunks: DocumentChunk[] }) {
  if (chunks.length === 0) {
    return <p className="muted">No chunks stored yet.</p>;
  }
  return (
    <>
      <ol className="kb-chunks" aria-label="Chunks">
        {chunks.map((chunk) => (
          <li key={chunk.id} className="kb-chunks__item">
            <p className="kb-chunks__path">
              {chunk.url ? (
                <a href={chunk.url} target="_blank" rel="noreferrer noopener">
                  {chunk.title_path || 'Untitled section'}
                </a>
              ) : (
                chunk.title_path || 'Untitled section'
              )}
              <span className="kb-chunks__size">{chunk.text.length} characters</span>
            </p>
            <p className="kb-chunks__text">{chunk.text}</p>
          </li>
        ))}
      </ol>
      {chunks.length === DETAILS_LIMIT ? <p className="muted">Showing the first {DETAILS_LIMIT} chunks.</p> : null}
    </>
  );
}

function PageList({ pages }: { pages: KnowledgeDocument[] }) {
  if (pages.length === 0) {
    return <p className="muted">No pages found yet.</p>;
  }
  return (
    <>
      <ul className="kb-pages" aria-label="Pages">
        {pages.map((page) => (
          <li key={page.id} className="kb-pages__item">
            <a href={page.url} target="_blank" rel="noreferrer noopener">
              {page.title || page.url}
            </a>{' '}
            {page.status === 'ready' ? (
              <span className="muted">{page.chunk_count} chunks</span>
            ) : (
              <Badge tone={page.status === 'failed' ? 'error' : 'neutral'}>{page.status}</Badge>
            )}
            {page.status === 'failed' && page.error ? <span className="table__error"> {page.error}</span> : null}
          </li>
        ))}
      </ul>
      {pages.length === DETAILS_LIMIT ? <p className="muted">Showing the first {DETAILS_LIMIT} pages.</p> : null}
    </>
  );
}
