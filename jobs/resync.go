package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/deskmate/deskmate/knowledge"
)

// ResyncInterval is how often due web sources are looked for; each knowledge
// base sets how old a source may get (resync_interval_hours).
const ResyncInterval = time.Hour

// ResyncArgs queues the web sources due for a re-sync, re-embeds workspaces
// whose embedding settings drifted from their vectors, and refreshes the
// knowledge tables' statistics on the embedded database.
type ResyncArgs struct{}

// Kind is the stable River job kind.
func (ResyncArgs) Kind() string { return "knowledge_resync" }

// InsertOpts keeps at most one per interval.
func (ResyncArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: ResyncInterval}}
}

// ResyncWorker runs the scheduled re-sync.
type ResyncWorker struct {
	river.WorkerDefaults[ResyncArgs]
	Knowledge *knowledge.Service
}

// Work queues due sources and checks embedders.
func (w *ResyncWorker) Work(ctx context.Context, job *river.Job[ResyncArgs]) error {
	_, err := w.Knowledge.ResyncDue(ctx)
	return errors.Join(err, w.Knowledge.CheckEmbedders(ctx))
}
