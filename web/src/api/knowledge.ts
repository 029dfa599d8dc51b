/**
 * Knowledge: `/api/workspaces/{id}/knowledge-bases…` and `/api/workspaces/{id}/knowledge/search`.
 *
 * A knowledge base holds documents (pasted text, uploaded files, web pages, sitemaps and site
 * crawls) that Deskmate splits into chunks, embeds, and searches when it answers tickets.
 */
import type { QueryClient } from '@tanstack/react-query';
import { invalidate } from './cache';
import { apiRequest, noContent } from './client';
import { bool, id, listOf, num, numOr, oneOf, record, str, strOrEmpty, strOrNull } from './shape';
import { workspaceKeys, workspacePath } from './workspaces';

// --- Small validators -----------------------------------------------------------------------

/** A number, with null or absent read as 0. */
function numOrZero(obj: Record<string, unknown>, key: string, what: string): number {
  return numOr(obj, key, what, 0);
}

/** An id or null (absent is null). */
function idOrNull(obj: Record<string, unknown>, key: string, what: string): string | null {
  const value = obj[key];
  if (value === null || value === undefined) {
    return null;
  }
  return id(obj, key, what);
}

// --- Knowledge bases ------------------------------------------------------------------------

/** Text search languages a knowledge base can use; `simple` does no stemming. */
export const LANGUAGES = [
  'english',
  'french',
  'german',
  'spanish',
  'italian',
  'portuguese',
  'dutch',
  'danish',
  'swedish',
  'norwegian',
  'finnish',
  'russian',
  'turkish',
  'simple',
] as const;

/** Chunking defaults and limits of the server. */
export const DEFAULT_CHUNK_SIZE = 1200;
export const DEFAULT_CHUNK_OVERLAP = 150;
export const MIN_CHUNK_SIZE = 200;
export const MAX_CHUNK_SIZE = 8000;

export interface KnowledgeBase {
  id: string;
  name: string;
  description: string;
  chunk_size: number;
  chunk_overlap: number;
  language: string;
  enabled: boolean;
  /** How often web sources are fetched again; 0 is never. */
  resync_interval_hours: number;
  document_count: number;
  chunk_count: number;
  created_at: string;
  updated_at: string;
}

/** Fields of a new knowledge base; those left out get the server's defaults. */
export interface NewKnowledgeBase {
  name: string;
  description?: string;
  language?: string;
  chunk_size?: number;
  chunk_overlap?: number;
}

export type KnowledgeBaseChanges = Partial<
  Pick<KnowledgeBase, 'name' | 'description' | 'language' | 'chunk_size' | 'chunk_overlap' | 'enabled' | 'resync_interval_hours'>
>;

export function parseKnowledgeBase(value: unknown, what = 'knowledge base'): KnowledgeBase {
  const obj = record(value, what);
  return {
    id: id(obj, 'id', what),
    name: str(obj, 'name', what),
    description: strOrEmpty(obj, 'description', what),
    chunk_size: num(obj, 'chunk_size', what),
    chunk_overlap: num(obj, 'chunk_overlap', what),
    language: str(obj, 'language', what),
    enabled: bool(obj, 'enabled', what),
    resync_interval_hours: numOrZero(obj, 'resync_interval_hours', what),
    document_count: numOrZero(obj, 'document_count', what),
    chunk_count: numOrZero(obj, 'chunk_count', what),
    created_at: strOrEmpty(obj, 'created_at', what),
    updated_at: strOrEmpty(obj, 'updated_at', what),
  };
}

function basePath(workspaceId: string, kbId: string, rest = ''): string {
  return workspacePath(workspaceId, `/knowledge-bases/${encodeURIComponent(kbId)}${rest}`);
}

function withSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}

export function fetchKnowledgeBases(workspaceId: string, signal?: AbortSignal): Promise<KnowledgeBase[]> {
  return apiRequest(
    workspacePath(workspaceId, '/knowledge-bases'),
    (body) => listOf(body, 'knowledge bases', parseKnowledgeBase),
    withSignal(signal),
  );
}

export function fetchKnowledgeBase(workspaceId: string, kbId: string, signal?: AbortSignal): Promise<KnowledgeBase> {
  return apiRequest(basePath(workspaceId, kbId), (body) => parseKnowledgeBase(body), withSignal(signal));
}

