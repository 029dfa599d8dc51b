// Package knowledgetest makes synthetic knowledge for benchmarks: support-article
// text on a few hundred topics, and a bulk loader that writes many chunks
// with built-in vectors faster than ingestion would.
package knowledgetest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/llm"
	"github.com/deskmate/deskmate/store"
)

// Loaded says how long a bulk load took.
type Loaded struct {
	Chunks        int
	Load, IndexBy time.Duration
}

// BulkLoad writes n chunks into knowledge base kb of workspace ws (documents
// of about 20 sections) with built-in vectors by COPY, without the vector
// index, then builds it. svc must queue its ingest tasks on q.
func BulkLoad(ctx context.Context, db *store.DB, svc *knowledge.Service, q *Queue, ws, kb int64, text *Text, n int) (Loaded, error) {
	start := time.Now()
	if err := store.DropEmbeddingIndexIfUnused(ctx, db, llm.BuiltinModel, llm.BuiltinDimensions); err != nil {
		return Loaded{}, err
	}
	emb := llm.NewBuiltin()
	for done := 0; done < n; {
		text.NewTopic()
		d, err := svc.AddDocument(ctx, account.System(ws, "bench"), kb, knowledge.DocumentInput{
			Kind: knowledge.KindText, Title: strings.TrimSuffix(text.Sentence(), "."), Text: "bulk"})
		if err != nil {
			return Loaded{}, err
		}
		tasks := q.Take()
		if len(tasks) != 1 {
			return Loaded{}, fmt.Errorf("bulk load: %d ingest tasks queued for one document", len(tasks))
		}
		var chunks []store.KnowledgeChunk
		for i := 0; i < min(20, n-done); i++ {
			body := text.Paragraph()
			path := d.Title + knowledge.TitleSeparator + strings.TrimSuffix(text.Sentence(), ".")
			h := sha256.Sum256([]byte(path + "\n\n" + body))
			chunks = append(chunks, store.KnowledgeChunk{WorkspaceID: ws, KnowledgeBaseID: kb, DocumentID: d.ID, Ord: i,
				TitlePath: path, Content: body, ContentHash: h[:], Language: "english"})
		}
		err = db.InTx(ctx, func(tx pgx.Tx) error {
			_, err := store.ApplyChunkChanges(ctx, tx, d.ID, tasks[0].RunID, store.ChunkChanges{Insert: chunks})
			return err
		})
		if err != nil {
			return Loaded{}, err
		}
		cs, err := store.DocumentChunksWithoutVector(ctx, db.Pool, d.ID, llm.BuiltinModel, 0, 1000)
		if err != nil {
			return Loaded{}, err
		}
		rows := make([]store.Embedding, len(cs))
		for i, c := range cs {
			rows[i] = store.Embedding{ChunkID: c.ID, WorkspaceID: ws, KnowledgeBaseID: c.KnowledgeBaseID, DocumentID: c.DocumentID,
				Model: llm.BuiltinModel, Vector: emb.Vector(c.TitlePath + "\n\n" + c.Content)}
		}
		if err := store.CopyEmbeddings(ctx, db.Pool, rows); err != nil {
			return Loaded{}, err
		}
		if err := store.FinishKnowledgeDocument(ctx, db.Pool, d.ID, tasks[0].RunID, store.DocumentOutcome{}); err != nil {
			return Loaded{}, err
		}
		done += len(chunks)
	}
	out := Loaded{Chunks: n, Load: time.Since(start)}
	t0 := time.Now()
	if _, err := store.EnsureEmbeddingIndex(ctx, db, llm.BuiltinModel, llm.BuiltinDimensions); err != nil {
		return out, err
	}
	if _, err := store.EnsureKnowledgeEmbedder(ctx, db.Pool, ws, llm.BuiltinModel, store.EmbedderSpec{Provider: "builtin"}); err != nil {
		return out, err
	}
	if err := store.SetActiveDims(ctx, db.Pool, ws, llm.BuiltinModel, llm.BuiltinDimensions); err != nil {
		return out, err
	}
	if _, err := db.Pool.Exec(ctx, `ANALYZE knowledge_chunks, knowledge_embeddings, knowledge_documents`); err != nil {
		return out, err
	}
	out.IndexBy = time.Since(t0)
	return out, nil
}
