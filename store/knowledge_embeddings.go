package store

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pgvector/pgvector-go"
)

// Vector size limits of pgvector's HNSW index: vector up to 2,000
// dimensions, halfvec up to 4,000. Larger vectors are searched exactly.
const (
	MaxVectorIndexDims  = 2000
	MaxHalfvecIndexDims = 4000
)

// Embedding is one chunk's vector from one model.
type Embedding struct {
	ChunkID         int64
	WorkspaceID     int64
	KnowledgeBaseID int64
	DocumentID      int64
	Model           string
	Vector          []float32
}

// Copier is what a pool and a transaction offer for COPY.
type Copier interface {
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// CopyEmbeddings writes vectors with COPY. A vector that already exists for
// its chunk and model is a *ConflictError.
func CopyEmbeddings(ctx context.Context, q Copier, rows []Embedding) error {
	src := make([][]any, len(rows))
	for i, r := range rows {
		src[i] = []any{r.ChunkID, r.Model, int32(len(r.Vector)), r.WorkspaceID, r.KnowledgeBaseID, r.DocumentID, pgvector.NewVector(r.Vector)}
	}
	_, err := q.CopyFrom(ctx, pgx.Identifier{"knowledge_embeddings"},
		[]string{"chunk_id", "model", "dims", "workspace_id", "knowledge_base_id", "document_id", "embedding"}, pgx.CopyFromRows(src))
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23503" {
		// A chunk was deleted meanwhile (the document changed or went away).
		return fmt.Errorf("store vectors: %w", ErrNotFound)
	}
	return wrap("store vectors", err)
}

