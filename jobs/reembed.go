package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/deskmate/deskmate/knowledge"
)

// ReembedArgs re-embeds a workspace's knowledge with the embedding model its
// model settings now name, then switches search to it.
type ReembedArgs struct {
	WorkspaceID int64 `json:"workspace_id"`
	// Model is the model the settings named when the job was queued; it only
	// keeps jobs for different models apart (the job re-reads the settings).
	Model string `json:"model"`
}

// Kind is the stable River job kind.
func (ReembedArgs) Kind() string { return "knowledge_reembed" }

// InsertOpts keeps one re-embed per workspace and model queued at a time.
func (ReembedArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: uniqueWhileQueued, MaxAttempts: 10}
}

// ReembedWorker runs knowledge.Service.Reembed.
type ReembedWorker struct {
	river.WorkerDefaults[ReembedArgs]
	Knowledge *knowledge.Service
}

// Timeout: re-embedding a large workspace through a remote provider takes long.
func (w *ReembedWorker) Timeout(*river.Job[ReembedArgs]) time.Duration { return 12 * time.Hour }

// Work re-embeds; on failure River retries while the old vectors keep serving.
func (w *ReembedWorker) Work(ctx context.Context, job *river.Job[ReembedArgs]) error {
	return w.Knowledge.Reembed(ctx, job.Args.WorkspaceID)
}
