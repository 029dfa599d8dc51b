package automation_test

import (
	"context"
	"encoding/json"
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
	"github.com/deskmate/deskmate/llm/llmtest"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

// concepts are the dimensions of the fake embedding model: words of one
// concept point the same way, so a paraphrase that shares no word with the
// learning phrases lands near them, as with a real sentence model.
var concepts = llmtest.Concepts{
	{"refund", "money back", "reimburs", "repay"},
	{"order", "parcel", "package", "shipment", "purchase"},
	{"cancel", "call off", "abort", "stop"},
	{"open", "hours", "close", "times", "schedule", "trading"},
	{"where", "track", "status", "arriv", "shipped", "whereabouts"},
}

type embeddingEnv struct {
	t          *testing.T
	ctx        context.Context
	db         *store.DB
	workspaces *workspace.Service
	svc        *automation.Service
	fake       *llmtest.Embeddings
}

// newEmbeddingEnv wires automations to knowledge's embedders as the deskmate
// command does, with a fake OpenAI-compatible provider serving models and a
// model guard that lets it through.
func newEmbeddingEnv(t *testing.T, models ...string) *embeddingEnv {
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
	fake := llmtest.StartEmbeddings(concepts.Vector, models...)
	t.Cleanup(fake.Close)
	return &embeddingEnv{t: t, ctx: ctx, db: db, workspaces: ws, svc: svc, fake: fake}
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

// openAI is the model settings that embed with model on the fake provider.
func (e *embeddingEnv) openAI(model string) workspace.ModelSettings {
	return workspace.ModelSettings{Provider: "openai", BaseURL: e.fake.URL(), ChatModel: "chat", EmbeddingModel: model}
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

// trainReady trains as train does and requires the run to be ready.
func (e *embeddingEnv) trainReady(wsID int64) store.IntentModel {
	e.t.Helper()
	run, err := e.train(wsID, false)
	require.NoError(e.t, err)
	require.Equal(e.t, "ready", run.Status, run.Error)
	return run
}

func (e *embeddingEnv) match(wsID int64, message string) (automation.Match, error) {
	return e.svc.Match(e.ctx, account.System(wsID, "test"), message, nil)
}

func TestTrainingWithTheWorkspaceEmbeddingModel(t *testing.T) {
	e := newEmbeddingEnv(t, "concepts-v1")
	fake := e.fake
	ws := e.workspace("acme")
	e.setModel(ws, e.openAI("concepts-v1"))

	run := e.trainReady(ws)
	var q automation.Quality
	require.NoError(t, json.Unmarshal(run.Quality, &q))
	require.NotNil(t, q.Embedding)
	require.Equal(t, intent.Embedding{Model: "openai/concepts-v1", Dims: len(concepts) + 1, Weight: intent.DefaultDenseWeight}, *q.Embedding)
	require.Positive(t, q.TrainMS)
	require.GreaterOrEqual(t, q.TrainMS, q.EmbedMS)
	require.LessOrEqual(t, fake.LargestBatch(), 32, "the provider gets batches of at most 32 texts")
	require.Greater(t, fake.Requests(), 1)
	for _, p := range []string{"i want a refund", "where is my order", "opening times please", "banana smoothie recipe"} {
		require.Equal(t, 1, fake.Seen(p), "%q: every phrase (and off-topic message) is embedded once per run", p)
	}

	// A paraphrase the phrases' words miss matches through the vectors; the
	// message is embedded with the same model.
	m, err := e.match(ws, "could you reimburse me")
	require.NoError(t, err)
	require.NotNil(t, m.Automation, "%+v", m)
	require.Equal(t, "Refund", m.Automation.Name)
	require.NotEqual(t, intent.NoMatch, m.Decision)
	require.Equal(t, 1, fake.Seen("could you reimburse me"))
	m, err = e.match(ws, "whereabouts of my shipment")
	require.NoError(t, err)
	require.NotNil(t, m.Automation, "%+v", m)
	require.Equal(t, "Order status", m.Automation.Name)

	// The built-in provider trains on the words alone and calls no provider.
	plain := e.workspace("plain")
	before := fake.Requests()
	run = e.trainReady(plain)
	q = automation.Quality{}
	require.NoError(t, json.Unmarshal(run.Quality, &q))
	require.Nil(t, q.Embedding)
	m, err = e.match(plain, "could you reimburse me")
	require.NoError(t, err)
	require.True(t, m.Automation == nil || m.Automation.Name != "Refund", "the words alone miss it: %+v", m)
	m, err = e.match(plain, "i want my money back, a refund")
	require.NoError(t, err)
	require.Equal(t, "Refund", m.Automation.Name)
	after := fake.Requests()
	require.Equal(t, before, after)
}

func TestMatchAfterTheEmbeddingModelChangedOrFails(t *testing.T) {
	e := newEmbeddingEnv(t, "concepts-v1", "concepts-v2")
	fake := e.fake
	ws := e.workspace("acme")
	e.setModel(ws, e.openAI("concepts-v1"))
	e.trainReady(ws)

	// The provider fails: a clear error, no guess.
	fake.SetDown(true)
	_, err := e.match(ws, "could you reimburse me")
	var ee *intent.EmbedError
	require.ErrorAs(t, err, &ee)
	require.ErrorContains(t, err, "embed with openai/concepts-v1")
	require.ErrorContains(t, err, "HTTP 500: inference failed: out of memory")
	fake.SetDown(false)

	// Another embedding model, or none: never compared with the old vectors.
	e.setModel(ws, e.openAI("concepts-v2"))
	_, err = e.match(ws, "could you reimburse me")
	require.ErrorIs(t, err, intent.ErrEmbeddingChanged)
	require.EqualError(t, err, "the embedding model changed since training: the intents were trained with openai/concepts-v1 "+
		"(6 dimensions), and the embedding model is now openai/concepts-v2: train AI again")
	require.Zero(t, fake.Seen("could you reimburse me"), "the message is not embedded with the new model")
	e.setModel(ws, workspace.DefaultModelSettings)
	_, err = e.match(ws, "could you reimburse me")
	require.ErrorIs(t, err, intent.ErrEmbeddingChanged)
	require.ErrorContains(t, err, "no embedding model is set now: train AI again")

	// Training again with the current settings (built-in) fixes it.
	e.trainReady(ws)
	m, err := e.match(ws, "i want my money back, a refund")
	require.NoError(t, err)
	require.Equal(t, "Refund", m.Automation.Name)
	require.Equal(t, 2, m.ModelVersion)
}

func TestTrainingRetriesWhileTheEmbedderIsDown(t *testing.T) {
	e := newEmbeddingEnv(t, "concepts-v1")
	fake := e.fake
	ws := e.workspace("acme")
	e.setModel(ws, e.openAI("concepts-v1"))
	fake.SetDown(true)

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
	fake.SetDown(false)
	e.setModel(ws, e.openAI("no-such-model"))
	run, err = e.train(ws, true)
	require.Error(t, err)
	require.Equal(t, "failed", run.Status)
	require.Contains(t, run.Error, "The model no-such-model does not exist")
}
