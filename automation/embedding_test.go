package automation_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/intent"
	"github.com/deskmate/deskmate/internal/netguard"
	"github.com/deskmate/deskmate/internal/secret"
	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/jobs"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

// concepts are the dimensions of the fake embedding model: words of one
// concept point the same way, so a paraphrase that shares no word with the
// learning phrases lands near them, as with a real sentence model.
var concepts = [][]string{
	{"refund", "money back", "reimburs", "repay"},
	{"order", "parcel", "package", "shipment", "purchase"},
	{"cancel", "call off", "abort", "stop"},
	{"open", "hours", "close", "times", "schedule", "trading"},
	{"where", "track", "status", "arriv", "shipped", "whereabouts"},
}

func conceptVector(text string) []float32 {
	text = strings.ToLower(text)
	v := make([]float32, len(concepts)+1)
	for k, cues := range concepts {
		for _, c := range cues {
			if strings.Contains(text, c) {
				v[k]++
			}
		}
	}
	v[len(concepts)] = 0.2
	return v
}

// fakeEmbeddings speaks OpenAI's POST /v1/embeddings for the models it
// knows, answering the items in reverse order as the API may. While down is
// set it answers 500.
type fakeEmbeddings struct {
	mu      sync.Mutex
	models  map[string]bool
	batches []int
	inputs  map[string]int
	down    bool
}

func newFakeEmbeddings(models ...string) *fakeEmbeddings {
	f := &fakeEmbeddings{models: map[string]bool{}, inputs: map[string]int{}}
	for _, m := range models {
		f.models[m] = true
	}
	return f
}

func (f *fakeEmbeddings) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	var req struct {
		Model          string   `json:"model"`
		Input          []string `json:"input"`
		EncodingFormat string   `json:"encoding_format"`
	}
	if r.URL.Path != "/v1/embeddings" || r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&req) != nil {
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":{"message":"Unknown request URL","type":"invalid_request_error"}}`))
		return
	}
	f.mu.Lock()
	down := f.down
	if !down {
		f.batches = append(f.batches, len(req.Input))
		for _, in := range req.Input {
			f.inputs[in]++
		}
	}
	known := f.models[req.Model]
	f.mu.Unlock()
	switch {
	case down:
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"error":{"message":"inference failed: out of memory","type":"server_error"}}`))
		return
	case !known || req.EncodingFormat != "float":
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":{"message":"The model ` + req.Model + ` does not exist","type":"invalid_request_error"}}`))
		return
	}
	type item struct {
		Object    string    `json:"object"`
		Index     int       `json:"index"`
		Embedding []float32 `json:"embedding"`
	}
	resp := struct {
		Object string `json:"object"`
		Data   []item `json:"data"`
		Model  string `json:"model"`
	}{Object: "list", Model: req.Model}
	for i := len(req.Input) - 1; i >= 0; i-- {
		resp.Data = append(resp.Data, item{Object: "embedding", Index: i, Embedding: conceptVector(req.Input[i])})
	}
	json.NewEncoder(w).Encode(resp)
}

func (f *fakeEmbeddings) seen(text string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.inputs[text]
}

func (f *fakeEmbeddings) setDown(down bool) {
	f.mu.Lock()
	f.down = down
	f.mu.Unlock()
}

func (f *fakeEmbeddings) stats() (requests, largest int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, b := range f.batches {
		largest = max(largest, b)
	}
	return len(f.batches), largest
}

type embeddingEnv struct {
	t          *testing.T
	ctx        context.Context
	db         *store.DB
	workspaces *workspace.Service
	svc        *automation.Service
}

// newEmbeddingEnv wires automations to knowledge's embedders as the deskmate
// command does, with a model guard that lets the fake provider through.
func newEmbeddingEnv(t *testing.T) *embeddingEnv {
	ctx := context.Background()
	db := testdb.New(t)
	key, err := secret.GenerateKey()
	require.NoError(t, err)
	ws, err := workspace.New(workspace.Options{DB: db, Box: secret.NewBox(key)})
	require.NoError(t, err)
	queue, err := jobs.NewQueue(db)
	require.NoError(t, err)
	guard, err := netguard.New([]string{"127.0.0.1/32"}, netguard.WithAllowListName("DESKMATE_MODEL_ALLOWLIST"))
	require.NoError(t, err)
	kn, err := knowledge.New(knowledge.Options{DB: db, Models: ws, Queue: queue, ModelGuard: guard})
	require.NoError(t, err)
	svc, err := automation.New(automation.Options{DB: db, Queue: queue, Embedders: kn})
	require.NoError(t, err)
	return &embeddingEnv{t: t, ctx: ctx, db: db, workspaces: ws, svc: svc}
}

