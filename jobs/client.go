package jobs

import (
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/store"
)

// Options configures the River client that works jobs.
type Options struct {
	// MaxWorkers is the number of jobs worked at once in the default queue.
	MaxWorkers int
	Logger     *slog.Logger
	// Workers overrides the registered workers (tests add their own kinds);
	// otherwise Services are required.
	Workers *river.Workers
	// Periodic jobs to schedule; nil means Deskmate's own (PeriodicJobs).
	Periodic []*river.PeriodicJob
	Services Services
}

// Services are the domain services the workers call.
type Services struct {
	Knowledge   *knowledge.Service
	Automations *automation.Service
}

// NewClient builds the River client that works Deskmate's jobs on db; it
// learns about new jobs through LISTEN/NOTIFY.
func NewClient(db *store.DB, opts Options) (*river.Client[pgx.Tx], error) {
	workers := opts.Workers
	if workers == nil {
		if opts.Services.Knowledge == nil || opts.Services.Automations == nil {
			return nil, errors.New("jobs: the knowledge and automation services are required")
		}
		workers = river.NewWorkers()
		Register(workers, db, opts.Services)
	}
	periodic := opts.Periodic
	if periodic == nil {
		periodic = PeriodicJobs()
	}
	if opts.MaxWorkers == 0 {
		opts.MaxWorkers = 10
	}
	cfg := &river.Config{
		Logger:       opts.Logger,
		Queues:       map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: opts.MaxWorkers}},
		Workers:      workers,
		PeriodicJobs: periodic,
		JobTimeout:   5 * time.Minute,
	}
	return river.NewClient(riverpgxv5.New(db.Pool), cfg)
}

// Register adds every Deskmate worker to workers.
func Register(workers *river.Workers, db *store.DB, s Services) {
	river.AddWorker(workers, &HeartbeatWorker{DB: db})
	river.AddWorker(workers, &SessionCleanupWorker{DB: db})
	river.AddWorker(workers, &TrainIntentsWorker{Automations: s.Automations})
	river.AddWorker(workers, &ResyncWorker{Knowledge: s.Knowledge})
	river.AddWorker(workers, &IngestWorker{Knowledge: s.Knowledge})
	river.AddWorker(workers, &ReembedWorker{Knowledge: s.Knowledge})
	river.AddWorker(workers, &RelanguageWorker{Knowledge: s.Knowledge})
}

// PeriodicJobs are the jobs River's elected leader schedules.
func PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(HeartbeatInterval),
			func() (river.JobArgs, *river.InsertOpts) { return HeartbeatArgs{}, nil },
			&river.PeriodicJobOpts{ID: "heartbeat", RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(SessionCleanupInterval),
			func() (river.JobArgs, *river.InsertOpts) { return SessionCleanupArgs{}, nil },
			&river.PeriodicJobOpts{ID: "session_cleanup", RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(ResyncInterval),
			func() (river.JobArgs, *river.InsertOpts) { return ResyncArgs{}, nil },
			&river.PeriodicJobOpts{ID: "knowledge_resync", RunOnStart: true}),
	}
}