// EmbeddingIndexName names the HNSW index of one model and size, e.g.
// kemb_builtin_hash_v1_1a2b3c4d_1024.
func EmbeddingIndexName(model string, dims int) string {
	var b strings.Builder
	for _, r := range strings.ToLower(model) {
		if b.Len() >= 30 {
			break
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	h := fnv.New32a()
	h.Write([]byte(model))
	return fmt.Sprintf("kemb_%s_%08x_%d", b.String(), h.Sum32(), dims)
}

// quoteLiteral quotes s as an SQL string literal (standard_conforming_strings is on).
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// MaxModelNameLen is the longest model name Deskmate stores.
const MaxModelNameLen = 200

// ValidModelName reports whether name uses only the characters model names
// are made of (Ollama's "nomic-embed-text:latest", "hf.co/org/model:Q4_K_M",
// OpenAI's "text-embedding-3-small", "BAAI/bge-small-en-v1.5"): letters,
// digits and . _ : / @ + -. Model names are written into SQL as literals (the
// planner needs them to use a partial index), so nothing else may pass,
// whatever the server's quoting settings.
func ValidModelName(name string) bool {
	if name == "" || len(name) > MaxModelNameLen {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("._:/@+-", c) >= 0) {
			return false
		}
	}
	return true
}

// vectorCast is the expression the index of a model of dims is built on, and
// that queries must use for the index to serve them ("" when no index fits).
func vectorCast(dims int) (expr, ops string) {
	switch {
	case dims <= MaxVectorIndexDims:
		return fmt.Sprintf("(embedding::vector(%d))", dims), "vector_cosine_ops"
	case dims <= MaxHalfvecIndexDims:
		return fmt.Sprintf("(embedding::halfvec(%d))", dims), "halfvec_cosine_ops"
	}
	return "", ""
}

// EnsureEmbeddingIndex creates, unless it exists, the partial HNSW index for
// the vectors of one model and size (cosine distance; halfvec above 2,000
// dimensions; none above 4,000). It returns the index name, "" when none fits.
// Run it from a job, not a request: on many rows the build takes a while.
func EnsureEmbeddingIndex(ctx context.Context, db *DB, model string, dims int) (string, error) {
	expr, ops := vectorCast(dims)
	if expr == "" {
		return "", nil
	}
	if !ValidModelName(model) {
		return "", fmt.Errorf("model name %q has characters a model name cannot have", model)
	}
	name := EmbeddingIndexName(model, dims)
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		// Serialise index changes: concurrent CREATE INDEX IF NOT EXISTS can collide.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('deskmate.knowledge_embedding_index', 0))`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SET LOCAL maintenance_work_mem = '256MB'`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON knowledge_embeddings USING hnsw (%s %s)
			WITH (m = 16, ef_construction = 64) WHERE model = %s AND dims = %d`,
			pgx.Identifier{name}.Sanitize(), expr, ops, quoteLiteral(model), dims))
		return err
	})
	return name, wrap("create vector index", err)
}

// DropEmbeddingIndexIfUnused drops the index of a model and size once no
// workspace has vectors from it.
func DropEmbeddingIndexIfUnused(ctx context.Context, db *DB, model string, dims int) error {
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('deskmate.knowledge_embedding_index', 0))`); err != nil {
			return err
		}
		var used bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM knowledge_embeddings WHERE model = $1 AND dims = $2)`,
			model, dims).Scan(&used); err != nil || used {
			return err
		}
		_, err := tx.Exec(ctx, `DROP INDEX IF EXISTS `+pgx.Identifier{EmbeddingIndexName(model, dims)}.Sanitize())
		return err
	})
	return wrap("drop vector index", err)
}

// DeleteOtherEmbeddings deletes up to limit vectors of a workspace that are
// from none of the models in keep, and returns the models and sizes it
// deleted from with the number deleted.
func DeleteOtherEmbeddings(ctx context.Context, q Querier, workspaceID int64, keep []string, limit int) (map[ModelDims]int, error) {
	type deleted struct {
		ModelDims
		N int `db:"n"`
	}
	rows, err := queryAll(ctx, q, pgx.RowToStructByName[deleted], `
		WITH d AS (
			DELETE FROM knowledge_embeddings WHERE (chunk_id, model) IN (
				SELECT chunk_id, model FROM knowledge_embeddings
				WHERE workspace_id = $1 AND model <> ALL($2) LIMIT $3)
			RETURNING model, dims)
		SELECT model, dims, count(*) AS n FROM d GROUP BY model, dims`, workspaceID, keep, limit)
	if err != nil {
		return nil, wrap("delete old vectors", err)
	}
	out := make(map[ModelDims]int, len(rows))
	for _, r := range rows {
		out[r.ModelDims] = r.N
	}
	return out, nil
}

// HasOtherEmbeddings reports whether a workspace has vectors from a model other than keep.
func HasOtherEmbeddings(ctx context.Context, q Querier, workspaceID int64, keep string) (bool, error) {
	var ok bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM knowledge_embeddings WHERE workspace_id = $1 AND model <> $2)`,
		workspaceID, keep).Scan(&ok)
	return ok, wrap("other vectors", err)
}

// ModelDims names the vectors of one model and size.
type ModelDims struct {
	Model string `db:"model"`
	Dims  int    `db:"dims"`
}

// EmbedderSpec says how to rebuild an embedder: provider, base URL and model
// (never the API key, which stays in the workspace's secrets).
type EmbedderSpec struct {
	Provider string `json:"provider"`
	BaseURL  string `json:"base_url,omitempty"`
	Model    string `json:"model,omitempty"`
}

// EmbedderState is the embedding model a workspace's search uses, and the one
// it is moving to while everything is re-embedded.
type EmbedderState struct {
	WorkspaceID int64        `db:"workspace_id"`
	ActiveModel string       `db:"active_model"`
	ActiveDims  int          `db:"active_dims"`
	ActiveSpec  EmbedderSpec `db:"active_spec"`  // jsonb, decoded by pgx
	TargetModel string       `db:"target_model"` // "" when no re-embedding is under way
	TargetSpec  EmbedderSpec `db:"target_spec"`
}

