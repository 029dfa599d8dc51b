package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// KnowledgeDocument is one source of knowledge: pasted text, an uploaded file,
// a web page, or a sitemap or crawl whose pages are documents of their own.
type KnowledgeDocument struct {
	ID              int64      `db:"id"`
	WorkspaceID     int64      `db:"workspace_id"`
	KnowledgeBaseID int64      `db:"knowledge_base_id"`
	ParentID        *int64     `db:"parent_id"`
	SourceType      string     `db:"source_type"`
	Title           string     `db:"title"`
	URL             string     `db:"url"`
	Filename        string     `db:"filename"`
	Format          string     `db:"format"`
	Body            string     `db:"body"`
	Raw             []byte     `db:"-"` // loaded only by KnowledgeDocumentForIngest
	ContentHash     []byte     `db:"content_hash"`
	ETag            string     `db:"etag"`
	LastModified    string     `db:"last_modified"`
	MaxPages        int        `db:"max_pages"`
	MaxDepth        int        `db:"max_depth"`
	Status          string     `db:"status"`
	Error           string     `db:"error"`
	Enabled         bool       `db:"enabled"`
	ChunkCount      int        `db:"chunk_count"`
	ChunksEmbedded  int        `db:"chunks_embedded"`
	RunID           *int64     `db:"run_id"`
	LastSyncedAt    *time.Time `db:"last_synced_at"`
	CreatedAt       time.Time  `db:"created_at"`
	UpdatedAt       time.Time  `db:"updated_at"`
	// Pages counts the pages of a sitemap or crawl.
	Pages PageCounts `db:"-"`
}

// PageCounts summarises the pages found by a sitemap or crawl.
type PageCounts struct {
	Total, Ready, Failed int
}

const knowledgeDocumentColumns = `d.id, d.workspace_id, d.knowledge_base_id, d.parent_id, d.source_type, d.title, d.url,
	d.filename, d.format, d.body, d.content_hash, d.etag, d.last_modified, d.max_pages, d.max_depth, d.status, d.error,
	d.enabled, d.chunk_count, d.chunks_embedded, d.run_id, d.last_synced_at, d.created_at, d.updated_at`

const knowledgePageCounts = `,
	(SELECT count(*) FROM knowledge_documents p WHERE p.parent_id = d.id) AS pages_total,
	(SELECT count(*) FROM knowledge_documents p WHERE p.parent_id = d.id AND p.status = 'ready') AS pages_ready,
	(SELECT count(*) FROM knowledge_documents p WHERE p.parent_id = d.id AND p.status = 'failed') AS pages_failed`

// documentWithPages is a row of knowledgeDocumentColumns and knowledgePageCounts.
type documentWithPages struct {
	KnowledgeDocument
	PagesTotal  int `db:"pages_total"`
	PagesReady  int `db:"pages_ready"`
	PagesFailed int `db:"pages_failed"`
}

func rowToDocumentWithPages(row pgx.CollectableRow) (KnowledgeDocument, error) {
	r, err := pgx.RowToStructByName[documentWithPages](row)
	d := r.KnowledgeDocument
	d.Pages = PageCounts{Total: r.PagesTotal, Ready: r.PagesReady, Failed: r.PagesFailed}
	return d, err
}

// documentWithRaw is a row of knowledgeDocumentColumns and d.raw.
type documentWithRaw struct {
	KnowledgeDocument
	Raw []byte `db:"raw"`
}

func rowToDocumentWithRaw(row pgx.CollectableRow) (KnowledgeDocument, error) {
	r, err := pgx.RowToStructByName[documentWithRaw](row)
	d := r.KnowledgeDocument
	d.Raw = r.Raw
	return d, err
}

// InsertKnowledgeDocument adds a document, pending, to run runID.
func InsertKnowledgeDocument(ctx context.Context, q Querier, d KnowledgeDocument) (KnowledgeDocument, error) {
	out, err := queryOne(ctx, q, pgx.RowToStructByName[KnowledgeDocument], `
		INSERT INTO knowledge_documents AS d (workspace_id, knowledge_base_id, parent_id, source_type, title, url, filename,
			format, body, raw, max_pages, max_depth, run_id, status)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'pending')
		RETURNING `+knowledgeDocumentColumns,
		d.WorkspaceID, d.KnowledgeBaseID, d.ParentID, d.SourceType, d.Title, d.URL, d.Filename, d.Format, d.Body, d.Raw,
		d.MaxPages, d.MaxDepth, d.RunID)
	return out, wrap("insert knowledge document", err)
}

