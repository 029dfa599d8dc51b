package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// KnowledgeRun is one ingestion run with its counters.
type KnowledgeRun struct {
	ID              int64      `db:"id"`
	KnowledgeBaseID int64      `db:"knowledge_base_id"`
	Kind            string     `db:"kind"`
	DocumentsTotal  int        `db:"documents_total"`
	DocumentsDone   int        `db:"documents_done"`
	DocumentsFailed int        `db:"documents_failed"`
	ChunksTotal     int        `db:"chunks_total"`
	ChunksDone      int        `db:"chunks_done"`
	CreatedAt       time.Time  `db:"created_at"`
	FinishedAt      *time.Time `db:"finished_at"`
}

const knowledgeRunColumns = `id, knowledge_base_id, kind, documents_total, documents_done, documents_failed,
	chunks_total, chunks_done, created_at, finished_at`

// CreateKnowledgeRun starts a run of documents documents.
func CreateKnowledgeRun(ctx context.Context, q Querier, workspaceID, baseID int64, kind string, documents int) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `INSERT INTO knowledge_runs (workspace_id, knowledge_base_id, kind, documents_total)
		VALUES ($1, $2, $3, $4) RETURNING id`, workspaceID, baseID, kind, documents).Scan(&id)
	return id, wrap("create knowledge run", err)
}

// KnowledgeRuns lists a knowledge base's runs, newest first.
func KnowledgeRuns(ctx context.Context, q Querier, workspaceID, baseID int64, limit int) ([]KnowledgeRun, error) {
	out, err := queryAll(ctx, q, pgx.RowToStructByName[KnowledgeRun], `SELECT `+knowledgeRunColumns+` FROM knowledge_runs
		WHERE workspace_id = $1 AND knowledge_base_id = $2 ORDER BY id DESC LIMIT $3`, workspaceID, baseID, limit)
	return out, wrap("knowledge runs", err)
}

// KnowledgeProgress is where a knowledge base's ingestion stands.
type KnowledgeProgress struct {
	DocumentsTotal  int `db:"documents_total"`
	DocumentsDone   int `db:"documents_done"`
	DocumentsFailed int `db:"documents_failed"`
	ChunksTotal     int `db:"chunks_total"`
	ChunksDone      int `db:"chunks_done"`
	// Pending counts documents waiting or being processed.
	Pending int `db:"pending"`
}

// KnowledgeBaseProgress adds up the documents and chunks of a knowledge base.
func KnowledgeBaseProgress(ctx context.Context, q Querier, workspaceID, baseID int64) (KnowledgeProgress, error) {
	p, err := queryOne(ctx, q, pgx.RowToStructByName[KnowledgeProgress], `
		SELECT count(*) AS documents_total,
			count(*) FILTER (WHERE status = 'ready') AS documents_done,
			count(*) FILTER (WHERE status = 'failed') AS documents_failed,
			coalesce(sum(chunk_count), 0) AS chunks_total,
			coalesce(sum(least(chunks_embedded, chunk_count)), 0) AS chunks_done,
			count(*) FILTER (WHERE status IN ('pending', 'processing')) AS pending
		FROM knowledge_documents WHERE workspace_id = $1 AND knowledge_base_id = $2`, workspaceID, baseID)
	return p, wrap("knowledge progress", err)
}
