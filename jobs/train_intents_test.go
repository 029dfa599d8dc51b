package jobs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/jobs"
	"github.com/deskmate/deskmate/store"
)

func TestTrainIntentsJobSwapsTheActiveModel(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	w, err := store.CreateWorkspace(ctx, db.Pool, store.Workspace{Slug: "acme", Name: "Acme", ManagedTags: []string{}})
	require.NoError(t, err)
	for name, words := range map[string][]string{
		"Refund":        {"refund", "money back", "reimburse", "repay", "return payment", "refund status", "credit back"},
		"Opening hours": {"opening hours", "open today", "closing time", "business hours", "open sunday", "shop hours", "store open"},
	} {
		var phrases []string
		for _, w := range words {
			phrases = append(phrases, fmt.Sprintf("question about %s", w))
		}
		_, err := store.CreateAutomation(ctx, db.Pool, store.Automation{WorkspaceID: w.ID, Name: name, Phrases: phrases,
			Tags: []string{}, Channels: []string{}, PostAction: "none", Language: "en", Active: true})
		require.NoError(t, err)
	}

	services, queue := services(t, db)
	inserter, svc := queue.Client, services.Automations
	p := account.Principal{User: store.User{ID: 1, Email: "ed@acme.test"}}

	run := func() store.IntentModel {
		m, created, err := svc.StartTraining(ctx, account.Actor{Principal: p, WorkspaceID: w.ID, Role: account.RoleEditor})
		require.NoError(t, err)
		require.True(t, created)
		// One train_intents job per workspace while it waits.
		_, again, err := svc.StartTraining(ctx, account.Actor{Principal: p, WorkspaceID: w.ID, Role: account.RoleEditor})
		require.NoError(t, err)
		require.False(t, again)
		list, err := inserter.JobList(ctx, river.NewJobListParams().Kinds("train_intents").States("available"))
		require.NoError(t, err)
		require.Len(t, list.Jobs, 1)
		return m
	}
	work := func(want store.IntentModel) {
		client, err := jobs.NewClient(db, jobs.Options{Services: services, Periodic: []*river.PeriodicJob{}})
		require.NoError(t, err)
		require.NoError(t, client.Start(ctx))
		defer func() {
			stopCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			require.NoError(t, client.Stop(stopCtx))
		}()
		require.Eventually(t, func() bool {
			m, err := store.IntentModelByID(ctx, db.Pool, want.ID)
			require.NoError(t, err)
			return m.Status != "training"
		}, 2*time.Minute, 50*time.Millisecond)
	}

	_, err = svc.Match(ctx, account.System(w.ID, "test"), "refund", nil)
	require.ErrorIs(t, err, automation.ErrNoModel)

	v1 := run()
	work(v1)
	st, err := svc.Training(ctx, account.System(w.ID, "test"))
	require.NoError(t, err)
	require.Equal(t, "ready", st.Latest.Status, st.Latest.Error)
	require.Equal(t, v1.ID, st.Active.ID)
	require.Len(t, st.Latest.Phrases, 2)
	m, err := svc.Match(ctx, account.System(w.ID, "test"), "I want my money back, a refund", nil)
	require.NoError(t, err)
	require.Equal(t, "Refund", m.Automation.Name)
	require.Equal(t, 1, m.ModelVersion)

	// The next run is held (no worker): version 1 keeps answering.
	v2 := run()
	require.Equal(t, 2, v2.Version)
	st, err = svc.Training(ctx, account.System(w.ID, "test"))
	require.NoError(t, err)
	require.Equal(t, v2.ID, st.Latest.ID)
	require.Equal(t, v1.ID, st.Active.ID)
	m, err = svc.Match(ctx, account.System(w.ID, "test"), "refund please", nil)
	require.NoError(t, err)
	require.Equal(t, 1, m.ModelVersion)

	work(v2)
	st, err = svc.Training(ctx, account.System(w.ID, "test"))
	require.NoError(t, err)
	require.Equal(t, v2.ID, st.Active.ID)
	m, err = svc.Match(ctx, account.System(w.ID, "test"), "refund please", nil)
	require.NoError(t, err)
	require.Equal(t, 2, m.ModelVersion, "the cached model is replaced when the active one changes")
	old, err := store.IntentModelByID(ctx, db.Pool, v1.ID)
	require.NoError(t, err)
	require.False(t, old.Active)
	require.Equal(t, "ready", old.Status)
}
