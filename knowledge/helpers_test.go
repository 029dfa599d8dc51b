package knowledge_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/internal/netguard"
	"github.com/deskmate/deskmate/internal/secret"
	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/jobs"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/llm"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

// counting wraps an embedder and counts the texts it embeds.
type counting struct {
	llm.Embedder
	texts *atomic.Int64
}

func (c counting) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	c.texts.Add(int64(len(texts)))
	return c.Embedder.Embed(ctx, texts)
}

// env is a workspace on a fresh database with a knowledge service whose jobs
// a real River client works.
type env struct {
	t        *testing.T
	ctx      context.Context
	db       *store.DB
	ws       *workspace.Service
	svc      *knowledge.Service
	wsID     int64
	actor    account.Actor
	embedded atomic.Int64 // texts embedded, when the counting factory is used
}

type setupOpt func(*knowledge.Options, *env)

// withRealEmbedders keeps the service's own embedder factory (model settings,
// API key, URL guard) instead of counting built-in embeddings.
func withRealEmbedders() setupOpt {
	return func(o *knowledge.Options, e *env) { o.Embedders = nil }
}

// withAllow sets the web sources' guard's allow list (the test servers
// listen on 127.0.0.1).
func withAllow(allow ...string) setupOpt {
	return func(o *knowledge.Options, e *env) {
		g, err := netguard.New(allow)
		require.NoError(e.t, err)
		o.Guard = g
	}
}

// withModelAllow sets the model providers' guard's allow list (a fake
// Ollama listens on 127.0.0.1).
func withModelAllow(allow ...string) setupOpt {
	return func(o *knowledge.Options, e *env) {
		g, err := netguard.New(allow, netguard.WithAllowListName("DESKMATE_MODEL_ALLOWLIST"))
		require.NoError(e.t, err)
		o.ModelGuard = g
	}
}

func setup(t *testing.T, opts ...setupOpt) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	db := testdb.New(t)
	key, err := secret.GenerateKey()
	require.NoError(t, err)
	ws, err := workspace.New(workspace.Options{DB: db, Box: secret.NewBox(key)})
	require.NoError(t, err)
	queue, err := jobs.NewQueue(db)
	require.NoError(t, err)
	e := &env{t: t, ctx: ctx, db: db, ws: ws}
	w, err := store.CreateWorkspace(ctx, db.Pool, store.Workspace{Slug: "acme", Name: "Acme", ManagedTags: []string{}})
	require.NoError(t, err)
	e.wsID = w.ID
	e.actor = account.System(w.ID, "test")
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	o := knowledge.Options{DB: db, Models: e.ws, Queue: queue, CrawlDelay: -1, EmbedBatch: 16, Logger: logger,
		Embedders: func(ctx context.Context, ws int64, spec store.EmbedderSpec) (llm.Embedder, error) {
			emb, err := llm.NewEmbedder(llm.EmbedSettings{Provider: spec.Provider, BaseURL: spec.BaseURL, Model: spec.Model})
			return counting{emb, &e.embedded}, err
		}}
	for _, opt := range opts {
		opt(&o, e)
	}
	e.svc, err = knowledge.New(o)
	require.NoError(t, err)
	automations, err := automation.New(automation.Options{DB: db, Queue: queue})
	require.NoError(t, err)
	client, err := jobs.NewClient(db, jobs.Options{Services: jobs.Services{Knowledge: e.svc, Automations: automations},
		Periodic: []*river.PeriodicJob{}, Logger: logger})
	require.NoError(t, err)
	require.NoError(t, client.Start(context.Background()))
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		require.NoError(t, client.StopAndCancel(stop))
	})
	return e
}

func (e *env) base(name string) store.KnowledgeBase {
	e.t.Helper()
	k, err := e.svc.CreateBase(e.ctx, e.actor, knowledge.BaseInput{Name: &name})
	require.NoError(e.t, err)
	return k
}

func (e *env) addText(kb int64, title, text string) store.KnowledgeDocument {
	e.t.Helper()
	d, err := e.svc.AddDocument(e.ctx, e.actor, kb, knowledge.DocumentInput{Kind: knowledge.KindText, Title: title, Text: text})
	require.NoError(e.t, err)
	return d
}

// wait blocks until the knowledge base's ingestion has finished.
func (e *env) wait(kb int64) knowledge.Progress {
	e.t.Helper()
	var p knowledge.Progress
	require.Eventually(e.t, func() bool {
		var err error
		p, err = e.svc.Progress(e.ctx, e.actor, kb)
		require.NoError(e.t, err)
		return !p.Running
	}, 60*time.Second, 20*time.Millisecond, "ingestion did not finish")
	return p
}

func (e *env) docs(kb int64, parent *int64) map[string]store.KnowledgeDocument {
	e.t.Helper()
	list, err := e.svc.Documents(e.ctx, e.actor, kb, parent, 500, 0)
	require.NoError(e.t, err)
	out := map[string]store.KnowledgeDocument{}
	for _, d := range list {
		key := d.Filename
		if key == "" {
			key = d.URL
		}
		if key == "" {
			key = d.Title
		}
		out[key] = d
	}
	return out
}

func (e *env) search(query string, o knowledge.SearchOptions) knowledge.SearchResponse {
	e.t.Helper()
	r, err := e.svc.Search(e.ctx, e.actor, query, o)
	require.NoError(e.t, err)
	return r
}

func (e *env) setModel(m workspace.ModelSettings) {
	e.t.Helper()
	_, err := e.ws.PutModelSettings(e.ctx, e.actor, workspace.ModelInput{ModelSettings: m})
	require.NoError(e.t, err)
	require.NoError(e.t, e.svc.EmbeddingSettingsChanged(e.ctx, e.wsID))
}

func readFixture(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join("parser", "testdata", name)) // the parser's sample documents
	require.NoError(t, err)
	return b
}

func (e *env) count(sql string, args ...any) int {
	e.t.Helper()
	var n int
	require.NoError(e.t, e.db.Pool.QueryRow(e.ctx, sql, args...).Scan(&n))
	return n
}

// testWriter sends log lines to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