export function createKnowledgeBase(workspaceId: string, input: NewKnowledgeBase): Promise<KnowledgeBase> {
  return apiRequest(workspacePath(workspaceId, '/knowledge-bases'), (body) => parseKnowledgeBase(body), {
    method: 'POST',
    json: input,
  });
}

export function updateKnowledgeBase(workspaceId: string, kbId: string, changes: KnowledgeBaseChanges): Promise<KnowledgeBase> {
  return apiRequest(basePath(workspaceId, kbId), (body) => parseKnowledgeBase(body), { method: 'PATCH', json: changes });
}

export function deleteKnowledgeBase(workspaceId: string, kbId: string): Promise<void> {
  return apiRequest(basePath(workspaceId, kbId), noContent, { method: 'DELETE' });
}

// --- Progress -------------------------------------------------------------------------------

/** How far ingestion of a knowledge base is. */
export interface KnowledgeProgress {
  documents: { done: number; total: number; failed: number };
  chunks: { done: number; total: number };
  /** Whether documents are still being fetched, parsed or embedded. */
  running: boolean;
}

export function parseProgress(body: unknown): KnowledgeProgress {
  const obj = record(body, 'progress');
  const documents = record(obj.documents, 'progress.documents');
  const chunks = record(obj.chunks, 'progress.chunks');
  return {
    documents: {
      done: num(documents, 'done', 'progress.documents'),
      total: num(documents, 'total', 'progress.documents'),
      failed: numOrZero(documents, 'failed', 'progress.documents'),
    },
    chunks: { done: num(chunks, 'done', 'progress.chunks'), total: num(chunks, 'total', 'progress.chunks') },
    running: bool(obj, 'running', 'progress'),
  };
}

export function fetchProgress(workspaceId: string, kbId: string, signal?: AbortSignal): Promise<KnowledgeProgress> {
  return apiRequest(basePath(workspaceId, kbId, '/progress'), parseProgress, withSignal(signal));
}

// --- Documents ------------------------------------------------------------------------------

