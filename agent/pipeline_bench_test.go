package agent_test

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/agent"
	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/internal/secret"
	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/jobs"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/knowledge/knowledgetest"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

// BenchmarkPipeline measures the pipeline's own time (no model: the
// built-in provider) on a workspace with 10,000 knowledge chunks and 150
// trained automations, over a mix of messages: knowledge questions,
// automation requests, order questions and hand-over requests. Run it with
//
//	go test -run '^$' -bench Pipeline -benchtime 1x ./agent/
func BenchmarkPipeline(b *testing.B) {
	ctx := context.Background()
	db := testdb.New(b)
	key, err := secret.GenerateKey()
	must(b, err)
	ws, err := workspace.New(workspace.Options{DB: db, Box: secret.NewBox(key)})
	must(b, err)
	q := &knowledgetest.Queue{}
	kn, err := knowledge.New(knowledge.Options{DB: db, Models: ws, Queue: q})
	must(b, err)
	jq, err := jobs.NewQueue(db)
	must(b, err)
	au, err := automation.New(automation.Options{DB: db, Queue: jq})
	must(b, err)
	ag, err := agent.New(agent.Options{DB: db, Automations: au, Knowledge: kn, Workspaces: ws, Logger: slog.New(slog.DiscardHandler)})
	must(b, err)
	client, err := jobs.NewClient(db, jobs.Options{Services: jobs.Services{Knowledge: kn, Automations: au},
		Periodic: []*river.PeriodicJob{}, Logger: slog.New(slog.DiscardHandler)})
	must(b, err)
	must(b, client.Start(ctx))
	defer func() { _ = client.StopAndCancel(context.Background()) }()

	w, err := store.CreateWorkspace(ctx, db.Pool, store.Workspace{Slug: "bench", Name: "Bench", ManagedTags: []string{}})
	must(b, err)
	actor := account.System(w.ID, "bench")
	name := "Help center"
	kb, err := kn.CreateBase(ctx, actor, knowledge.BaseInput{Name: &name})
	must(b, err)
	text := knowledgetest.NewText(7)
	loaded, err := knowledgetest.BulkLoad(ctx, db, kn, q, w.ID, kb.ID, text, 10000)
	must(b, err)
	b.Logf("10,000 chunks loaded in %s, index in %s", loaded.Load.Round(time.Millisecond), loaded.IndexBy.Round(time.Millisecond))

	// 150 automations of 8 learning phrases each, on their own topics.
	var automationPhrases []string
	for i := 0; i < 150; i++ {
		var ps []string
		text.NewTopic()
		for j := 0; j < 8; j++ {
			s := strings.Fields(strings.TrimSuffix(text.Sentence(), "."))
			ps = append(ps, strings.Join(s[:min(len(s), 6)], " "))
		}
		automationPhrases = append(automationPhrases, ps[0])
		n, resp := fmt.Sprintf("Automation %d", i), fmt.Sprintf("Template answer %d.", i)
		_, err := au.CreateAutomation(ctx, actor, automation.Input{Name: &n, Phrases: &ps, Response: &resp, Active: ptr(true)})
		must(b, err)
	}
	t0 := time.Now()
	m, _, err := au.StartTraining(ctx, actor)
	must(b, err)
	for {
		got, err := store.IntentModelByID(ctx, db.Pool, m.ID)
		must(b, err)
		if got.Status == "ready" {
			break
		}
		if got.Status == "failed" {
			b.Fatal(got.Error)
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.Logf("150 automations trained in %s", time.Since(t0).Round(time.Millisecond))

	var messages []string
	for i := 0; i < 200; i++ {
		switch i % 10 {
		case 0:
			messages = append(messages, "Hi, where is my order?")
		case 1:
			messages = append(messages, "I want to talk to a real person please")
		case 2, 3:
			messages = append(messages, automationPhrases[i%len(automationPhrases)])
		default:
			messages = append(messages, text.Query()+"?")
		}
	}
	// The first run builds the workspace's term statistics; it is not timed.
	t0 = time.Now()
	decide(b, ag, actor, 0, "warm up")
	b.Logf("first decision, with the term statistics of 10,000 chunks: %s", time.Since(t0).Round(time.Millisecond))

	b.ResetTimer()
	var lat []float64
	kinds := map[agent.Kind]int{}
	for n := 0; n < b.N; n++ {
		for i, msg := range messages {
			start := time.Now()
			res := decide(b, ag, actor, n*len(messages)+i+1, msg)
			lat = append(lat, float64(time.Since(start).Microseconds())/1000)
			kinds[res.Decision.Kind]++
		}
	}
	b.StopTimer()
	sort.Float64s(lat)
	b.ReportMetric(lat[len(lat)/2], "p50_ms")
	b.ReportMetric(lat[min(len(lat)-1, len(lat)*99/100)], "p99_ms")
	b.ReportMetric(float64(len(lat)), "messages")
	b.Logf("decisions: %v", kinds)
}

func decide(b *testing.B, ag *agent.Service, actor account.Actor, i int, text string) agent.Result {
	conv := agent.Conversation{Key: fmt.Sprintf("bench:%d", i), Channel: "email", Customer: agent.Customer{Name: "Ana Silva", Email: "ana@example.com"},
		Messages: []agent.Message{{Role: agent.RoleCustomer, Text: text}}}
	res, err := ag.Decide(context.Background(), actor, conv, agent.RunOptions{Source: agent.SourceEval})
	must(b, err)
	return res
}

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}
