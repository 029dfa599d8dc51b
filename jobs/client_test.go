package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/jobs"
	"github.com/deskmate/deskmate/store"
)

type recordArgs struct {
	Name string `json:"name"`
}

func (recordArgs) Kind() string { return "test_record" }

// recordWorker reports each job's name on a channel.
type recordWorker struct {
	river.WorkerDefaults[recordArgs]
	worked chan string
}

func (w *recordWorker) Work(ctx context.Context, job *river.Job[recordArgs]) error {
	w.worked <- job.Args.Name
	return nil
}

func startClient(t *testing.T, db *store.DB, w *recordWorker) *river.Client[pgx.Tx] {
	t.Helper()
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	svc, _ := services(t, db)
	jobs.Register(workers, db, svc)
	client, err := jobs.NewClient(db, jobs.Options{Workers: workers, Periodic: []*river.PeriodicJob{}})
	require.NoError(t, err)
	require.NoError(t, client.Start(context.Background()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, client.Stop(ctx))
	})
	return client
}

func waitFor(t *testing.T, ch <-chan string, want string) {
	t.Helper()
	select {
	case got := <-ch:
		require.Equal(t, want, got)
	case <-time.After(30 * time.Second):
		t.Fatalf("job %q was not worked within 30s", want)
	}
}

func TestJobInsertedInCommittedTxIsWorked_RolledBackNever(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	w := &recordWorker{worked: make(chan string, 10)}
	client := startClient(t, db, w)

	// Rolled back: the job must never exist, let alone run.
	var rolledBackID int64
	tx, err := db.Pool.Begin(ctx)
	require.NoError(t, err)
	res, err := client.InsertTx(ctx, tx, recordArgs{Name: "rolled-back"}, nil)
	require.NoError(t, err)
	rolledBackID = res.Job.ID
	require.NoError(t, tx.Rollback(ctx))

	// Committed with a business row in the same transaction.
	require.NoError(t, db.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO workspaces (slug, name) VALUES ('acme', 'Acme')`); err != nil {
			return err
		}
		_, err := client.InsertTx(ctx, tx, recordArgs{Name: "committed"}, nil)
		return err
	}))
	waitFor(t, w.worked, "committed")

	// A later job is worked too, and the rolled-back one never appears.
	_, err = client.Insert(ctx, recordArgs{Name: "after"}, nil)
	require.NoError(t, err)
	waitFor(t, w.worked, "after")
	select {
	case got := <-w.worked:
		t.Fatalf("unexpected job worked: %q", got)
	default:
	}
	_, err = client.JobGet(ctx, rolledBackID)
	require.ErrorIs(t, err, river.ErrNotFound)

	// Completion is recorded asynchronously: wait until both show as completed.
	require.Eventually(t, func() bool {
		list, err := client.JobList(ctx, river.NewJobListParams().Kinds("test_record").States(rivertype.JobStateCompleted))
		require.NoError(t, err)
		return len(list.Jobs) == 2
	}, 30*time.Second, 50*time.Millisecond)
}

func TestHeartbeatJobRecordsItsRun(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	client := startClient(t, db, &recordWorker{worked: make(chan string, 1)})
	res, err := client.Insert(ctx, jobs.HeartbeatArgs{}, nil)
	require.NoError(t, err)
	deadline := time.Now().Add(30 * time.Second)
	for {
		hb, err := db.LastHeartbeat(ctx)
		if err == nil {
			require.Equal(t, res.Job.ID, hb.JobID)
			require.NotZero(t, hb.PID)
			return
		}
		require.ErrorIs(t, err, store.ErrNotFound)
		if time.Now().After(deadline) {
			t.Fatal("heartbeat job not worked within 30s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestSessionCleanupDeletesOnlyExpiredSessions(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	u, err := store.CreateUser(ctx, db.Pool, "a@b.test", "A", "x", "member")
	require.NoError(t, err)
	_, err = store.CreateSession(ctx, db.Pool, []byte("live"), u.ID, "c", "", "", time.Now().Add(time.Hour))
	require.NoError(t, err)
	_, err = store.CreateSession(ctx, db.Pool, []byte("dead"), u.ID, "c", "", "", time.Now().Add(-time.Hour))
	require.NoError(t, err)

	client := startClient(t, db, &recordWorker{worked: make(chan string, 1)})
	_, err = client.Insert(ctx, jobs.SessionCleanupArgs{}, nil)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, db.Pool.QueryRow(ctx, `SELECT count(*) FROM sessions`).Scan(&n))
		return n == 1
	}, 30*time.Second, 50*time.Millisecond)
	_, _, err = store.SessionByTokenHash(ctx, db.Pool, []byte("live"))
	require.NoError(t, err)
}