export const SOURCE_TYPES = ['text', 'file', 'url', 'sitemap', 'crawl', 'page'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export const DOCUMENT_STATUSES = ['pending', 'processing', 'ready', 'failed'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** Web sources, which can be fetched again. */
export function isWebSource(type: SourceType): boolean {
  return type === 'url' || type === 'sitemap' || type === 'crawl' || type === 'page';
}

export interface KnowledgeDocument {
  id: string;
  knowledge_base_id: string;
  /** The sitemap or crawl a page belongs to. */
  parent_id: string | null;
  source_type: SourceType;
  title: string;
  url: string;
  filename: string;
  format: string;
  status: DocumentStatus;
  /** Why the document failed, when it did. */
  error: string;
  enabled: boolean;
  chunk_count: number;
  chunks_embedded: number;
  max_pages: number;
  max_depth: number;
  /** The pages of a sitemap or crawl. */
  pages: { total: number; ready: number; failed: number } | null;
  last_synced_at: string | null;
  created_at: string;
  updated_at: string;
}

export function parseDocument(value: unknown, what = 'document'): KnowledgeDocument {
  const obj = record(value, what);
  let pages: KnowledgeDocument['pages'] = null;
  if (obj.pages !== null && obj.pages !== undefined) {
    const p = record(obj.pages, `${what}.pages`);
    pages = {
      total: numOrZero(p, 'total', `${what}.pages`),
      ready: numOrZero(p, 'ready', `${what}.pages`),
      failed: numOrZero(p, 'failed', `${what}.pages`),
    };
  }
  return {
    id: id(obj, 'id', what),
    knowledge_base_id: id(obj, 'knowledge_base_id', what),
    parent_id: idOrNull(obj, 'parent_id', what),
    source_type: oneOf(obj, 'source_type', SOURCE_TYPES, what),
    title: strOrEmpty(obj, 'title', what),
    url: strOrEmpty(obj, 'url', what),
    filename: strOrEmpty(obj, 'filename', what),
    format: strOrEmpty(obj, 'format', what),
    status: oneOf(obj, 'status', DOCUMENT_STATUSES, what),
    error: strOrEmpty(obj, 'error', what),
    enabled: bool(obj, 'enabled', what),
    chunk_count: numOrZero(obj, 'chunk_count', what),
    chunks_embedded: numOrZero(obj, 'chunks_embedded', what),
    max_pages: numOrZero(obj, 'max_pages', what),
    max_depth: numOrZero(obj, 'max_depth', what),
    pages,
    last_synced_at: strOrNull(obj, 'last_synced_at', what),
    created_at: strOrEmpty(obj, 'created_at', what),
    updated_at: strOrEmpty(obj, 'updated_at', what),
  };
}

/** A new document: pasted text, one web page, a sitemap, or a site crawl. */
export type NewDocument =
  | { kind: 'text'; title: string; text: string }
  | { kind: 'url'; url: string }
  | { kind: 'sitemap'; url: string; max_pages?: number }
  | { kind: 'crawl'; url: string; max_pages?: number; max_depth?: number };

/** File types the server can read. */
export const UPLOAD_EXTENSIONS = ['.md', '.txt', '.html', '.pdf', '.csv', '.docx'] as const;

/** A file the server refused, with the reason. */
export interface RejectedUpload {
  filename: string;
  error: string;
}

export interface UploadResult {
  documents: KnowledgeDocument[];
  rejected: RejectedUpload[];
}

export function parseUploadResult(body: unknown): UploadResult {
  const obj = record(body, 'upload');
  const rejected =
    obj.rejected === null || obj.rejected === undefined
      ? []
      : listOf(obj.rejected, 'upload.rejected', (value, what) => {
          const item = record(value, what);
          return { filename: strOrEmpty(item, 'filename', what), error: strOrEmpty(item, 'error', what) };
        });
  return { documents: listOf(obj.documents ?? [], 'upload.documents', parseDocument), rejected };
}

/** A window of a list: `limit` items from `offset`. */
export interface Page {
  offset: number;
  limit: number;
}

/**
 * The top-level documents of a knowledge base (pages of sitemaps and crawls are left out), in the
 * order they were added; `page` selects a window (the server's default is the first 500).
 */
export function fetchDocuments(
  workspaceId: string,
  kbId: string,
  signal?: AbortSignal,
  page?: Page,
): Promise<KnowledgeDocument[]> {
  const query = page ? `?limit=${page.limit}&offset=${page.offset}` : '';
  return apiRequest(
    basePath(workspaceId, kbId, '/documents') + query,
    (body) => listOf(body, 'documents', parseDocument),
    withSignal(signal),
  );
}

/** The pages a sitemap or crawl found, in the order they were found (at most `limit`). */
export function fetchDocumentPages(
  workspaceId: string,
  kbId: string,
  docId: string,
  limit: number,
  signal?: AbortSignal,
): Promise<KnowledgeDocument[]> {
  return apiRequest(
    basePath(workspaceId, kbId, `/documents?parent_id=${encodeURIComponent(docId)}&limit=${limit}`),
    (body) => listOf(body, 'pages', parseDocument),
    withSignal(signal),
  );
}

/** The text of a pasted text document, as written. */
export function fetchDocumentText(workspaceId: string, kbId: string, docId: string, signal?: AbortSignal): Promise<string> {
  return apiRequest(
    documentPath(workspaceId, kbId, docId),
    (body) => strOrEmpty(record(body, 'document'), 'text', 'document'),
    withSignal(signal),
  );
}

/** Longest title and text of a document the server accepts. */
export const MAX_DOCUMENT_TITLE = 500;
export const MAX_DOCUMENT_TEXT = 1_000_000;

/** A chunk of a document as stored and searched. */
export interface DocumentChunk {
  id: string;
  ord: number;
  title_path: string;
  url: string;
  text: string;
}

export function parseChunk(value: unknown, what = 'chunk'): DocumentChunk {
  const obj = record(value, what);
  return {
    id: id(obj, 'id', what),
    ord: num(obj, 'ord', what),
    title_path: strOrEmpty(obj, 'title_path', what),
    url: strOrEmpty(obj, 'url', what),
    text: strOrEmpty(obj, 'text', what),
  };
}

/** A document's chunks in document order (at most `limit`): what Deskmate made of it. */
export function fetchDocumentChunks(
  workspaceId: string,
  kbId: string,
  docId: string,
  limit: number,
  signal?: AbortSignal,
): Promise<DocumentChunk[]> {
  return apiRequest(
    documentPath(workspaceId, kbId, docId, `/chunks?limit=${limit}`),
    (body) => listOf(body, 'chunks', parseChunk),
    withSignal(signal),
  );
}

export function addDocument(workspaceId: string, kbId: string, input: NewDocument): Promise<KnowledgeDocument> {
  return apiRequest(basePath(workspaceId, kbId, '/documents'), (body) => parseDocument(body), {
    method: 'POST',
    json: input,
  });
}

/** Uploads files as multipart/form-data, each in the field `file`. */
export function uploadFiles(workspaceId: string, kbId: string, files: readonly File[]): Promise<UploadResult> {
  const form = new FormData();
  for (const file of files) {
    form.append('file', file, file.name);
  }
  return apiRequest(basePath(workspaceId, kbId, '/uploads'), parseUploadResult, { method: 'POST', formData: form });
}

export interface DocumentChanges {
  title?: string;
  text?: string;
  enabled?: boolean;
}

function documentPath(workspaceId: string, kbId: string, docId: string, rest = ''): string {
  return basePath(workspaceId, kbId, `/documents/${encodeURIComponent(docId)}${rest}`);
}

export function updateDocument(
  workspaceId: string,
  kbId: string,
  docId: string,
  changes: DocumentChanges,
): Promise<KnowledgeDocument> {
  return apiRequest(documentPath(workspaceId, kbId, docId), (body) => parseDocument(body), {
    method: 'PATCH',
    json: changes,
  });
}

export function deleteDocument(workspaceId: string, kbId: string, docId: string): Promise<void> {
  return apiRequest(documentPath(workspaceId, kbId, docId), noContent, { method: 'DELETE' });
}

/** Fetches a web source again. */
export function resyncDocument(workspaceId: string, kbId: string, docId: string): Promise<KnowledgeDocument> {
  return apiRequest(documentPath(workspaceId, kbId, docId, '/resync'), (body) => parseDocument(body), {
    method: 'POST',
  });
}

/** Ingests a failed document again. */
export function retryDocument(workspaceId: string, kbId: string, docId: string): Promise<KnowledgeDocument> {
  return apiRequest(documentPath(workspaceId, kbId, docId, '/retry'), (body) => parseDocument(body), {
    method: 'POST',
  });
}

// --- Search ---------------------------------------------------------------------------------

export interface SearchResult {
  chunk_id: string;
  document_id: string;
  knowledge_base_id: string;
  title: string;
  /** Headings above the chunk, such as "FAQ › Returns". */
  title_path: string;
  url: string;
  text: string;
  /** Fused score of both searches. */
  score: number;
  vector_score: number;
  text_score: number;
  /** Rank in the meaning (vector) search; 0 when the chunk was not found by it. */
  vector_rank: number;
  /** Rank in the word (full text) search; 0 when the chunk was not found by it. */
  text_rank: number;
}

export interface SearchAnswer {
  results: SearchResult[];
  took_ms: number;
}

export interface SearchInput {
  query: string;
  knowledge_base_ids?: string[];
  limit?: number;
}

export function parseSearchResult(value: unknown, what = 'result'): SearchResult {
  const obj = record(value, what);
  return {
    chunk_id: id(obj, 'chunk_id', what),
    document_id: id(obj, 'document_id', what),
    knowledge_base_id: id(obj, 'knowledge_base_id', what),
    title: strOrEmpty(obj, 'title', what),
    title_path: strOrEmpty(obj, 'title_path', what),
    url: strOrEmpty(obj, 'url', what),
    text: strOrEmpty(obj, 'text', what),
    score: num(obj, 'score', what),
    vector_score: numOrZero(obj, 'vector_score', what),
    text_score: numOrZero(obj, 'text_score', what),
    vector_rank: numOrZero(obj, 'vector_rank', what),
    text_rank: numOrZero(obj, 'text_rank', what),
  };
}

export function parseSearchAnswer(body: unknown): SearchAnswer {
  const obj = record(body, 'search answer');
  return {
    results: listOf(obj.results ?? [], 'results', parseSearchResult),
    took_ms: numOrZero(obj, 'took_ms', 'search answer'),
  };
}

/** Searches the workspace's knowledge, or only the given knowledge bases. */
export function searchKnowledge(workspaceId: string, input: SearchInput, signal?: AbortSignal): Promise<SearchAnswer> {
  const json: Record<string, unknown> = { query: input.query };
  if (input.knowledge_base_ids && input.knowledge_base_ids.length > 0) {
    // The server takes numeric ids here.
    json.knowledge_base_ids = input.knowledge_base_ids.map((kb) => (/^\d+$/.test(kb) ? Number(kb) : kb));
  }
  if (input.limit !== undefined) {
    json.limit = input.limit;
  }
  return apiRequest(workspacePath(workspaceId, '/knowledge/search'), parseSearchAnswer, {
    method: 'POST',
    json,
    ...withSignal(signal),
  });
}

// --- Query keys and invalidation ------------------------------------------------------------

/**
 * TanStack Query keys of knowledge. Everything about one knowledge base (its progress, its
 * documents and their details) starts with `base(…)`, so invalidating that key refreshes it all.
 */
export const knowledgeKeys = {
  all: (workspaceId: string) => [...workspaceKeys.all(workspaceId), 'knowledge'] as const,
  bases: (workspaceId: string) => [...workspaceKeys.all(workspaceId), 'knowledge', 'bases'] as const,
  base: (workspaceId: string, kbId: string) => [...workspaceKeys.all(workspaceId), 'knowledge', 'base', kbId] as const,
  progress: (workspaceId: string, kbId: string) => [...knowledgeKeys.base(workspaceId, kbId), 'progress'] as const,
  /** Every page of a knowledge base's documents. */
  documents: (workspaceId: string, kbId: string) => [...knowledgeKeys.base(workspaceId, kbId), 'documents'] as const,
  /** One page of documents, from `offset`. */
  documentsPage: (workspaceId: string, kbId: string, offset: number) =>
    [...knowledgeKeys.documents(workspaceId, kbId), offset] as const,
  /** Chunks or pages of one document; under `documents`, so they refresh with the list. */
  documentDetails: (workspaceId: string, kbId: string, docId: string) =>
    [...knowledgeKeys.documents(workspaceId, kbId), 'details', docId] as const,
  /** The text of a pasted text document, for editing. */
  documentText: (workspaceId: string, kbId: string, docId: string) =>
    [...knowledgeKeys.documentDetails(workspaceId, kbId, docId), 'text'] as const,
};

/** After a knowledge base was created, changed or deleted: the list of knowledge bases. */
export function invalidateKnowledgeBases(queryClient: QueryClient, workspaceId: string): Promise<void> {
  return invalidate(queryClient, knowledgeKeys.bases(workspaceId));
}

/** Caches a created or changed knowledge base, and refreshes the list it appears in. */
export function storeKnowledgeBase(queryClient: QueryClient, workspaceId: string, base: KnowledgeBase): Promise<void> {
  queryClient.setQueryData(knowledgeKeys.base(workspaceId, base.id), base);
  return invalidateKnowledgeBases(queryClient, workspaceId);
}

/** Forgets a deleted knowledge base and everything under it, and refreshes the list. */
export function forgetKnowledgeBase(queryClient: QueryClient, workspaceId: string, kbId: string): Promise<void> {
  queryClient.removeQueries({ queryKey: knowledgeKeys.base(workspaceId, kbId) });
  return invalidateKnowledgeBases(queryClient, workspaceId);
}

/**
 * After documents were added, removed, fetched again or finished: everything about the
 * knowledge base (its counts, progress and documents) and the list with its counts.
 */
export function invalidateKnowledgeBase(queryClient: QueryClient, workspaceId: string, kbId: string): Promise<void> {
  return invalidate(queryClient, knowledgeKeys.base(workspaceId, kbId), knowledgeKeys.bases(workspaceId));
}

/** After a document's text changed, which ingests it again: the documents and the progress. */
export function invalidateDocuments(queryClient: QueryClient, workspaceId: string, kbId: string): Promise<void> {
  return invalidate(queryClient, knowledgeKeys.documents(workspaceId, kbId), knowledgeKeys.progress(workspaceId, kbId));
}
