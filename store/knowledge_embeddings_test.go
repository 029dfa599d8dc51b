package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/store"
)

// Concurrent first documents of one workspace (several ingestion jobs at once
// on a real pool) all get the workspace's embedder row, the same one.
func TestEnsureKnowledgeEmbedderUnderConcurrentCallers(t *testing.T) {
	ctx := context.Background()
	testdb.New(t)
	db := open(t, testdb.URL(t), store.Options{MaxConns: 8})
	const workspaces, callers = 40, 8
	for w := range workspaces {
		ws, err := store.CreateWorkspace(ctx, db.Pool, store.Workspace{Slug: fmt.Sprintf("race-%d", w), Name: "Race", ManagedTags: []string{}})
		require.NoError(t, err)
		got := make([]store.EmbedderState, callers)
		errs := make([]error, callers)
		var ready, wg sync.WaitGroup
		ready.Add(callers)
		wg.Add(callers)
		gate := make(chan struct{})
		for i := range callers {
			go func() {
				defer wg.Done()
				ready.Done()
				<-gate
				model := fmt.Sprintf("model-%d", i)
				got[i], errs[i] = store.EnsureKnowledgeEmbedder(ctx, db.Pool, ws.ID, model, store.EmbedderSpec{Provider: "builtin", Model: model})
			}()
		}
		ready.Wait()
		close(gate)
		wg.Wait()
		for i := range callers {
			require.NoError(t, errs[i], "workspace %d caller %d", w, i)
			require.Equal(t, got[0].ActiveModel, got[i].ActiveModel, "every caller sees the one winning row")
			require.Equal(t, ws.ID, got[i].WorkspaceID)
		}
	}
}

// Model names end up in SQL as literals (partial index conditions): only
// the characters of real model names pass, whatever the server's settings.
func TestModelNamesAreRestricted(t *testing.T) {
	for _, ok := range []string{"builtin-hash-v1", "ollama/nomic-embed-text:latest", "ollama/hf.co/org/model:Q4_K_M",
		"openai/text-embedding-3-small", "openai/BAAI/bge-small-en-v1.5", "ollama/user@host+v2"} {
		require.True(t, store.ValidModelName(ok), ok)
	}
	for _, bad := range []string{"", "x' OR '1'='1", `a\'b`, "model name", "modèle", "a;b", "a\x00b", strings.Repeat("m", 201)} {
		require.False(t, store.ValidModelName(bad), "%q", bad)
	}
	ctx := context.Background()
	db := testdb.New(t)
	_, err := store.EnsureEmbeddingIndex(ctx, db, `x\' OR true) --`, 8)
	require.ErrorContains(t, err, "cannot have")
	_, err = store.VectorCandidates(ctx, db.Pool, store.SearchScope{WorkspaceID: 1}, `x\' OR true) --`, 2, []float32{1, 0}, 5)
	require.ErrorContains(t, err, "cannot have")
}
