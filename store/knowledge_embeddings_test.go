package store_test

import (
	"context"
	"fmt"
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
