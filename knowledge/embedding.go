package knowledge

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/llm"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

// indexRecheck is how long an ensured vector index is trusted before it is
// ensured again (another process may have dropped it meanwhile).
const indexRecheck = 10 * time.Minute

// defaultEmbedder builds an embedder with the workspace's API key, making its
// requests through the model guard (DESKMATE_MODEL_ALLOWLIST).
func (s *Service) defaultEmbedder(ctx context.Context, workspaceID int64, spec store.EmbedderSpec) (llm.Embedder, error) {
	key := ""
	if spec.Provider == "openai" {
		k, err := s.models.Secret(ctx, workspaceID, workspace.SecretLLMAPIKey)
		if err != nil {
			return nil, fmt.Errorf("read the API key: %w", err)
		}
		key = k.Reveal()
	}
	return llm.NewEmbedder(llm.EmbedSettings{Provider: spec.Provider, BaseURL: spec.BaseURL, Model: spec.Model,
		APIKey: key, HTTPClient: s.modelHTTP})
}

// configuredEmbedder is the embedder a workspace's model settings ask for,
// with its spec: the built-in one when the provider is builtin or no
// embedding model is set.
func (s *Service) configuredEmbedder(ctx context.Context, workspaceID int64) (llm.Embedder, store.EmbedderSpec, error) {
	m, err := s.models.ModelSettings(ctx, workspaceID)
	if err != nil {
		return nil, store.EmbedderSpec{}, err
	}
	spec := store.EmbedderSpec{Provider: "builtin"}
	if m.Provider != "builtin" && m.Provider != "" && m.EmbeddingModel != "" {
		spec = store.EmbedderSpec{Provider: m.Provider, BaseURL: m.BaseURL, Model: m.EmbeddingModel}
	}
	emb, err := s.embedders(ctx, workspaceID, spec)
	return emb, spec, err
}

// Embedder returns the embedder a workspace's model settings ask for, with
// its spec (the built-in one when the provider is builtin or no embedding
// model is set), built as knowledge builds it: through the model guard, with
// the workspace's API key. Automations embed with it too.
func (s *Service) Embedder(ctx context.Context, workspaceID int64) (llm.Embedder, store.EmbedderSpec, error) {
	return s.configuredEmbedder(ctx, workspaceID)
}

// embedState returns the workspace's embedder state, making the configured
// embedder the active one before the first document.
func (s *Service) embedState(ctx context.Context, workspaceID int64) (store.EmbedderState, error) {
	st, err := store.KnowledgeEmbedder(ctx, s.db.Pool, workspaceID)
	if !errors.Is(err, store.ErrNotFound) {
		return st, err
	}
	emb, spec, err := s.configuredEmbedder(ctx, workspaceID)
	if err != nil {
		return st, err
	}
	return store.EnsureKnowledgeEmbedder(ctx, s.db.Pool, workspaceID, emb.Model(), spec)
}

// ensureIndex makes sure the HNSW index of a model and size exists.
func (s *Service) ensureIndex(ctx context.Context, model string, dims int) error {
	key := fmt.Sprintf("%s/%d", model, dims)
	if t, ok := s.indexes.Load(key); ok && time.Since(t.(time.Time)) < indexRecheck {
		return nil
	}
	start := time.Now()
	name, err := store.EnsureEmbeddingIndex(ctx, s.db, model, dims)
	if err != nil {
		return err
	}
	if took := time.Since(start); took > time.Second {
		s.logger.Info("vector index ready", "index", name, "model", model, "dims", dims, "took", took.Round(time.Millisecond))
	}
	s.indexes.Store(key, time.Now())
	return nil
}

