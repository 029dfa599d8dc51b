package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

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
