package jobs

import (
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/store"
)

// Options configures the River client.
type Options struct {
	// MaxWorkers is the number of jobs worked at once in the default queue.
	MaxWorkers int
	Logger     *slog.Logger
	// Workers overrides the registered workers (tests add their own kinds).
	Workers *river.Workers
	// Periodic jobs to schedule; nil means Deskmate's own (PeriodicJobs).
	Periodic []*river.PeriodicJob
	// Knowledge works the knowledge jobs; nil leaves them to another process.
	Knowledge *knowledge.Service
}

// NewClient builds a River client that works jobs on db; it learns about new
// jobs through LISTEN/NOTIFY.
func NewClient(db *store.DB, opts Options) (*river.Client[pgx.Tx], error) {
	workers := opts.Workers
	if workers == nil {
		workers = river.NewWorkers()
		Register(workers, db, opts.Knowledge)
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
	client, err := river.NewClient(riverpgxv5.New(db.Pool), cfg)
	if err == nil && opts.Knowledge != nil {
		// The knowledge service queues its jobs on this client.
		opts.Knowledge.SetQueue(Queue{Client: client})
	}
	return client, err
}

// Register adds every Deskmate worker to workers; the knowledge workers
// when kn is set (the scheduled re-sync is always known, and idle without kn).
func Register(workers *river.Workers, db *store.DB, kn *knowledge.Service) {
	river.AddWorker(workers, &HeartbeatWorker{DB: db})
	river.AddWorker(workers, &SessionCleanupWorker{DB: db})
	river.AddWorker(workers, &TrainIntentsWorker{DB: db})
	river.AddWorker(workers, &ResyncWorker{Knowledge: kn})
	if kn != nil {
		river.AddWorker(workers, &IngestWorker{Knowledge: kn})
		river.AddWorker(workers, &ReembedWorker{Knowledge: kn})
		river.AddWorker(workers, &RelanguageWorker{Knowledge: kn})
	}
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
