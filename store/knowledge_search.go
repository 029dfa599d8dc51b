package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"
)

// SearchCandidate is a chunk found by one retriever, with its score
// (cosine similarity for vectors, ts_rank for text).
type SearchCandidate struct {
	ChunkID int64   `db:"chunk_id"`
	Score   float64 `db:"score"`
}

// SearchScope is what a search may return: chunks of a workspace, in the
// given knowledge bases (the enabled ones in scope, see SearchTargets),
// except those of the excluded (disabled) documents. The filters are on the
// searched table itself, so pgvector's iterative index scan applies them as
// it goes, instead of a join deciding the plan.
type SearchScope struct {
	WorkspaceID        int64
	KnowledgeBaseIDs   []int64
	ExcludeDocumentIDs []int64
}

// SearchTargets resolves a search's scope: the workspace's enabled knowledge
// bases (among ids, when given) by text search language, and the documents
// to leave out: disabled ones and pages of disabled sitemaps and crawls.
func SearchTargets(ctx context.Context, q Querier, workspaceID int64, ids []int64) (map[string][]int64, []int64, error) {
	type languageBases struct {
		Language string  `db:"language"`
		IDs      []int64 `db:"ids"`
	}
	langs, err := queryAll(ctx, q, pgx.RowToStructByName[languageBases], `
		SELECT language, array_agg(id ORDER BY id) AS ids FROM knowledge_bases
		WHERE workspace_id = $1 AND enabled AND ($2::bigint[] IS NULL OR id = ANY($2)) GROUP BY language`, workspaceID, ids)
	if err != nil {
		return nil, nil, wrap("search targets", err)
	}
	bases := make(map[string][]int64, len(langs))
	for _, l := range langs {
		bases[l.Language] = l.IDs
	}
	off, err := queryAll(ctx, q, pgx.RowTo[int64], `
		SELECT d.id FROM knowledge_documents d WHERE d.workspace_id = $1 AND NOT d.enabled
		UNION
		SELECT p.id FROM knowledge_documents d JOIN knowledge_documents p ON p.parent_id = d.id
		WHERE d.workspace_id = $1 AND NOT d.enabled`, workspaceID)
	if err != nil {
		return nil, nil, wrap("search targets", err)
	}
	return bases, off, nil
}

func nonNil(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

// BeginSearch opens the read-only transaction a search runs in, with the HNSW
// settings: efSearch candidates per index scan and, when iterative is set,
// pgvector 0.8's relaxed iterative scan, which keeps scanning the index until
// enough rows pass the filters.
func BeginSearch(ctx context.Context, db *DB, efSearch int, iterative bool) (pgx.Tx, error) {
	tx, err := db.Pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, wrap("begin search", err)
	}
	_, err = tx.Exec(ctx, `SELECT set_config('hnsw.ef_search', $1, true)`, strconv.Itoa(efSearch))
	if err == nil && iterative {
		_, err = tx.Exec(ctx, `SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true)`)
	}
	if err != nil {
		_ = tx.Rollback(ctx)
		return nil, wrap("search settings", err)
	}
	return tx, nil
}

// VectorCandidates returns up to limit chunks in scope nearest to query among
// the vectors of model (of dims dimensions), best first, through the model's
// HNSW index when it has one.
func VectorCandidates(ctx context.Context, q Querier, scope SearchScope, model string, dims int, query []float32, limit int) ([]SearchCandidate, error) {
	if len(query) != dims {
		return nil, fmt.Errorf("vector search: query has %d dimensions, model %s has %d", len(query), model, dims)
	}
	if !ValidModelName(model) {
		return nil, fmt.Errorf("vector search: model name %q has characters a model name cannot have", model)
	}
	col, cast := "e.embedding", "$1::vector"
	var param any = pgvector.NewVector(query)
	switch {
	case dims <= MaxVectorIndexDims:
		col, cast = fmt.Sprintf("e.embedding::vector(%d)", dims), fmt.Sprintf("$1::vector(%d)", dims)
	case dims <= MaxHalfvecIndexDims:
		col, cast = fmt.Sprintf("e.embedding::halfvec(%d)", dims), fmt.Sprintf("$1::halfvec(%d)", dims)
		param = pgvector.NewHalfVector(query)
	}
	// The expression matches the one the model's index is built on (see
	// vectorCast), and the model is written as a literal, not a parameter:
	// the planner only uses a partial index whose condition it can prove.
	//
	// Vectors only go in, as pgvector-go's Vector or HalfVector parameter
	// (their codecs are registered on every connection, see Open); what comes
	// back is a bigint and a float8, so the row maps by name like any other.
	// The score (cosine similarity) is computed beside the distance the index
	// orders by, in the same float8 arithmetic as 1 - distance in Go.
	sql := fmt.Sprintf(`
		SELECT e.chunk_id, 1 - (%[1]s <=> %[2]s) AS score
		FROM knowledge_embeddings e
		WHERE e.model = %[3]s AND e.dims = %[4]d AND e.workspace_id = $2 AND e.knowledge_base_id = ANY($3)
			AND e.document_id <> ALL($5)
		ORDER BY %[1]s <=> %[2]s LIMIT $4`, col, cast, quoteLiteral(model), dims)
	out, err := queryAll(ctx, q, pgx.RowToStructByName[SearchCandidate], sql,
		param, scope.WorkspaceID, nonNil(scope.KnowledgeBaseIDs), limit, nonNil(scope.ExcludeDocumentIDs))
	return out, wrap("vector search", err)
}

