package jobs

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/store"
)

// TrainIntentsArgs trains a workspace's intent matcher for one recorded run.
type TrainIntentsArgs struct {
	WorkspaceID int64 `json:"workspace_id" river:"unique"`
	ModelID     int64 `json:"model_id"`
}

// Kind is the stable River job kind.
func (TrainIntentsArgs) Kind() string { return "train_intents" }

// InsertOpts keeps one training per workspace queued or running; a finished
// one does not block the next.
func (TrainIntentsArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
}

// TrainIntentsWorker runs training; the automation service does the work.
type TrainIntentsWorker struct {
	river.WorkerDefaults[TrainIntentsArgs]
	DB *store.DB
}

// Timeout leaves room for cross-validation on thousands of phrases.
func (w *TrainIntentsWorker) Timeout(*river.Job[TrainIntentsArgs]) time.Duration {
	return 10 * time.Minute
}

// Work trains and, when ready, activates the model; the last attempt records
// a failure on the run.
func (w *TrainIntentsWorker) Work(ctx context.Context, job *river.Job[TrainIntentsArgs]) error {
	s := &automation.Service{DB: w.DB}
	return s.RunTraining(ctx, job.Args.ModelID, job.Attempt >= job.MaxAttempts)
}

// TrainQueue queues training runs on River in the caller's transaction; it
// is the automation.Queue of a running process.
type TrainQueue struct {
	Client *river.Client[pgx.Tx]
}

var _ automation.Queue = TrainQueue{}

// TrainIntents implements automation.Queue.
func (q TrainQueue) TrainIntents(ctx context.Context, tx pgx.Tx, workspaceID, modelID int64) error {
	res, err := q.Client.InsertTx(ctx, tx, TrainIntentsArgs{WorkspaceID: workspaceID, ModelID: modelID}, nil)
	if err == nil && res.UniqueSkippedAsDuplicate {
		return automation.ErrTrainingBusy
	}
	return err
}
