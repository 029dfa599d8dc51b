package jobs

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/store"
)

// Queue puts Deskmate's jobs on River in the caller's transaction, so a job
// exists exactly when the change that needs it was committed. It is the
// knowledge.Queue and the automation.Queue of every process.
type Queue struct {
	Client *river.Client[pgx.Tx]
}

var (
	_ knowledge.Queue  = Queue{}
	_ automation.Queue = Queue{}
)

// NewQueue returns a Queue on an insert-only River client: services get
// their queue before the client that works jobs (and needs the services for
// its workers) exists.
func NewQueue(db *store.DB) (Queue, error) {
	c, err := river.NewClient(riverpgxv5.New(db.Pool), &river.Config{})
	if err != nil {
		return Queue{}, fmt.Errorf("job queue: %w", err)
	}
	return Queue{Client: c}, nil
}

// Ingest implements knowledge.Queue.
func (q Queue) Ingest(ctx context.Context, tx pgx.Tx, tasks []knowledge.IngestTask) error {
	for start := 0; start < len(tasks); start += 1000 {
		part := tasks[start:min(start+1000, len(tasks))]
		params := make([]river.InsertManyParams, len(part))
		for i, t := range part {
			params[i] = river.InsertManyParams{Args: IngestArgs{t}}
		}
		if _, err := q.Client.InsertManyTx(ctx, tx, params); err != nil {
			return err
		}
	}
	return nil
}

// Reembed implements knowledge.Queue.
func (q Queue) Reembed(ctx context.Context, tx pgx.Tx, workspaceID int64, model string) error {
	_, err := q.Client.InsertTx(ctx, tx, ReembedArgs{WorkspaceID: workspaceID, Model: model}, nil)
	return err
}

// Relanguage implements knowledge.Queue.
func (q Queue) Relanguage(ctx context.Context, tx pgx.Tx, workspaceID, baseID int64) error {
	_, err := q.Client.InsertTx(ctx, tx, RelanguageArgs{WorkspaceID: workspaceID, KnowledgeBaseID: baseID}, nil)
	return err
}

// uniqueWhileQueued keeps one such job waiting or running at a time; a
// completed one does not block the next.
var uniqueWhileQueued = river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateRetryable, rivertype.JobStateScheduled}}

// TrainIntents implements automation.Queue.
func (q Queue) TrainIntents(ctx context.Context, tx pgx.Tx, workspaceID, modelID int64) error {
	res, err := q.Client.InsertTx(ctx, tx, TrainIntentsArgs{WorkspaceID: workspaceID, ModelID: modelID}, nil)
	if err == nil && res.UniqueSkippedAsDuplicate {
		return automation.ErrTrainingBusy
	}
	return err
}
