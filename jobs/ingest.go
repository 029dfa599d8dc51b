package jobs

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/deskmate/deskmate/knowledge"
)

// IngestArgs processes one knowledge document of an ingestion run.
type IngestArgs struct {
	knowledge.IngestTask
}

// Kind is the stable River job kind.
func (IngestArgs) Kind() string { return "knowledge_ingest" }

// InsertOpts allows three attempts: a content problem fails the document at
// once, a provider or network error is retried before the document fails.
func (IngestArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 3} }

// IngestWorker reads, chunks and embeds a document, or runs a sitemap or crawl.
type IngestWorker struct {
	river.WorkerDefaults[IngestArgs]
	Knowledge *knowledge.Service
}

// Timeout leaves room for a polite crawl of a thousand pages.
func (w *IngestWorker) Timeout(*river.Job[IngestArgs]) time.Duration { return 2 * time.Hour }

// Work ingests the document; the last attempt records a failure on the document.
func (w *IngestWorker) Work(ctx context.Context, job *river.Job[IngestArgs]) error {
	return w.Knowledge.Ingest(ctx, job.Args.IngestTask, job.Attempt >= job.MaxAttempts)
}

// Queue puts knowledge jobs on River in the caller's transaction; it is the
// knowledge.Queue of a running process.
type Queue struct {
	Client *river.Client[pgx.Tx]
}

var _ knowledge.Queue = Queue{}

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