// KnowledgeDocuments lists documents of a knowledge base: the top-level ones
// when parentID is nil, else the pages of that sitemap or crawl.
func KnowledgeDocuments(ctx context.Context, q Querier, workspaceID, baseID int64, parentID *int64, limit, offset int) ([]KnowledgeDocument, error) {
	out, err := queryAll(ctx, q, rowToDocumentWithPages, `SELECT `+knowledgeDocumentColumns+knowledgePageCounts+`
		FROM knowledge_documents d
		WHERE d.workspace_id = $1 AND d.knowledge_base_id = $2
			AND (($3::bigint IS NULL AND d.parent_id IS NULL) OR d.parent_id = $3)
		ORDER BY d.id LIMIT $4 OFFSET $5`, workspaceID, baseID, parentID, limit, offset)
	return out, wrap("knowledge documents", err)
}

// KnowledgeDocumentByID returns one document of a knowledge base of the workspace.
func KnowledgeDocumentByID(ctx context.Context, q Querier, workspaceID, baseID, id int64) (KnowledgeDocument, error) {
	d, err := queryOne(ctx, q, rowToDocumentWithPages, `SELECT `+knowledgeDocumentColumns+knowledgePageCounts+`
		FROM knowledge_documents d WHERE d.workspace_id = $1 AND d.knowledge_base_id = $2 AND d.id = $3`,
		workspaceID, baseID, id)
	return d, wrap("knowledge document", err)
}

// KnowledgeDocumentForIngest returns a document of the workspace with its raw bytes.
func KnowledgeDocumentForIngest(ctx context.Context, q Querier, workspaceID, id int64) (KnowledgeDocument, error) {
	d, err := queryOne(ctx, q, rowToDocumentWithRaw, `SELECT `+knowledgeDocumentColumns+`, d.raw
		FROM knowledge_documents d WHERE d.workspace_id = $1 AND d.id = $2`, workspaceID, id)
	return d, wrap("knowledge document", err)
}

// UpdateKnowledgeDocument saves title, body and enabled.
func UpdateKnowledgeDocument(ctx context.Context, q Querier, d KnowledgeDocument) error {
	return wrap("update knowledge document", mustAffect(q.Exec(ctx, `
		UPDATE knowledge_documents SET title = $4, body = $5, enabled = $6, updated_at = now()
		WHERE workspace_id = $1 AND knowledge_base_id = $2 AND id = $3`,
		d.WorkspaceID, d.KnowledgeBaseID, d.ID, d.Title, d.Body, d.Enabled)))
}

// DeleteKnowledgeDocument removes a document with its pages, chunks and vectors.
func DeleteKnowledgeDocument(ctx context.Context, q Querier, workspaceID, baseID, id int64) error {
	return wrap("delete knowledge document", mustAffect(q.Exec(ctx,
		`DELETE FROM knowledge_documents WHERE workspace_id = $1 AND knowledge_base_id = $2 AND id = $3`, workspaceID, baseID, id)))
}

// QueueKnowledgeDocuments puts documents of the workspace back to pending in
// run runID. A document still pending or processing in an unfinished run
// leaves that run, so the run can finish.
func QueueKnowledgeDocuments(ctx context.Context, q Querier, workspaceID int64, ids []int64, runID int64) error {
	_, err := q.Exec(ctx, `
		WITH old AS (
			SELECT run_id, count(*) AS n FROM knowledge_documents
			WHERE workspace_id = $1 AND id = ANY($2) AND run_id IS NOT NULL AND run_id <> $3
				AND status IN ('pending', 'processing')
			GROUP BY run_id),
		runs AS (
			UPDATE knowledge_runs r SET documents_total = r.documents_total - old.n,
				finished_at = CASE WHEN r.documents_done + r.documents_failed >= r.documents_total - old.n THEN now() END
			FROM old WHERE r.id = old.run_id AND r.finished_at IS NULL)
		UPDATE knowledge_documents SET status = 'pending', error = '', run_id = $3, updated_at = now()
		WHERE workspace_id = $1 AND id = ANY($2)`, workspaceID, ids, runID)
	return wrap("queue knowledge documents", err)
}

