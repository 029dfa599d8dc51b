package jobs

import (
	"context"
	"os"
	"time"

	"github.com/riverqueue/river"

	"github.com/deskmate/deskmate/store"
)

// HeartbeatInterval is how often the heartbeat job runs.
const HeartbeatInterval = 30 * time.Second

// HeartbeatArgs is a periodic job whose only effect is to record that a worker
// ran it, so the status page can tell that jobs are really being worked and
// not merely that River's tables exist.
type HeartbeatArgs struct{}

// Kind is the stable River job kind.
func (HeartbeatArgs) Kind() string { return "heartbeat" }

// InsertOpts keeps at most one heartbeat per interval.
func (HeartbeatArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: HeartbeatInterval}}
}

// HeartbeatWorker records the heartbeat.
type HeartbeatWorker struct {
	river.WorkerDefaults[HeartbeatArgs]
	DB *store.DB
}

// Work stores the time and the worker's host and pid.
func (w *HeartbeatWorker) Work(ctx context.Context, job *river.Job[HeartbeatArgs]) error {
	host, _ := os.Hostname()
	return w.DB.RecordHeartbeat(ctx, store.Heartbeat{At: time.Now().UTC(), Host: host, PID: os.Getpid(), JobID: job.ID})
}
