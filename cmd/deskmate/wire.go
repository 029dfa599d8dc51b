package main

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/agent"
	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/config"
	"github.com/deskmate/deskmate/connector"
	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/gorgias/gorgiastest"
	"github.com/deskmate/deskmate/internal/netguard"
	"github.com/deskmate/deskmate/internal/secret"
	"github.com/deskmate/deskmate/jobs"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/sandbox"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

// services is everything Deskmate runs, built once, here, and handed to the
// HTTP server and the job workers.
type services struct {
	accounts    *account.Service
	workspaces  *workspace.Service
	knowledge   *knowledge.Service
	automations *automation.Service
	agent       *agent.Service
	connector   *connector.Service
	sandbox     *sandbox.Service
	// river works jobs (and inserts those the services queue through jobs.Queue).
	river *river.Client[pgx.Tx]
}

// wireOptions are what differs between the commands that wire services.
type wireOptions struct {
	box      *secret.Box
	logger   *slog.Logger
	riverLog *slog.Logger
	workers  int
	periodic []*river.PeriodicJob // nil: Deskmate's own periodic jobs
	// publicURL is where Gorgias reaches this Deskmate.
	publicURL string
	// emulator is the sandbox's Gorgias (nil without the sandbox).
	emulator *gorgiastest.Emulator
}

// wire builds every service with its dependencies. Any error is a setup
// problem that stops start-up.
func wire(cfg *config.Config, db *store.DB, o wireOptions) (*services, error) {
	// Two outbound guards: web sources and model providers each reach only
	// the private destinations allowed for them, so that a local model
	// provider does not open local services to knowledge URLs.
	webGuard, err := netguard.New(netguard.ParseAllowList(cfg.URLAllowList))
	if err != nil {
		return nil, fmt.Errorf("DESKMATE_URL_ALLOWLIST: %w", err)
	}
	modelGuard, err := netguard.New(netguard.ParseAllowList(cfg.ModelAllowList), netguard.WithAllowListName("DESKMATE_MODEL_ALLOWLIST"))
	if err != nil {
		return nil, fmt.Errorf("DESKMATE_MODEL_ALLOWLIST: %w", err)
	}
	gorgiasAllow := cfg.GorgiasAllowList
	if o.emulator != nil {
		gorgiasAllow += "," + strings.TrimPrefix(o.emulator.URL(), "http://")
	}
	gorgiasGuard, err := netguard.New(netguard.ParseAllowList(gorgiasAllow), netguard.WithAllowListName("DESKMATE_GORGIAS_ALLOWLIST"))
	if err != nil {
		return nil, fmt.Errorf("DESKMATE_GORGIAS_ALLOWLIST: %w", err)
	}
	queue, err := jobs.NewQueue(db)
	if err != nil {
		return nil, err
	}
	s := &services{}
	if s.accounts, err = account.New(account.Options{DB: db, Logger: o.logger}); err != nil {
		return nil, err
	}
	if s.workspaces, err = workspace.New(workspace.Options{DB: db, Box: o.box, ModelGuard: modelGuard}); err != nil {
		return nil, err
	}
	if s.knowledge, err = knowledge.New(knowledge.Options{DB: db, Models: s.workspaces, Queue: queue,
		Guard: webGuard, ModelGuard: modelGuard, Logger: o.logger.With("component", "knowledge")}); err != nil {
		return nil, err
	}
	if s.automations, err = automation.New(automation.Options{DB: db, Queue: queue, Embedders: s.knowledge}); err != nil {
		return nil, err
	}
	if s.agent, err = agent.New(agent.Options{DB: db, Automations: s.automations, Knowledge: s.knowledge,
		Workspaces: s.workspaces, ModelGuard: modelGuard, Logger: o.logger.With("component", "agent")}); err != nil {
		return nil, err
	}
	var oauth *gorgias.OAuthConfig
	if cfg.GorgiasClientID != "" {
		oauth = &gorgias.OAuthConfig{ClientID: cfg.GorgiasClientID, ClientSecret: cfg.GorgiasClientSecret,
			RedirectURL: o.publicURL + "/gorgias/oauth/callback", Scopes: gorgias.Scopes}
	}
	if s.connector, err = connector.New(connector.Options{DB: db, Workspaces: s.workspaces, Automations: s.automations,
		Agent: s.agent, Queue: queue, Guard: gorgiasGuard, PublicURL: o.publicURL, OAuth: oauth,
		Logger: o.logger.With("component", "gorgias")}); err != nil {
		return nil, err
	}
	if s.sandbox, err = sandbox.New(sandbox.Options{DB: db, Emulator: o.emulator, Workspaces: s.workspaces,
		Connector: s.connector, Logger: o.logger.With("component", "sandbox")}); err != nil {
		return nil, err
	}
	s.river, err = jobs.NewClient(db, jobs.Options{MaxWorkers: o.workers, Logger: o.riverLog, Periodic: o.periodic,
		Services: jobs.Services{Knowledge: s.knowledge, Automations: s.automations, Connector: s.connector}})
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return s, nil
}