// workspace creates a workspace with three automations.
func (e *embeddingEnv) workspace(slug string) int64 {
	w, err := store.CreateWorkspace(e.ctx, e.db.Pool, store.Workspace{Slug: slug, Name: slug, ManagedTags: []string{}})
	require.NoError(e.t, err)
	for name, phrases := range map[string][]string{
		"Refund": {"i want a refund", "how do i get my money back", "can i get a refund for my purchase",
			"please refund my order", "when will i receive my refund", "refund the item i returned",
			"i would like my money back for this product", "status of my refund"},
		"Order status": {"where is my order", "what is the status of my order", "has my order shipped yet",
			"when will my package arrive", "can you track my order", "my order has not arrived",
			"i want to know where my parcel is", "tracking number for my order please"},
		"Opening hours": {"what are your opening hours", "when are you open", "what time do you close",
			"are you open on sunday", "what are your business hours", "is the store open today",
			"when does the shop open", "opening times please"},
	} {
		_, err := store.CreateAutomation(e.ctx, e.db.Pool, store.Automation{WorkspaceID: w.ID, Name: name, Phrases: phrases,
			Tags: []string{}, Channels: []string{}, PostAction: "none", Language: "en", Active: true})
		require.NoError(e.t, err)
	}
	return w.ID
}

func (e *embeddingEnv) setModel(wsID int64, m workspace.ModelSettings) {
	_, err := e.workspaces.PutModelSettings(e.ctx, account.System(wsID, "test"), workspace.ModelInput{ModelSettings: m})
	require.NoError(e.t, err)
}

// train records a run and works it as the train_intents job does (the job
// itself is tested in package jobs), as its last attempt when last is set.
func (e *embeddingEnv) train(wsID int64, last bool) (store.IntentModel, error) {
	m, err := store.CreateIntentModel(e.ctx, e.db.Pool, wsID)
	require.NoError(e.t, err)
	err = e.svc.RunTraining(e.ctx, m.ID, last)
	got, gerr := store.IntentModelByID(e.ctx, e.db.Pool, m.ID)
	require.NoError(e.t, gerr)
	return got, err
}

func (e *embeddingEnv) match(wsID int64, message string) (automation.Match, error) {
	return e.svc.Match(e.ctx, account.System(wsID, "test"), message, nil)
}

func TestTrainingWithTheWorkspaceEmbeddingModel(t *testing.T) {
	fake := newFakeEmbeddings("concepts-v1")
	srv := httptest.NewServer(fake)
	defer srv.Close()
	e := newEmbeddingEnv(t)
	ws := e.workspace("acme")
	e.setModel(ws, workspace.ModelSettings{Provider: "openai", BaseURL: srv.URL + "/v1", ChatModel: "chat", EmbeddingModel: "concepts-v1"})

	run, err := e.train(ws, false)
	require.NoError(t, err)
	require.Equal(t, "ready", run.Status, run.Error)
	var q automation.Quality
	require.NoError(t, json.Unmarshal(run.Quality, &q))
	require.NotNil(t, q.Embedding)
	require.Equal(t, intent.Embedding{Model: "openai/concepts-v1", Dims: len(concepts) + 1, Weight: intent.DefaultDenseWeight}, *q.Embedding)
	require.Positive(t, q.TrainMS)
	require.GreaterOrEqual(t, q.TrainMS, q.EmbedMS)
	requests, largest := fake.stats()
	require.LessOrEqual(t, largest, 32, "the provider gets batches of at most 32 texts")
	require.Greater(t, requests, 1)
	for _, p := range []string{"i want a refund", "where is my order", "opening times please", "banana smoothie recipe"} {
		require.Equal(t, 1, fake.seen(p), "%q: every phrase (and off-topic message) is embedded once per run", p)
	}

	// A paraphrase the phrases' words miss matches through the vectors; the
	// message is embedded with the same model.
	m, err := e.match(ws, "could you reimburse me")
	require.NoError(t, err)
	require.NotNil(t, m.Automation, "%+v", m)
	require.Equal(t, "Refund", m.Automation.Name)
	require.NotEqual(t, intent.NoMatch, m.Decision)
	require.Equal(t, 1, fake.seen("could you reimburse me"))
	m, err = e.match(ws, "whereabouts of my shipment")
	require.NoError(t, err)
	require.NotNil(t, m.Automation, "%+v", m)
	require.Equal(t, "Order status", m.Automation.Name)

	// The built-in provider trains on the words alone and calls no provider.
	plain := e.workspace("plain")
	before, _ := fake.stats()
	run, err = e.train(plain, false)
	require.NoError(t, err)
	require.Equal(t, "ready", run.Status, run.Error)
	q = automation.Quality{}
	require.NoError(t, json.Unmarshal(run.Quality, &q))
	require.Nil(t, q.Embedding)
	m, err = e.match(plain, "could you reimburse me")
	require.NoError(t, err)
	require.True(t, m.Automation == nil || m.Automation.Name != "Refund", "the words alone miss it: %+v", m)
	m, err = e.match(plain, "i want my money back, a refund")
	require.NoError(t, err)
	require.Equal(t, "Refund", m.Automation.Name)
	after, _ := fake.stats()
	require.Equal(t, before, after)
}