// StartKnowledgeDocument marks a document processing for run runID; false
// when the document is gone or belongs to a newer run.
func StartKnowledgeDocument(ctx context.Context, q Querier, id, runID int64) (bool, error) {
	tag, err := q.Exec(ctx, `UPDATE knowledge_documents SET status = 'processing', error = '', updated_at = now()
		WHERE id = $1 AND run_id = $2`, id, runID)
	if err != nil {
		return false, wrap("start knowledge document", err)
	}
	return tag.RowsAffected() == 1, nil
}

// StillInRun reports whether a document still exists and belongs to run runID.
func StillInRun(ctx context.Context, q Querier, id, runID int64) (bool, error) {
	var ok bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM knowledge_documents WHERE id = $1 AND run_id = $2)`, id, runID).Scan(&ok)
	return ok, wrap("document in run", err)
}

// DocumentOutcome is what ingesting a document produced.
type DocumentOutcome struct {
	Failed       bool
	Error        string
	Title        string // kept when empty
	Format       string // kept when empty
	ContentHash  []byte // kept when nil
	ETag         string
	LastModified string
	KeepRaw      bool
	Synced       bool // sets last_synced_at
}

// FinishKnowledgeDocument records a document's outcome and counts it in its
// run (finishing the run with its last document). It does nothing when the
// document moved to another run meanwhile.
func FinishKnowledgeDocument(ctx context.Context, q Querier, id, runID int64, o DocumentOutcome) error {
	status := "ready"
	if o.Failed {
		status = "failed"
	}
	_, err := q.Exec(ctx, `
		WITH d AS (
			UPDATE knowledge_documents SET status = $3, error = $4,
				title = CASE WHEN $5 = '' THEN title ELSE $5 END,
				format = CASE WHEN $6 = '' THEN format ELSE $6 END,
				content_hash = coalesce($7, content_hash),
				etag = CASE WHEN $3 = 'ready' THEN $8 ELSE etag END,
				last_modified = CASE WHEN $3 = 'ready' THEN $9 ELSE last_modified END,
				raw = CASE WHEN $10 THEN raw END,
				last_synced_at = CASE WHEN $11 THEN now() ELSE last_synced_at END,
				updated_at = now()
			WHERE id = $1 AND run_id = $2 AND status IN ('pending', 'processing')
			RETURNING run_id)
		UPDATE knowledge_runs r SET
			documents_done = r.documents_done + ($3 = 'ready')::int,
			documents_failed = r.documents_failed + ($3 = 'failed')::int,
			finished_at = CASE WHEN r.documents_done + r.documents_failed + 1 >= r.documents_total THEN now() END
		FROM d WHERE r.id = d.run_id`,
		id, runID, status, o.Error, o.Title, o.Format, o.ContentHash, o.ETag, o.LastModified, o.KeepRaw, o.Synced)
	return wrap("finish knowledge document", err)
}

// SetDocumentChunkCounts records a document's number of chunks and how many
// already have vectors, and adds the chunks still to embed to its run.
func SetDocumentChunkCounts(ctx context.Context, q Querier, id, runID int64, total, embedded int) error {
	_, err := q.Exec(ctx, `
		WITH d AS (
			UPDATE knowledge_documents SET chunk_count = $3, chunks_embedded = $4, updated_at = now()
			WHERE id = $1 AND run_id = $2 RETURNING run_id)
		UPDATE knowledge_runs r SET chunks_total = r.chunks_total + $3, chunks_done = r.chunks_done + $4
		FROM d WHERE r.id = d.run_id`, id, runID, total, embedded)
	return wrap("document chunk counts", err)
}

// AddDocumentEmbedded counts n more chunks of a document as embedded.
func AddDocumentEmbedded(ctx context.Context, q Querier, id, runID int64, n int) error {
	_, err := q.Exec(ctx, `
		WITH d AS (
			UPDATE knowledge_documents SET chunks_embedded = least(chunks_embedded + $3, chunk_count)
			WHERE id = $1 AND run_id = $2 RETURNING run_id)
		UPDATE knowledge_runs r SET chunks_done = least(r.chunks_done + $3, r.chunks_total)
		FROM d WHERE r.id = d.run_id`, id, runID, n)
	return wrap("document progress", err)
}

// KnowledgePage is a page found by a sitemap or crawl.
type KnowledgePage struct {
	URL         string
	Raw         []byte // fetched body (crawl), nil when the page job fetches it (sitemap)
	ContentHash []byte // SHA-256 of Raw
	Format      string
}

// UpsertKnowledgePages records pages found under parent in run runID and
// returns the ids of those to ingest: new pages and pages whose content
// changed. Unchanged ready pages only get their sync time updated.
func UpsertKnowledgePages(ctx context.Context, q Querier, parent KnowledgeDocument, runID int64, pages []KnowledgePage) ([]int64, error) {
	var queued []int64
	for _, p := range pages {
		var id int64
		var queue bool
		err := q.QueryRow(ctx, `
			INSERT INTO knowledge_documents AS d (workspace_id, knowledge_base_id, parent_id, source_type, url, format, raw, run_id, status)
			VALUES ($1, $2, $3, 'page', $4, $5, $6, $7, 'pending')
			ON CONFLICT (parent_id, url) WHERE parent_id IS NOT NULL DO UPDATE SET
				raw = CASE WHEN d.status = 'ready' AND d.content_hash = $8 THEN NULL ELSE EXCLUDED.raw END,
				status = CASE WHEN d.status = 'ready' AND d.content_hash = $8 THEN 'ready' ELSE 'pending' END,
				error = CASE WHEN d.status = 'ready' AND d.content_hash = $8 THEN d.error ELSE '' END,
				run_id = CASE WHEN d.status = 'ready' AND d.content_hash = $8 THEN d.run_id ELSE EXCLUDED.run_id END,
				last_synced_at = CASE WHEN d.status = 'ready' AND d.content_hash = $8 THEN now() ELSE d.last_synced_at END,
				updated_at = now()
			RETURNING d.id, d.status = 'pending'`,
			parent.WorkspaceID, parent.KnowledgeBaseID, parent.ID, p.URL, p.Format, p.Raw, runID, p.ContentHash).Scan(&id, &queue)
		if err != nil {
			return nil, wrap("upsert knowledge page", err)
		}
		if queue {
			queued = append(queued, id)
		}
	}
	if len(queued) > 0 {
		if _, err := q.Exec(ctx, `UPDATE knowledge_runs SET documents_total = documents_total + $2, finished_at = NULL WHERE id = $1`,
			runID, len(queued)); err != nil {
			return nil, wrap("count knowledge pages", err)
		}
	}
	return queued, nil
}

// DeleteKnowledgePagesExcept removes the pages of parent whose URL is not in keep.
func DeleteKnowledgePagesExcept(ctx context.Context, q Querier, workspaceID, parentID int64, keep []string) (int64, error) {
	tag, err := q.Exec(ctx, `DELETE FROM knowledge_documents WHERE workspace_id = $1 AND parent_id = $2 AND NOT (url = ANY($3))`,
		workspaceID, parentID, keep)
	return tag.RowsAffected(), wrap("delete stale pages", err)
}

// DueWebDocument is a web source due for a scheduled re-sync.
type DueWebDocument struct {
	WorkspaceID     int64 `db:"workspace_id"`
	KnowledgeBaseID int64 `db:"knowledge_base_id"`
	DocumentID      int64 `db:"document_id"`
}

// DueWebDocuments lists top-level web sources (URL, sitemap, crawl) of enabled
// knowledge bases whose re-sync interval has passed and that are not being
// ingested, oldest first.
func DueWebDocuments(ctx context.Context, q Querier, limit int) ([]DueWebDocument, error) {
	out, err := queryAll(ctx, q, pgx.RowToStructByName[DueWebDocument], `
		SELECT d.workspace_id, d.knowledge_base_id, d.id AS document_id FROM knowledge_documents d
		JOIN knowledge_bases k ON k.id = d.knowledge_base_id
		WHERE d.parent_id IS NULL AND d.source_type IN ('url', 'sitemap', 'crawl') AND d.enabled
			AND k.enabled AND k.resync_interval_hours > 0 AND d.status IN ('ready', 'failed')
			AND coalesce(d.last_synced_at, d.updated_at) < now() - make_interval(hours => k.resync_interval_hours)
		ORDER BY coalesce(d.last_synced_at, d.updated_at) LIMIT $1`, limit)
	return out, wrap("due web documents", err)
}

// KnowledgeContentDocumentIDs lists the documents of a knowledge base that
// have content of their own (all but sitemaps and crawls).
func KnowledgeContentDocumentIDs(ctx context.Context, q Querier, workspaceID, baseID int64) ([]int64, error) {
	out, err := queryAll(ctx, q, pgx.RowTo[int64], `SELECT id FROM knowledge_documents
		WHERE workspace_id = $1 AND knowledge_base_id = $2 AND source_type NOT IN ('sitemap', 'crawl') ORDER BY id`,
		workspaceID, baseID)
	return out, wrap("knowledge document ids", err)
}
