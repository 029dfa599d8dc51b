package jobs

import (
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/connector"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/store"
)

// Options configures the River client that works jobs.
type Options struct {
	// MaxWorkers is the number of jobs worked at once in the default queue.
	MaxWorkers int
	// TicketWorkers is the number of ticket jobs worked at once (queue
	// "tickets", apart so that background work never delays an answer);
	// default MaxWorkers.
	TicketWorkers int
	Logger        *slog.Logger
	// Workers overrides the registered workers (tests add their own kinds);
	// otherwise Services are required.
	Workers *river.Workers
	// JobTimeout bounds a job that sets no timeout of its own; default 5
	// minutes.
	JobTimeout time.Duration
	// RescueStuckJobsAfter is how long a job may stay running before it is
	// worked again (its process died); default 10 minutes.
	RescueStuckJobsAfter time.Duration
	// Periodic jobs to schedule; nil means Deskmate's own (PeriodicJobs).
	Periodic []*river.PeriodicJob
	Services Services
}

// Services are the domain services the workers call.
type Services struct {
	Knowledge   *knowledge.Service
	Automations *automation.Service
	// Connector carries out decisions on Gorgias tickets; nil registers no
	// ticket workers (commands that only ingest or evaluate).
	Connector *connector.Service
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
		periodic = PeriodicJobs(opts.Services)
	}
	if opts.MaxWorkers == 0 {
		opts.MaxWorkers = 10
	}
	if opts.JobTimeout == 0 {
		opts.JobTimeout = 5 * time.Minute
	}
	if opts.RescueStuckJobsAfter == 0 {
		opts.RescueStuckJobsAfter = 10 * time.Minute
	}
	if opts.TicketWorkers == 0 {
		opts.TicketWorkers = opts.MaxWorkers
	}
	cfg := &river.Config{
		Logger: opts.Logger,
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: opts.MaxWorkers},
			QueueTickets: {MaxWorkers: opts.TicketWorkers}},
		// A job whose process died is worked again after this long (a
		// ticket job is idempotent: a second run never sends twice).
		RescueStuckJobsAfter: opts.RescueStuckJobsAfter,
		Workers:              workers,
		PeriodicJobs:         periodic,
		JobTimeout:           opts.JobTimeout,
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
	if s.Connector != nil {
		river.AddWorker(workers, &ProcessTicketWorker{Connector: s.Connector})
		river.AddWorker(workers, &CheckTicketWorker{Connector: s.Connector})
		river.AddWorker(workers, &SendPlanWorker{Connector: s.Connector})
		river.AddWorker(workers, &AutoCloseWorker{Connector: s.Connector})
		river.AddWorker(workers, &WidgetActionWorker{Connector: s.Connector})
		river.AddWorker(workers, &GorgiasMaintenanceWorker{Connector: s.Connector})
	}
}

// PeriodicJobs are the jobs River's elected leader schedules (the
// connector's only when it is there).
func PeriodicJobs(s Services) []*river.PeriodicJob {
	jobs := []*river.PeriodicJob{
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
	if s.Connector != nil {
		jobs = append(jobs, river.NewPeriodicJob(river.PeriodicInterval(GorgiasMaintenanceInterval),
			func() (river.JobArgs, *river.InsertOpts) { return GorgiasMaintenanceArgs{}, nil },
			&river.PeriodicJobOpts{ID: "gorgias_maintenance", RunOnStart: true}))
	}
	return jobs
}
