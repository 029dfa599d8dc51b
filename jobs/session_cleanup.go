package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/deskmate/deskmate/store"
)

// SessionCleanupInterval is how often expired sessions are deleted.
const SessionCleanupInterval = time.Hour

// SessionCleanupArgs deletes expired browser sessions.
type SessionCleanupArgs struct{}

// Kind is the stable River job kind.
func (SessionCleanupArgs) Kind() string { return "session_cleanup" }

// InsertOpts keeps at most one cleanup per interval.
func (SessionCleanupArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: SessionCleanupInterval}}
}

// SessionCleanupWorker deletes sessions past their expiry.
type SessionCleanupWorker struct {
	river.WorkerDefaults[SessionCleanupArgs]
	DB *store.DB
}

// Work deletes the expired sessions.
func (w *SessionCleanupWorker) Work(ctx context.Context, job *river.Job[SessionCleanupArgs]) error {
	_, err := store.DeleteExpiredSessions(ctx, w.DB.Pool)
	return err
}
