package agent_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/agent"
	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/internal/netguard"
	"github.com/deskmate/deskmate/internal/secret"
	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/jobs"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// env is a workspace with the real services on the test database and a
// River client working their jobs.
type env struct {
	t     *testing.T
	ctx   context.Context
	db    *store.DB
	actor account.Actor
	ws    *workspace.Service
	kn    *knowledge.Service
	au    *automation.Service
	ag    *agent.Service
}

func setup(t *testing.T, modelGuard *netguard.Guard) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	db := testdb.New(t)
	key, err := secret.GenerateKey()
	require.NoError(t, err)
	queue, err := jobs.NewQueue(db)
	require.NoError(t, err)
	e := &env{t: t, ctx: ctx, db: db}
	e.ws, err = workspace.New(workspace.Options{DB: db, Box: secret.NewBox(key)})
	require.NoError(t, err)
	e.kn, err = knowledge.New(knowledge.Options{DB: db, Models: e.ws, Queue: queue, CrawlDelay: -1})
	require.NoError(t, err)
	e.au, err = automation.New(automation.Options{DB: db, Queue: queue})
	require.NoError(t, err)
	e.ag, err = agent.New(agent.Options{DB: db, Automations: e.au, Knowledge: e.kn, Workspaces: e.ws, ModelGuard: modelGuard,
		Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	client, err := jobs.NewClient(db, jobs.Options{Services: jobs.Services{Knowledge: e.kn, Automations: e.au},
		Periodic: []*river.PeriodicJob{}, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, client.Start(context.Background()))
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = client.StopAndCancel(stop)
	})
	w, err := store.CreateWorkspace(ctx, db.Pool, store.Workspace{Slug: "acme", Name: "Acme", ManagedTags: []string{}})
	require.NoError(t, err)
	e.actor = account.Actor{Principal: account.Principal{User: store.User{ID: 1, Email: "ed@acme.test"}}, WorkspaceID: w.ID,
		Role: account.RoleOwner}
	return e
}

// knowledgeBase adds articles and waits until they are searchable.
func (e *env) knowledgeBase(articles map[string]string) {
	e.t.Helper()
	name := "Help center"
	kb, err := e.kn.CreateBase(e.ctx, e.actor, knowledge.BaseInput{Name: &name})
	require.NoError(e.t, err)
	for title, body := range articles {
		_, err := e.kn.AddDocument(e.ctx, e.actor, kb.ID, knowledge.DocumentInput{Kind: knowledge.KindText, Title: title, Text: body})
		require.NoError(e.t, err)
	}
	require.Eventually(e.t, func() bool {
		p, err := e.kn.Progress(e.ctx, e.actor, kb.ID)
		require.NoError(e.t, err)
		return !p.Running && p.DocumentsDone == len(articles)
	}, time.Minute, 50*time.Millisecond)
}

// automations adds automations and trains the matcher.
func (e *env) automations(list []automation.Input) {
	e.t.Helper()
	for _, in := range list {
		_, err := e.au.CreateAutomation(e.ctx, e.actor, in)
		require.NoError(e.t, err)
	}
	m, _, err := e.au.StartTraining(e.ctx, e.actor)
	require.NoError(e.t, err)
	require.Eventually(e.t, func() bool {
		got, err := store.IntentModelByID(e.ctx, e.db.Pool, m.ID)
		require.NoError(e.t, err)
		require.NotEqual(e.t, "failed", got.Status, got.Error)
		return got.Status == "ready"
	}, 2*time.Minute, 50*time.Millisecond)
}

// ask runs the pipeline on a one-message conversation (or appends to conv).
func (e *env) ask(conv agent.Conversation, text string) (agent.Conversation, agent.Result) {
	e.t.Helper()
	conv.Messages = append(conv.Messages, agent.Message{Role: agent.RoleCustomer, Text: text})
	res, err := e.ag.Decide(e.ctx, e.actor, conv, agent.RunOptions{Source: agent.SourcePlayground})
	require.NoError(e.t, err)
	if res.Decision.Kind == agent.Reply || res.Decision.Kind == agent.Clarify {
		conv.Messages = append(conv.Messages, agent.Message{Role: agent.RoleBot, Text: res.Decision.Reply})
	}
	return conv, res
}

var convN int

func newConv(channel string) agent.Conversation {
	convN++
	return agent.Conversation{Key: fmt.Sprintf("playground:test-%d", convN), Channel: channel,
		Customer: agent.Customer{Name: "Ana Silva", Email: "ana@example.com"}}
}

func str(s string) *string { return &s }

func phrases(ps ...string) *[]string { return &ps }
