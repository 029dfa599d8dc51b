package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/deskmate/deskmate/knowledge"
)

// RelanguageArgs moves a knowledge base's chunks to its new text search language.
type RelanguageArgs struct {
	WorkspaceID     int64 `json:"workspace_id"`
	KnowledgeBaseID int64 `json:"knowledge_base_id"`
}

// Kind is the stable River job kind.
func (RelanguageArgs) Kind() string { return "knowledge_relanguage" }

// InsertOpts keeps one queued per knowledge base.
func (RelanguageArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: uniqueWhileQueued}
}

// RelanguageWorker runs knowledge.Service.Relanguage.
type RelanguageWorker struct {
	river.WorkerDefaults[RelanguageArgs]
	Knowledge *knowledge.Service
}

// Timeout: batches of 500 chunks, as long as it takes.
func (w *RelanguageWorker) Timeout(*river.Job[RelanguageArgs]) time.Duration { return time.Hour }

// Work rebuilds the text search vectors.
func (w *RelanguageWorker) Work(ctx context.Context, job *river.Job[RelanguageArgs]) error {
	return w.Knowledge.Relanguage(ctx, job.Args.WorkspaceID, job.Args.KnowledgeBaseID)
}
