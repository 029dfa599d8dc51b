package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/deskmate/deskmate/automation"
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
	Automations *automation.Service
}

// Timeout leaves room for cross-validation on thousands of phrases.
func (w *TrainIntentsWorker) Timeout(*river.Job[TrainIntentsArgs]) time.Duration {
	return 10 * time.Minute
}

// Work trains and, when ready, activates the model; the last attempt records
// a failure on the run.
func (w *TrainIntentsWorker) Work(ctx context.Context, job *river.Job[TrainIntentsArgs]) error {
	return w.Automations.RunTraining(ctx, job.Args.ModelID, job.Attempt >= job.MaxAttempts)
}
