package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/jobs"
)

type budgetArgs struct {
	Wait time.Duration `json:"wait"`
}

func (budgetArgs) Kind() string { return "test_budget" }

type budgetWorker struct {
	river.WorkerDefaults[budgetArgs]
	runs chan struct{}
}

func (w *budgetWorker) Work(_ context.Context, job *river.Job[budgetArgs]) error {
	defer func() { w.runs <- struct{}{} }()
	if job.Args.Wait == 0 {
		return jobs.WaitForBudget(errors.New("gorgias: GET /api/tickets/7: 500"))
	}
	return jobs.WaitForBudget(fmt.Errorf("read ticket 7: %w", &gorgias.BudgetError{Wait: job.Args.Wait}))
}

// A job that finds Gorgias' budget full is snoozed until there is room,
// without spending an attempt or recording an error; any other error is a
// failed attempt as before.
func TestTicketJobsWaitForTheBudgetWithoutSpendingAttempts(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	w := &budgetWorker{runs: make(chan struct{}, 2)}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	client, err := river.NewClient(riverpgxv5.New(db.Pool), &river.Config{
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1}}, Workers: workers,
		FetchPollInterval: 100 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, client.Start(ctx))
	t.Cleanup(func() { _ = client.Stop(context.Background()) })

	full, err := client.Insert(ctx, budgetArgs{Wait: time.Hour}, &river.InsertOpts{MaxAttempts: 1})
	require.NoError(t, err)
	broken, err := client.Insert(ctx, budgetArgs{}, &river.InsertOpts{MaxAttempts: 1})
	require.NoError(t, err)
	<-w.runs
	<-w.runs

	job := waitForState(t, client, full.Job.ID, rivertype.JobStateScheduled)
	require.Empty(t, job.Errors, "a snooze is not a failure")
	require.Less(t, job.Attempt, job.MaxAttempts, "the snooze gave its attempt back")
	require.WithinDuration(t, time.Now().Add(time.Hour), job.ScheduledAt, 7*time.Minute)
	job = waitForState(t, client, broken.Job.ID, rivertype.JobStateDiscarded)
	require.Len(t, job.Errors, 1)
}

func waitForState(t *testing.T, client *river.Client[pgx.Tx], id int64, state rivertype.JobState) *rivertype.JobRow {
	t.Helper()
	var job *rivertype.JobRow
	require.Eventually(t, func() bool {
		var err error
		job, err = client.JobGet(context.Background(), id)
		return err == nil && job.State == state
	}, 10*time.Second, 20*time.Millisecond, "job %d never reached %s", id, state)
	return job
}