func TestMatchAfterTheEmbeddingModelChangedOrFails(t *testing.T) {
	fake := newFakeEmbeddings("concepts-v1", "concepts-v2")
	srv := httptest.NewServer(fake)
	defer srv.Close()
	e := newEmbeddingEnv(t)
	ws := e.workspace("acme")
	v1 := workspace.ModelSettings{Provider: "openai", BaseURL: srv.URL + "/v1", ChatModel: "chat", EmbeddingModel: "concepts-v1"}
	e.setModel(ws, v1)
	run, err := e.train(ws, false)
	require.NoError(t, err)
	require.Equal(t, "ready", run.Status, run.Error)

	// The provider fails: a clear error, no guess.
	fake.setDown(true)
	_, err = e.match(ws, "could you reimburse me")
	var ee *intent.EmbedError
	require.ErrorAs(t, err, &ee)
	require.ErrorContains(t, err, "embed with openai/concepts-v1")
	require.ErrorContains(t, err, "HTTP 500: inference failed: out of memory")
	fake.setDown(false)

	// Another embedding model, or none: never compared with the old vectors.
	e.setModel(ws, workspace.ModelSettings{Provider: "openai", BaseURL: srv.URL + "/v1", ChatModel: "chat", EmbeddingModel: "concepts-v2"})
	_, err = e.match(ws, "could you reimburse me")
	require.ErrorIs(t, err, intent.ErrEmbeddingChanged)
	require.EqualError(t, err, "the embedding model changed since training: the intents were trained with openai/concepts-v1 "+
		"(6 dimensions), and the embedding model is now openai/concepts-v2: train AI again")
	require.Zero(t, fake.seen("could you reimburse me"), "the message is not embedded with the new model")
	e.setModel(ws, workspace.DefaultModelSettings)
	_, err = e.match(ws, "could you reimburse me")
	require.ErrorIs(t, err, intent.ErrEmbeddingChanged)
	require.ErrorContains(t, err, "no embedding model is set now: train AI again")

	// Training again with the current settings (built-in) fixes it.
	run, err = e.train(ws, false)
	require.NoError(t, err)
	require.Equal(t, "ready", run.Status, run.Error)
	m, err := e.match(ws, "i want my money back, a refund")
	require.NoError(t, err)
	require.Equal(t, "Refund", m.Automation.Name)
	require.Equal(t, 2, m.ModelVersion)
}

func TestTrainingRetriesWhileTheEmbedderIsDown(t *testing.T) {
	fake := newFakeEmbeddings("concepts-v1")
	srv := httptest.NewServer(fake)
	defer srv.Close()
	e := newEmbeddingEnv(t)
	ws := e.workspace("acme")
	e.setModel(ws, workspace.ModelSettings{Provider: "openai", BaseURL: srv.URL + "/v1", ChatModel: "chat", EmbeddingModel: "concepts-v1"})
	fake.setDown(true)

	run, err := e.train(ws, false)
	require.ErrorContains(t, err, "embed the learning phrases with openai/concepts-v1")
	require.Equal(t, "training", run.Status, "not the last attempt: the job retries")
	err = e.svc.RunTraining(e.ctx, run.ID, true)
	require.Error(t, err)
	run, err = store.IntentModelByID(e.ctx, e.db.Pool, run.ID)
	require.NoError(t, err)
	require.Equal(t, "failed", run.Status)
	require.Contains(t, run.Error, "HTTP 500: inference failed: out of memory")
	_, err = e.match(ws, "refund")
	require.ErrorIs(t, err, automation.ErrNoModel)

	// A model the provider does not have fails the same way, with its words.
	fake.setDown(false)
	e.setModel(ws, workspace.ModelSettings{Provider: "openai", BaseURL: srv.URL + "/v1", ChatModel: "chat", EmbeddingModel: "no-such-model"})
	run, err = e.train(ws, true)
	require.Error(t, err)
	require.Equal(t, "failed", run.Status)
	require.Contains(t, run.Error, "The model no-such-model does not exist")
}