// embedderColumns reads an EmbedderState; no target is an empty one.
const embedderColumns = `workspace_id, active_model, active_dims, active_spec,
	coalesce(target_model, '') AS target_model, coalesce(target_spec, '{}') AS target_spec`

// KnowledgeEmbedder returns a workspace's embedder state, ErrNotFound before
// its first document.
func KnowledgeEmbedder(ctx context.Context, q Querier, workspaceID int64) (EmbedderState, error) {
	s, err := queryOne(ctx, q, pgx.RowToStructByName[EmbedderState],
		`SELECT `+embedderColumns+` FROM knowledge_embedders WHERE workspace_id = $1`, workspaceID)
	return s, wrap("knowledge embedder", err)
}

// EnsureKnowledgeEmbedder makes model the workspace's active embedder unless
// it has one, and returns the state. Concurrent callers all get the row: an
// INSERT … ON CONFLICT DO NOTHING RETURNING returns nothing to the session that
// loses the race (and a WITH … UNION ALL SELECT of the same statement cannot
// see the winner's row), so the loser reads it in a statement of its own,
// after the conflict made it wait for the winner's commit.
func EnsureKnowledgeEmbedder(ctx context.Context, q Querier, workspaceID int64, model string, spec EmbedderSpec) (EmbedderState, error) {
	s, err := queryOne(ctx, q, pgx.RowToStructByName[EmbedderState], `
		INSERT INTO knowledge_embedders (workspace_id, active_model, active_spec) VALUES ($1, $2, $3)
		ON CONFLICT (workspace_id) DO NOTHING RETURNING `+embedderColumns,
		workspaceID, model, spec)
	if errors.Is(err, ErrNotFound) {
		s, err = KnowledgeEmbedder(ctx, q, workspaceID)
	}
	return s, wrap("ensure knowledge embedder", err)
}

// SetEmbedderTarget records the model a workspace is moving to ("" for none).
func SetEmbedderTarget(ctx context.Context, q Querier, workspaceID int64, model string, spec EmbedderSpec) error {
	var m *string
	var sp *EmbedderSpec
	if model != "" {
		m, sp = &model, &spec
	}
	return wrap("set embedder target", mustAffect(q.Exec(ctx, `UPDATE knowledge_embedders SET target_model = $2, target_spec = $3,
		updated_at = now() WHERE workspace_id = $1`, workspaceID, m, sp)))
}

// SetActiveDims records the vector size of the active model once known.
func SetActiveDims(ctx context.Context, q Querier, workspaceID int64, model string, dims int) error {
	_, err := q.Exec(ctx, `UPDATE knowledge_embedders SET active_dims = $3, updated_at = now()
		WHERE workspace_id = $1 AND active_model = $2 AND active_dims <> $3`, workspaceID, model, dims)
	return wrap("set active dims", err)
}

// ActivateEmbedderTarget makes the target model active, if it is still the
// target; false otherwise.
func ActivateEmbedderTarget(ctx context.Context, q Querier, workspaceID int64, model string, dims int) (bool, error) {
	tag, err := q.Exec(ctx, `UPDATE knowledge_embedders SET active_model = target_model, active_spec = target_spec,
		active_dims = $3, target_model = NULL, target_spec = NULL, updated_at = now()
		WHERE workspace_id = $1 AND target_model = $2`, workspaceID, model, dims)
	if err != nil {
		return false, wrap("activate embedder", err)
	}
	return tag.RowsAffected() == 1, nil
}

// KnowledgeEmbedderWorkspaces lists the workspaces that have an embedder state.
func KnowledgeEmbedderWorkspaces(ctx context.Context, q Querier) ([]int64, error) {
	out, err := queryAll(ctx, q, pgx.RowTo[int64], `SELECT workspace_id FROM knowledge_embedders ORDER BY workspace_id`)
	return out, wrap("embedder workspaces", err)
}
