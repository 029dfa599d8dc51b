package knowledge_test

import (
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/llm"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

// hashVector is a small stand-in model: the built-in embedder's features
// hashed into dims dimensions, normalised.
func hashVector(text string, dims int) []float32 {
	v := make([]float64, dims)
	for h, w := range llm.Features(text) {
		if (h>>40)&1 == 1 {
			v[h%uint64(dims)] -= w
		} else {
			v[h%uint64(dims)] += w
		}
	}
	var n float64
	for _, x := range v {
		n += x * x
	}
	out := make([]float32, dims)
	for i, x := range v {
		out[i] = float32(x / math.Sqrt(n))
	}
	return out
}

// fakeOllama speaks Ollama's /api/embed with 256-dimensional vectors (the
// built-in features hashed again). While gate is set, batches of several texts (the
// re-embedding, not queries) wait for it to close.
type fakeOllama struct {
	mu      sync.Mutex
	gate    chan struct{}
	waiting chan struct{}
	inputs  map[string]int
}

func (f *fakeOllama) seen(text string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.inputs[text]
}

func (f *fakeOllama) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req api.EmbedRequest
	if r.URL.Path != "/api/embed" || json.NewDecoder(r.Body).Decode(&req) != nil || req.Model != "nomic-embed-text" {
		w.WriteHeader(http.StatusNotFound)
		json.NewEncoder(w).Encode(map[string]string{"error": "model not found"})
		return
	}
	var inputs []string
	for _, in := range req.Input.([]any) {
		inputs = append(inputs, in.(string))
	}
	f.mu.Lock()
	gate := f.gate
	for _, in := range inputs {
		f.inputs[in]++
	}
	f.mu.Unlock()
	if gate != nil && len(inputs) > 1 {
		select {
		case f.waiting <- struct{}{}:
		default:
		}
		<-gate
	}
	resp := api.EmbedResponse{Model: req.Model}
	for _, s := range inputs {
		resp.Embeddings = append(resp.Embeddings, hashVector(s, 256))
	}
	json.NewEncoder(w).Encode(resp)
}

func TestSwitchingEmbeddingModelKeepsSearchWorking(t *testing.T) {
	fake := &fakeOllama{gate: make(chan struct{}), waiting: make(chan struct{}, 1), inputs: map[string]int{}}
	ollama := httptest.NewServer(fake)
	defer ollama.Close()
	e := setup(t, withRealEmbedders(), withModelAllow("127.0.0.1/32"))
	kb := e.base("Help")
	e.addText(kb.ID, "Returns", "Unworn items can be returned within 30 days.\n\n## Refunds\n\nRefunds reach your card within 5 days.")
	e.addText(kb.ID, "Shipping", "Parcels ship from Lyon.\n\n## Express\n\nExpress delivery arrives the next day.")
	e.wait(kb.ID)
	r := e.search("how fast do refunds reach my card", knowledge.SearchOptions{})
	require.Equal(t, llm.BuiltinModel, r.Model)
	require.Equal(t, "Returns › Refunds", r.Results[0].TitlePath)

	e.setModel(workspace.ModelSettings{Provider: "ollama", BaseURL: ollama.URL, ChatModel: "llama3.2", EmbeddingModel: "nomic-embed-text"})
	select {
	case <-fake.waiting:
	case <-time.After(30 * time.Second):
		t.Fatal("the re-embed job did not call Ollama")
	}

	// Re-embedding is under way: search still uses the built-in vectors.
	st, err := store.KnowledgeEmbedder(e.ctx, e.db.Pool, e.wsID)
	require.NoError(t, err)
	require.Equal(t, llm.BuiltinModel, st.ActiveModel)
	require.Equal(t, "ollama/nomic-embed-text", st.TargetModel)
	r = e.search("how fast do refunds reach my card", knowledge.SearchOptions{})
	require.Equal(t, llm.BuiltinModel, r.Model)
	require.Equal(t, "Returns › Refunds", r.Results[0].TitlePath)
	require.Greater(t, r.Results[0].VectorScore, 0.0)
	require.Zero(t, fake.seen("how fast do refunds reach my card"), "queries are embedded with the old model meanwhile")

	// A document added meanwhile is embedded with both models.
	e.addText(kb.ID, "Gift cards", "Gift cards never expire and work online and in stores.")
	require.Eventually(t, func() bool {
		return e.count(`SELECT count(*) FROM knowledge_documents WHERE title = 'Gift cards' AND status = 'ready'`) == 1
	}, 30*time.Second, 20*time.Millisecond)
	require.Equal(t, llm.BuiltinModel, e.search("do gift cards expire", knowledge.SearchOptions{}).Model)

	close(fake.gate)
	require.Eventually(t, func() bool {
		st, err := store.KnowledgeEmbedder(e.ctx, e.db.Pool, e.wsID)
		require.NoError(t, err)
		return st.ActiveModel == "ollama/nomic-embed-text" && st.TargetModel == ""
	}, 60*time.Second, 20*time.Millisecond)
	require.Eventually(t, func() bool {
		return e.count(`SELECT count(*) FROM knowledge_embeddings WHERE model = $1`, llm.BuiltinModel) == 0
	}, 30*time.Second, 20*time.Millisecond, "old vectors are deleted after the switch")

	st, err = store.KnowledgeEmbedder(e.ctx, e.db.Pool, e.wsID)
	require.NoError(t, err)
	require.Equal(t, 256, st.ActiveDims)
	require.Equal(t, 5, e.count(`SELECT count(*) FROM knowledge_embeddings WHERE model = 'ollama/nomic-embed-text' AND dims = 256`))
	require.Equal(t, 1, e.count(`SELECT count(*) FROM pg_indexes WHERE indexname = $1`, store.EmbeddingIndexName("ollama/nomic-embed-text", 256)))
	require.Equal(t, 0, e.count(`SELECT count(*) FROM pg_indexes WHERE indexname = $1`, store.EmbeddingIndexName(llm.BuiltinModel, 1024)),
		"no workspace uses the built-in vectors any more: their index is gone")

	r = e.search("how fast do refunds reach my card", knowledge.SearchOptions{})
	require.Equal(t, "ollama/nomic-embed-text", r.Model)
	require.Equal(t, "Returns › Refunds", r.Results[0].TitlePath)
	require.Equal(t, "Gift cards", e.search("do gift cards expire", knowledge.SearchOptions{}).Results[0].TitlePath)
	require.Equal(t, 1, fake.seen("how fast do refunds reach my card"), "and with the new one after the switch")

	// Back to the built-in embedder.
	e.setModel(workspace.ModelSettings{Provider: "builtin"})
	require.Eventually(t, func() bool {
		st, err := store.KnowledgeEmbedder(e.ctx, e.db.Pool, e.wsID)
		require.NoError(t, err)
		return st.ActiveModel == llm.BuiltinModel && e.count(`SELECT count(*) FROM knowledge_embeddings WHERE model <> $1`, llm.BuiltinModel) == 0
	}, 60*time.Second, 20*time.Millisecond)
	require.Equal(t, "Returns › Refunds", e.search("how fast do refunds reach my card", knowledge.SearchOptions{}).Results[0].TitlePath)
}

