package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// KnowledgeBase is a named set of documents in a workspace, with its chunking
// and search settings.
type KnowledgeBase struct {
	ID                  int64     `db:"id"`
	WorkspaceID         int64     `db:"workspace_id"`
	Name                string    `db:"name"`
	Description         string    `db:"description"`
	ChunkSize           int       `db:"chunk_size"`
	ChunkOverlap        int       `db:"chunk_overlap"`
	Language            string    `db:"language"`
	Enabled             bool      `db:"enabled"`
	ResyncIntervalHours int       `db:"resync_interval_hours"`
	CreatedAt           time.Time `db:"created_at"`
	UpdatedAt           time.Time `db:"updated_at"`
	// Filled by KnowledgeBases and KnowledgeBaseByID.
	DocumentCount int `db:"document_count"`
	ChunkCount    int `db:"chunk_count"`
}

const knowledgeBaseColumns = `k.id, k.workspace_id, k.name, k.description, k.chunk_size, k.chunk_overlap, k.language,
	k.enabled, k.resync_interval_hours, k.created_at, k.updated_at`

// knowledgeBaseCounts adds the document and chunk counts of k.
const knowledgeBaseCounts = `,
	(SELECT count(*) FROM knowledge_documents d WHERE d.knowledge_base_id = k.id) AS document_count,
	(SELECT count(*) FROM knowledge_chunks c WHERE c.knowledge_base_id = k.id) AS chunk_count`

// knowledgeBaseNoCounts stands in for knowledgeBaseCounts where they are not read.
const knowledgeBaseNoCounts = `, 0 AS document_count, 0 AS chunk_count`

// CreateKnowledgeBase inserts a knowledge base.
func CreateKnowledgeBase(ctx context.Context, q Querier, k KnowledgeBase) (KnowledgeBase, error) {
	out, err := queryOne(ctx, q, pgx.RowToStructByName[KnowledgeBase], `
		INSERT INTO knowledge_bases AS k (workspace_id, name, description, chunk_size, chunk_overlap, language, enabled, resync_interval_hours)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+knowledgeBaseColumns+knowledgeBaseNoCounts,
		k.WorkspaceID, k.Name, k.Description, k.ChunkSize, k.ChunkOverlap, k.Language, k.Enabled, k.ResyncIntervalHours)
	return out, wrap("create knowledge base", err)
}

// UpdateKnowledgeBase saves every setting of a knowledge base of the workspace.
func UpdateKnowledgeBase(ctx context.Context, q Querier, k KnowledgeBase) (KnowledgeBase, error) {
	out, err := queryOne(ctx, q, pgx.RowToStructByName[KnowledgeBase], `
		UPDATE knowledge_bases AS k SET name = $3, description = $4, chunk_size = $5, chunk_overlap = $6, language = $7,
			enabled = $8, resync_interval_hours = $9, updated_at = now()
		WHERE k.workspace_id = $1 AND k.id = $2 RETURNING `+knowledgeBaseColumns+knowledgeBaseNoCounts,
		k.WorkspaceID, k.ID, k.Name, k.Description, k.ChunkSize, k.ChunkOverlap, k.Language, k.Enabled, k.ResyncIntervalHours)
	return out, wrap("update knowledge base", err)
}

// KnowledgeBaseByID returns one knowledge base of the workspace, with counts.
func KnowledgeBaseByID(ctx context.Context, q Querier, workspaceID, id int64) (KnowledgeBase, error) {
	k, err := queryOne(ctx, q, pgx.RowToStructByName[KnowledgeBase], `SELECT `+knowledgeBaseColumns+knowledgeBaseCounts+`
		FROM knowledge_bases k WHERE k.workspace_id = $1 AND k.id = $2`, workspaceID, id)
	return k, wrap("knowledge base", err)
}

// KnowledgeBases lists the workspace's knowledge bases by name, with counts.
func KnowledgeBases(ctx context.Context, q Querier, workspaceID int64) ([]KnowledgeBase, error) {
	out, err := queryAll(ctx, q, pgx.RowToStructByName[KnowledgeBase], `SELECT `+knowledgeBaseColumns+knowledgeBaseCounts+`
		FROM knowledge_bases k WHERE k.workspace_id = $1 ORDER BY lower(k.name), k.id`, workspaceID)
	return out, wrap("knowledge bases", err)
}

// DeleteKnowledgeBase removes a knowledge base with its documents, chunks and vectors.
func DeleteKnowledgeBase(ctx context.Context, q Querier, workspaceID, id int64) error {
	return wrap("delete knowledge base", mustAffect(q.Exec(ctx,
		`DELETE FROM knowledge_bases WHERE workspace_id = $1 AND id = $2`, workspaceID, id)))
}

// SetChunkLanguage moves up to limit chunks of a knowledge base, after id
// afterID, to the base's language (their text search vectors are rebuilt).
// It returns the last chunk id looked at (0 when none was left) and how many
// chunks changed.
func SetChunkLanguage(ctx context.Context, q Querier, workspaceID, baseID, afterID int64, limit int) (int64, int, error) {
	var last *int64
	var changed int
	err := q.QueryRow(ctx, `
		WITH batch AS (
			SELECT c.id FROM knowledge_chunks c
			WHERE c.workspace_id = $1 AND c.knowledge_base_id = $2 AND c.id > $3 ORDER BY c.id LIMIT $4),
		upd AS (
			UPDATE knowledge_chunks c SET language = k.language::regconfig
			FROM batch, knowledge_bases k
			WHERE c.id = batch.id AND k.id = c.knowledge_base_id AND c.language <> k.language::regconfig
			RETURNING c.id)
		SELECT (SELECT max(id) FROM batch), (SELECT count(*) FROM upd)`, workspaceID, baseID, afterID, limit).Scan(&last, &changed)
	if err != nil || last == nil {
		return 0, 0, wrap("set chunk language", err)
	}
	return *last, changed, nil
}