// TextCandidates returns up to limit chunks in scope, of knowledge bases in
// language, that match the words of query, best first. The query is read with
// websearch_to_tsquery ("quoted phrases", -exclusions). Chunks holding all
// its words come first; when there are fewer than limit of them, chunks
// holding some of them follow (the words OR-ed, unless the query excludes
// words). That first, selective query keeps common-word queries fast on
// large knowledge bases. Within each tier ts_rank orders them (title path
// weighs 1.0, text 0.5; divided by 1 + log(length)): on `deskmate eval
// retrieval` it ranks these queries far better than ts_rank_cd, whose cover
// density rewards the words close together (hit@1 0.81 against 0.68, text
// alone).
func TextCandidates(ctx context.Context, q Querier, scope SearchScope, language, query string, limit int) ([]SearchCandidate, error) {
	// rank is a real (float4); pgx widens it to the float64 Score exactly.
	out, err := queryAll(ctx, q, pgx.RowToStructByName[SearchCandidate], `
		WITH w AS (SELECT websearch_to_tsquery($5::regconfig, $1) AS q),
		tq AS (SELECT q AS strict,
			CASE WHEN strpos(q::text, '!') > 0 THEN q ELSE replace(q::text, ' & ', ' | ')::tsquery END AS loose FROM w),
		strict AS (
			SELECT c.id, ts_rank('{0.1, 0.2, 0.5, 1.0}', c.tsv, tq.loose, 1) AS rank
			FROM tq JOIN knowledge_chunks c ON c.tsv @@ tq.strict
			WHERE c.workspace_id = $2 AND c.knowledge_base_id = ANY($3) AND c.document_id <> ALL($6)
				AND c.language = $5::regconfig
			ORDER BY rank DESC, c.id LIMIT $4),
		loose AS (
			SELECT c.id, ts_rank('{0.1, 0.2, 0.5, 1.0}', c.tsv, tq.loose, 1) AS rank
			FROM tq JOIN knowledge_chunks c ON c.tsv @@ tq.loose
			WHERE (SELECT count(*) FROM strict) < $4
				AND c.workspace_id = $2 AND c.knowledge_base_id = ANY($3) AND c.document_id <> ALL($6)
				AND c.language = $5::regconfig AND NOT c.id = ANY (SELECT id FROM strict)
			ORDER BY rank DESC, c.id LIMIT $4)
		SELECT id AS chunk_id, rank AS score FROM (
			SELECT id, rank, 0 AS tier FROM strict UNION ALL SELECT id, rank, 1 FROM loose) x
		ORDER BY tier, rank DESC, id LIMIT $4`,
		query, scope.WorkspaceID, nonNil(scope.KnowledgeBaseIDs), limit, language, nonNil(scope.ExcludeDocumentIDs))
	return out, wrap("text search", err)
}

// ChunkHit is a found chunk with what a reader needs.
type ChunkHit struct {
	ChunkID         int64  `db:"chunk_id"`
	DocumentID      int64  `db:"document_id"`
	KnowledgeBaseID int64  `db:"knowledge_base_id"`
	DocumentTitle   string `db:"document_title"`
	TitlePath       string `db:"title_path"`
	URL             string `db:"url"`
	Content         string `db:"content"`
}

// ChunkHits returns the chunks of ids in the workspace, by id.
func ChunkHits(ctx context.Context, q Querier, workspaceID int64, ids []int64) (map[int64]ChunkHit, error) {
	hits, err := queryAll(ctx, q, pgx.RowToStructByName[ChunkHit], `
		SELECT c.id AS chunk_id, c.document_id, c.knowledge_base_id, d.title AS document_title, c.title_path, c.url, c.content
		FROM knowledge_chunks c JOIN knowledge_documents d ON d.id = c.document_id
		WHERE c.workspace_id = $1 AND c.id = ANY($2)`, workspaceID, ids)
	if err != nil {
		return nil, wrap("chunk hits", err)
	}
	out := make(map[int64]ChunkHit, len(hits))
	for _, h := range hits {
		out[h.ChunkID] = h
	}
	return out, nil
}

// VectorExtensionVersion returns the installed pgvector version, e.g. "0.8.0".
func VectorExtensionVersion(ctx context.Context, q Querier) (string, error) {
	var v string
	err := q.QueryRow(ctx, `SELECT extversion FROM pg_extension WHERE extname = 'vector'`).Scan(&v)
	return v, wrap("pgvector version", err)
}
