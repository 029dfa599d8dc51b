package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// KnowledgeChunk is a piece of a document as stored and searched.
type KnowledgeChunk struct {
	ID              int64
	WorkspaceID     int64
	KnowledgeBaseID int64
	DocumentID      int64
	Ord             int
	TitlePath       string
	URL             string
	Content         string
	ContentHash     []byte
	Language        string
}

// ChunkRef is a stored chunk's identity and place, for diffing a new version
// of a document against it.
type ChunkRef struct {
	ID          int64  `db:"id"`
	Ord         int    `db:"ord"`
	URL         string `db:"url"`
	ContentHash []byte `db:"content_hash"`
}

// DocumentChunkRefs lists a document's chunks in order.
func DocumentChunkRefs(ctx context.Context, q Querier, documentID int64) ([]ChunkRef, error) {
	out, err := queryAll(ctx, q, pgx.RowToStructByName[ChunkRef],
		`SELECT id, ord, url, content_hash FROM knowledge_chunks WHERE document_id = $1 ORDER BY ord, id`, documentID)
	return out, wrap("chunk refs", err)
}

// ChunkChanges turns a document's stored chunks into its new ones.
type ChunkChanges struct {
	Delete []int64
	Keep   []ChunkRef // id with its new ord and URL
	Insert []KnowledgeChunk
}

// ApplyChunkChanges deletes, renumbers and inserts (with COPY) chunks of a
// document in tx. The document must still belong to run runID; false when it
// does not (a newer run took it over) and nothing changed.
func ApplyChunkChanges(ctx context.Context, tx pgx.Tx, documentID, runID int64, ch ChunkChanges) (bool, error) {
	var locked int64
	err := tx.QueryRow(ctx, `SELECT id FROM knowledge_documents WHERE id = $1 AND run_id = $2 FOR UPDATE`,
		documentID, runID).Scan(&locked)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, wrap("lock knowledge document", err)
	}
	if len(ch.Delete) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM knowledge_chunks WHERE document_id = $1 AND id = ANY($2)`, documentID, ch.Delete); err != nil {
			return false, wrap("delete chunks", err)
		}
	}
	if len(ch.Keep) > 0 {
		ids := make([]int64, len(ch.Keep))
		ords := make([]int32, len(ch.Keep))
		urls := make([]string, len(ch.Keep))
		for i, k := range ch.Keep {
			ids[i], ords[i], urls[i] = k.ID, int32(k.Ord), k.URL
		}
		if _, err := tx.Exec(ctx, `
			UPDATE knowledge_chunks c SET ord = v.ord, url = v.url
			FROM unnest($2::bigint[], $3::int[], $4::text[]) AS v(id, ord, url)
			WHERE c.document_id = $1 AND c.id = v.id AND (c.ord <> v.ord OR c.url <> v.url)`, documentID, ids, ords, urls); err != nil {
			return false, wrap("renumber chunks", err)
		}
	}
	if len(ch.Insert) > 0 {
		configs := map[string]uint32{}
		rows := make([][]any, len(ch.Insert))
		for i, c := range ch.Insert {
			cfg, ok := configs[c.Language]
			if !ok {
				if cfg, err = regconfigForCopy(ctx, tx, c.Language); err != nil {
					return false, wrap("text search language", err)
				}
				configs[c.Language] = cfg
			}
			rows[i] = []any{c.WorkspaceID, c.KnowledgeBaseID, c.DocumentID, int32(c.Ord), c.TitlePath, c.URL, c.Content, c.ContentHash, cfg}
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"knowledge_chunks"},
			[]string{"workspace_id", "knowledge_base_id", "document_id", "ord", "title_path", "url", "content", "content_hash", "language"},
			pgx.CopyFromRows(rows))
		if err != nil {
			return false, wrap("insert chunks", err)
		}
	}
	return true, nil
}

// regconfigForCopy returns the OID of a text search configuration, and
// teaches the connection to send regconfig values as OIDs: COPY is binary,
// and a regconfig travels as the OID of its configuration.
func regconfigForCopy(ctx context.Context, tx pgx.Tx, language string) (uint32, error) {
	var typ, cfg uint32
	if err := tx.QueryRow(ctx, `SELECT 'regconfig'::regtype::oid, $1::text::regconfig::oid`, language).Scan(&typ, &cfg); err != nil {
		return 0, err
	}
	if m := tx.Conn().TypeMap(); !hasType(m, typ) {
		m.RegisterType(&pgtype.Type{Name: "regconfig", OID: typ, Codec: pgtype.Uint32Codec{}})
	}
	return cfg, nil
}

func hasType(m *pgtype.Map, oid uint32) bool {
	_, ok := m.TypeForOID(oid)
	return ok
}

// ChunkText is what an embedder needs of a chunk, and where it belongs.
type ChunkText struct {
	ID              int64  `db:"id"`
	KnowledgeBaseID int64  `db:"knowledge_base_id"`
	DocumentID      int64  `db:"document_id"`
	TitlePath       string `db:"title_path"`
	Content         string `db:"content"`
}

const chunkTextColumns = `c.id, c.knowledge_base_id, c.document_id, c.title_path, c.content`

// DocumentChunksWithoutVector lists up to limit chunks of a document, after
// chunk afterID, that have no vector from model.
func DocumentChunksWithoutVector(ctx context.Context, q Querier, documentID int64, model string, afterID int64, limit int) ([]ChunkText, error) {
	out, err := queryAll(ctx, q, pgx.RowToStructByName[ChunkText], `SELECT `+chunkTextColumns+` FROM knowledge_chunks c
		WHERE c.document_id = $1 AND c.id > $3
			AND NOT EXISTS (SELECT 1 FROM knowledge_embeddings e WHERE e.chunk_id = c.id AND e.model = $2)
		ORDER BY c.id LIMIT $4`, documentID, model, afterID, limit)
	return out, wrap("chunks without vector", err)
}

// WorkspaceChunksWithoutVector lists up to limit chunks of a workspace, after
// chunk afterID, that have no vector from model.
func WorkspaceChunksWithoutVector(ctx context.Context, q Querier, workspaceID int64, model string, afterID int64, limit int) ([]ChunkText, error) {
	out, err := queryAll(ctx, q, pgx.RowToStructByName[ChunkText], `SELECT `+chunkTextColumns+` FROM knowledge_chunks c
		WHERE c.workspace_id = $1 AND c.id > $3
			AND NOT EXISTS (SELECT 1 FROM knowledge_embeddings e WHERE e.chunk_id = c.id AND e.model = $2)
		ORDER BY c.id LIMIT $4`, workspaceID, model, afterID, limit)
	return out, wrap("chunks without vector", err)
}

// CountChunksWithoutVector counts a workspace's chunks with no vector from model.
func CountChunksWithoutVector(ctx context.Context, q Querier, workspaceID int64, model string) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT count(*) FROM knowledge_chunks c WHERE c.workspace_id = $1
		AND NOT EXISTS (SELECT 1 FROM knowledge_embeddings e WHERE e.chunk_id = c.id AND e.model = $2)`, workspaceID, model).Scan(&n)
	return n, wrap("count chunks without vector", err)
}

