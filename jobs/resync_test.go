package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/jobs"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/store"
)

func TestKnowledgeJobsAreWorked(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	svc, _ := services(t, db)
	kn := svc.Knowledge
	client, err := jobs.NewClient(db, jobs.Options{Services: svc, Periodic: []*river.PeriodicJob{}})
	require.NoError(t, err)
	require.NoError(t, client.Start(ctx))
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, client.Stop(stop))
	})

	w, err := store.CreateWorkspace(ctx, db.Pool, store.Workspace{Slug: "acme", Name: "Acme", ManagedTags: []string{}})
	require.NoError(t, err)
	name := "Help"
	actor := account.System(w.ID, "test")
	kb, err := kn.CreateBase(ctx, actor, knowledge.BaseInput{Name: &name})
	require.NoError(t, err)
	d, err := kn.AddDocument(ctx, actor, kb.ID, knowledge.DocumentInput{Kind: knowledge.KindText, Title: "Returns", Text: "Free within 30 days."})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		got, err := kn.Document(ctx, actor, kb.ID, d.ID)
		require.NoError(t, err)
		return got.Status == "ready"
	}, 30*time.Second, 20*time.Millisecond, "the knowledge_ingest job chunks and embeds the document")

	// The scheduled re-sync runs (nothing is due) and completes.
	res, err := client.Insert(ctx, jobs.ResyncArgs{}, nil)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		j, err := client.JobGet(ctx, res.Job.ID)
		require.NoError(t, err)
		return j.State == rivertype.JobStateCompleted
	}, 30*time.Second, 20*time.Millisecond)
}