func TestSearchWithoutAReachableEmbedderFallsBackToText(t *testing.T) {
	e := setup(t, withRealEmbedders(), withModelAllow("127.0.0.1/32"))
	kb := e.base("Help")
	e.addText(kb.ID, "Returns", "Unworn items can be returned within 30 days.")
	e.wait(kb.ID)
	// The active embedder now points at a server that is down.
	_, err := e.db.Pool.Exec(e.ctx, `UPDATE knowledge_embedders SET active_model = 'ollama/nomic-embed-text',
		active_spec = '{"provider":"ollama","base_url":"http://127.0.0.1:1","model":"nomic-embed-text"}'`)
	require.NoError(t, err)
	r := e.search("return unworn items", knowledge.SearchOptions{})
	require.Equal(t, "", r.Model)
	require.Equal(t, "Returns", r.Results[0].TitlePath)
	require.Zero(t, r.Results[0].VectorRank)
	require.Equal(t, 1, r.Results[0].TextRank)
}

func TestKnowledgeIsWorkspaceScoped(t *testing.T) {
	e := setup(t)
	kb := e.base("Help")
	doc := e.addText(kb.ID, "Returns", "Unworn items can be returned within 30 days.")
	e.wait(kb.ID)
	other, err := store.CreateWorkspace(e.ctx, e.db.Pool, store.Workspace{Slug: "other", Name: "Other", ManagedTags: []string{}})
	require.NoError(t, err)

	intruder := account.System(other.ID, "test")
	r, err := e.svc.Search(e.ctx, intruder, "returned within 30 days", knowledge.SearchOptions{KnowledgeBaseIDs: []int64{kb.ID}})
	require.NoError(t, err)
	require.Empty(t, r.Results)
	_, err = e.svc.Base(e.ctx, intruder, kb.ID)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = e.svc.Document(e.ctx, intruder, kb.ID, doc.ID)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = e.svc.Documents(e.ctx, intruder, kb.ID, nil, 10, 0)
	require.ErrorIs(t, err, store.ErrNotFound)
	require.ErrorIs(t, e.svc.DeleteDocument(e.ctx, intruder, kb.ID, doc.ID), store.ErrNotFound)
	_, err = e.svc.AddDocument(e.ctx, intruder, kb.ID, knowledge.DocumentInput{Kind: "text", Title: "x", Text: "y"})
	require.ErrorIs(t, err, store.ErrNotFound)
	require.ErrorIs(t, e.svc.DeleteBase(e.ctx, intruder, kb.ID), store.ErrNotFound)
	require.Equal(t, "Returns", e.search("returned within 30 days", knowledge.SearchOptions{}).Results[0].Title)
}