// vectorBatch embeds chunks with emb and stores the vectors (with COPY).
// It returns the vector size.
func (s *Service) vectorBatch(ctx context.Context, workspaceID int64, emb llm.Embedder, model string, chunks []store.ChunkText) (int, error) {
	texts := make([]string, len(chunks))
	for i, c := range chunks {
		texts[i] = embedText(c.TitlePath, c.Content)
	}
	vecs, err := emb.Embed(ctx, texts)
	if err != nil {
		return 0, err
	}
	if len(vecs) != len(chunks) || len(vecs) == 0 {
		return 0, fmt.Errorf("the embedder returned %d vectors for %d texts", len(vecs), len(chunks))
	}
	dims := len(vecs[0])
	if err := s.ensureIndex(ctx, model, dims); err != nil {
		return 0, err
	}
	rows := make([]store.Embedding, len(chunks))
	for i, c := range chunks {
		if len(vecs[i]) != dims {
			return 0, fmt.Errorf("the embedder returned vectors of %d and %d dimensions", dims, len(vecs[i]))
		}
		rows[i] = store.Embedding{ChunkID: c.ID, WorkspaceID: workspaceID, KnowledgeBaseID: c.KnowledgeBaseID,
			DocumentID: c.DocumentID, Model: model, Vector: vecs[i]}
	}
	return dims, store.CopyEmbeddings(ctx, s.db.Pool, rows)
}

// EmbeddingSettingsChanged starts re-embedding a workspace's knowledge in the
// background when its model settings now ask for another embedding model.
// Search keeps using the old vectors until the new ones are complete.
func (s *Service) EmbeddingSettingsChanged(ctx context.Context, workspaceID int64) error {
	st, err := store.KnowledgeEmbedder(ctx, s.db.Pool, workspaceID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // no knowledge yet: the first document uses the new settings
	}
	if err != nil {
		return err
	}
	emb, spec, err := s.configuredEmbedder(ctx, workspaceID)
	if err != nil {
		return err
	}
	model := emb.Model()
	if model == st.ActiveModel && st.TargetModel == "" {
		others, err := store.HasOtherEmbeddings(ctx, s.db.Pool, workspaceID, model)
		if err != nil || !others {
			return err
		}
		// Vectors of an abandoned model are left: the job deletes them.
	}
	q := s.queue
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		target := model
		if model == st.ActiveModel {
			target = "" // back to the active model: drop the half-done target
		}
		if err := store.SetEmbedderTarget(ctx, tx, workspaceID, target, spec); err != nil {
			return err
		}
		return q.Reembed(ctx, tx, workspaceID, model)
	})
}

