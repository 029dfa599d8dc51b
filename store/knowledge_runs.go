package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// KnowledgeRun is one ingestion run with its counters.
type KnowledgeRun struct {
	ID              int64
	KnowledgeBaseID int64
	Kind            string
	DocumentsTotal  int
	DocumentsDone   int
	DocumentsFailed int
	ChunksTotal     int
	ChunksDone      int
	CreatedAt       time.Time
	FinishedAt      *time.Time
}

const knowledgeRunColumns = `id, knowledge_base_id, kind, documents_total, documents_done, documents_failed,
	chunks_total, chunks_done, created_at, finished_at`

func scanKnowledgeRun(row pgx.Row) (KnowledgeRun, error) {
	var r KnowledgeRun
	err := row.Scan(&r.ID, &r.KnowledgeBaseID, &r.Kind, &r.DocumentsTotal, &r.DocumentsDone, &r.DocumentsFailed,
		&r.ChunksTotal, &r.ChunksDone, &r.CreatedAt, &r.FinishedAt)
	return r, mapErr(err)
}

// CreateKnowledgeRun starts a run of documents documents.
func CreateKnowledgeRun(ctx context.Context, q Querier, workspaceID, baseID int64, kind string, documents int) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `INSERT INTO knowledge_runs (workspace_id, knowledge_base_id, kind, documents_total)
		VALUES ($1, $2, $3, $4) RETURNING id`, workspaceID, baseID, kind, documents).Scan(&id)
	return id, wrap("create knowledge run", err)
}

// KnowledgeRuns lists a knowledge base's runs, newest first.
func KnowledgeRuns(ctx context.Context, q Querier, workspaceID, baseID int64, limit int) ([]KnowledgeRun, error) {
	rows, err := q.Query(ctx, `SELECT `+knowledgeRunColumns+` FROM knowledge_runs
		WHERE workspace_id = $1 AND knowledge_base_id = $2 ORDER BY id DESC LIMIT $3`, workspaceID, baseID, limit)
	if err != nil {
		return nil, wrap("knowledge runs", err)
	}
	defer rows.Close()
	out := []KnowledgeRun{}
	for rows.Next() {
		r, err := scanKnowledgeRun(rows)
		if err != nil {
			return nil, wrap("knowledge runs", err)
		}
		out = append(out, r)
	}
	return out, wrap("knowledge runs", rows.Err())
}

// KnowledgeProgress is where a knowledge base's ingestion stands.
type KnowledgeProgress struct {
	DocumentsTotal, DocumentsDone, DocumentsFailed int
	ChunksTotal, ChunksDone                        int
	// Pending counts documents waiting or being processed.
	Pending int
}

// KnowledgeBaseProgress adds up the documents and chunks of a knowledge base.
func KnowledgeBaseProgress(ctx context.Context, q Querier, workspaceID, baseID int64) (KnowledgeProgress, error) {
	var p KnowledgeProgress
	err := q.QueryRow(ctx, `
		SELECT count(*), count(*) FILTER (WHERE status = 'ready'), count(*) FILTER (WHERE status = 'failed'),
			coalesce(sum(chunk_count), 0), coalesce(sum(least(chunks_embedded, chunk_count)), 0),
			count(*) FILTER (WHERE status IN ('pending', 'processing'))
		FROM knowledge_documents WHERE workspace_id = $1 AND knowledge_base_id = $2`, workspaceID, baseID).
		Scan(&p.DocumentsTotal, &p.DocumentsDone, &p.DocumentsFailed, &p.ChunksTotal, &p.ChunksDone, &p.Pending)
	return p, wrap("knowledge progress", err)
}