// DocumentVectorCount counts a document's chunks that have a vector from model.
func DocumentVectorCount(ctx context.Context, q Querier, documentID int64, model string) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT count(*) FROM knowledge_chunks c JOIN knowledge_embeddings e ON e.chunk_id = c.id AND e.model = $2
		WHERE c.document_id = $1`, documentID, model).Scan(&n)
	return n, wrap("document vector count", err)
}

// ChunkView is a stored chunk as an administrator reads it.
type ChunkView struct {
	ID        int64  `db:"id"`
	Ord       int    `db:"ord"`
	TitlePath string `db:"title_path"`
	URL       string `db:"url"`
	Content   string `db:"content"`
}

// DocumentChunkViews lists up to limit chunks of a document of the
// workspace, in document order, from offset.
func DocumentChunkViews(ctx context.Context, q Querier, workspaceID, documentID int64, limit, offset int) ([]ChunkView, error) {
	out, err := queryAll(ctx, q, pgx.RowToStructByName[ChunkView], `SELECT id, ord, title_path, url, content FROM knowledge_chunks
		WHERE workspace_id = $1 AND document_id = $2 ORDER BY ord, id LIMIT $3 OFFSET $4`, workspaceID, documentID, limit, offset)
	return out, wrap("document chunks", err)
}

// ChunkStamp changes whenever a workspace's chunks change: their number and
// the newest chunk id (chunks are replaced, never edited in place).
type ChunkStamp struct {
	Count int   `db:"count"`
	MaxID int64 `db:"max_id"`
}

// WorkspaceChunkStamp returns the stamp of a workspace's chunks.
func WorkspaceChunkStamp(ctx context.Context, q Querier, workspaceID int64) (ChunkStamp, error) {
	s, err := queryOne(ctx, q, pgx.RowToStructByName[ChunkStamp],
		`SELECT count(*)::int AS count, coalesce(max(id), 0) AS max_id FROM knowledge_chunks WHERE workspace_id = $1`, workspaceID)
	return s, wrap("chunk stamp", err)
}

// WorkspaceChunkTexts lists up to limit chunks of a workspace after chunk
// afterID, in id order.
func WorkspaceChunkTexts(ctx context.Context, q Querier, workspaceID, afterID int64, limit int) ([]ChunkText, error) {
	out, err := queryAll(ctx, q, pgx.RowToStructByName[ChunkText], `SELECT `+chunkTextColumns+` FROM knowledge_chunks c
		WHERE c.workspace_id = $1 AND c.id > $2 ORDER BY c.id LIMIT $3`, workspaceID, afterID, limit)
	return out, wrap("chunk texts", err)
}