// Reembed gives every chunk of a workspace a vector from the configured
// embedding model, then makes that model the active one in one statement and
// deletes the old vectors (the work of the re-embed job). Search uses the old
// model until the switch.
func (s *Service) Reembed(ctx context.Context, workspaceID int64) error {
	mu, _ := s.reembeds.LoadOrStore(workspaceID, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	for round := 0; round < 10; round++ {
		st, err := store.KnowledgeEmbedder(ctx, s.db.Pool, workspaceID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		emb, spec, err := s.configuredEmbedder(ctx, workspaceID)
		if err != nil {
			return err
		}
		model := emb.Model()
		if model == st.ActiveModel {
			if st.TargetModel != "" {
				if err := store.SetEmbedderTarget(ctx, s.db.Pool, workspaceID, "", spec); err != nil {
					return err
				}
			}
			return s.dropOtherVectors(ctx, workspaceID, model)
		}
		if st.TargetModel != model {
			if err := store.SetEmbedderTarget(ctx, s.db.Pool, workspaceID, model, spec); err != nil {
				return err
			}
		}
		s.logger.Info("re-embedding knowledge", "workspace_id", workspaceID, "from", st.ActiveModel, "to", model)
		dims, changed, err := s.fillVectors(ctx, workspaceID, emb, model, true)
		if err != nil {
			return err
		}
		if changed {
			continue // the settings changed again meanwhile
		}
		missing, err := store.CountChunksWithoutVector(ctx, s.db.Pool, workspaceID, model)
		if err != nil {
			return err
		}
		if missing > 0 {
			continue
		}
		if dims == 0 {
			dims = emb.Dimensions()
		}
		ok, err := store.ActivateEmbedderTarget(ctx, s.db.Pool, workspaceID, model, dims)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		s.logger.Info("knowledge now searched with the new embedding model", "workspace_id", workspaceID, "model", model, "dims", dims)
		// Chunks added between the count and the switch.
		if _, _, err := s.fillVectors(ctx, workspaceID, emb, model, false); err != nil {
			return err
		}
		if err := s.dropOtherVectors(ctx, workspaceID, model); err != nil {
			return err
		}
	}
	return nil
}

// fillVectors embeds the workspace's chunks that have no vector from model.
// With watch set it stops early (changed) when the workspace's target model
// is no longer model.
func (s *Service) fillVectors(ctx context.Context, workspaceID int64, emb llm.Embedder, model string, watch bool) (dims int, changed bool, err error) {
	after := int64(0)
	conflicts := 0
	for {
		chunks, err := store.WorkspaceChunksWithoutVector(ctx, s.db.Pool, workspaceID, model, after, s.batch)
		if err != nil || len(chunks) == 0 {
			return dims, false, err
		}
		d, err := s.vectorBatch(ctx, workspaceID, emb, model, chunks)
		var ce *store.ConflictError
		switch {
		case errors.As(err, &ce) || errors.Is(err, store.ErrNotFound):
			// An ingest job stored some of these meanwhile, or deleted them: read the batch again.
			if conflicts++; conflicts > 5 {
				return dims, false, err
			}
			continue
		case err != nil:
			return dims, false, err
		}
		conflicts = 0
		dims = d
		after = chunks[len(chunks)-1].ID
		if watch {
			st, err := store.KnowledgeEmbedder(ctx, s.db.Pool, workspaceID)
			if err != nil {
				return dims, false, err
			}
			if st.TargetModel != model {
				return dims, true, nil
			}
		}
	}
}

// dropOtherVectors deletes a workspace's vectors from models other than
// keep, in batches, and drops indexes no workspace needs any more.
func (s *Service) dropOtherVectors(ctx context.Context, workspaceID int64, keep string) error {
	seen := map[store.ModelDims]bool{}
	for {
		deleted, err := store.DeleteOtherEmbeddings(ctx, s.db.Pool, workspaceID, []string{keep}, 1000)
		if err != nil {
			return err
		}
		if len(deleted) == 0 {
			break
		}
		for md := range deleted {
			seen[md] = true
		}
	}
	for md := range seen {
		if err := store.DropEmbeddingIndexIfUnused(ctx, s.db, md.Model, md.Dims); err != nil {
			return err
		}
		s.indexes.Delete(fmt.Sprintf("%s/%d", md.Model, md.Dims))
	}
	return nil
}

// CheckEmbedders queues a re-embed for every workspace whose model settings
// no longer match its embedding model (settings changed by other means than
// the API, or a job lost), so that drift never lasts.
func (s *Service) CheckEmbedders(ctx context.Context) error {
	ids, err := store.KnowledgeEmbedderWorkspaces(ctx, s.db.Pool)
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range ids {
		if err := s.EmbeddingSettingsChanged(ctx, id); err != nil && !errors.Is(err, store.ErrNotFound) {
			errs = append(errs, fmt.Errorf("workspace %d: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

// EmbedderCheck is the outcome of CheckEmbedder.
type EmbedderCheck struct {
	Model      string
	Dimensions int
	Took       time.Duration
}

// CheckEmbedder embeds a short text with the embedder the workspace's saved
// model settings ask for, so an administrator learns at once whether the
// provider is reachable and the model exists, rather than from failing
// documents later. The error says what went wrong.
func (s *Service) CheckEmbedder(ctx context.Context, actor account.Actor) (EmbedderCheck, error) {
	if err := actor.Require(account.RoleAdmin); err != nil {
		return EmbedderCheck{}, err
	}
	emb, _, err := s.configuredEmbedder(ctx, actor.WorkspaceID)
	if err != nil {
		return EmbedderCheck{}, err
	}
	start := time.Now()
	vs, err := emb.Embed(ctx, []string{"Deskmate connection check: where is my order?"})
	took := time.Since(start)
	if err != nil {
		return EmbedderCheck{Model: emb.Model(), Took: took}, err
	}
	if len(vs) != 1 || len(vs[0]) == 0 {
		return EmbedderCheck{Model: emb.Model(), Took: took}, fmt.Errorf("%s returned no embedding", emb.Model())
	}
	return EmbedderCheck{Model: emb.Model(), Dimensions: len(vs[0]), Took: took}, nil
}
