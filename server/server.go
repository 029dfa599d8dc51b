package server

import (
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/agent"
	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/connector"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/sandbox"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

// Deps is everything the HTTP layer needs, built by the caller.
type Deps struct {
	Logger *slog.Logger
	DB     *store.DB
	// EmbeddedDB says DB is Deskmate's own embedded PostgreSQL (status pages).
	EmbeddedDB bool
	River      *river.Client[pgx.Tx]
	Instance   store.Instance
	Accounts   *account.Service
	Workspaces *workspace.Service
	// Automations serves automations, training, instructions and tags.
	Automations *automation.Service
	// Knowledge serves knowledge bases and search.
	Knowledge *knowledge.Service
	// Agent runs the decision pipeline (playground, runs, copilot).
	Agent *agent.Service
	// Connector connects workspaces to Gorgias and takes its calls.
	Connector *connector.Service
	// Sandbox runs the sandbox workspace and its inbox.
	Sandbox   *sandbox.Service
	BodyLimit int64
	// TrustedProxies are the reverse proxies whose X-Forwarded-For,
	// X-Forwarded-Proto and X-Forwarded-Host headers are believed.
	TrustedProxies []netip.Prefix
	// Web is the built admin app (web.Dist); WebBuilt false serves a page
	// saying how to build it.
	Web      fs.FS
	WebBuilt bool
}

// Server holds the Fiber app and its dependencies.
type Server struct {
	deps         Deps
	app          *fiber.App
	insecureOnce sync.Once
}

// New builds the Fiber app with every route (routes.go).
func New(deps Deps) (*Server, error) {
	if deps.DB == nil || deps.River == nil || deps.Accounts == nil || deps.Workspaces == nil || deps.Knowledge == nil ||
		deps.Automations == nil || deps.Agent == nil || deps.Connector == nil || deps.Sandbox == nil {
		return nil, errors.New("server: DB, River, Accounts, Workspaces, Knowledge, Automations, Agent, Connector and Sandbox are required")
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.BodyLimit == 0 {
		deps.BodyLimit = 32 << 20
	}
	s := &Server{deps: deps}
	app := fiber.New(fiber.Config{
		AppName:               "deskmate",
		DisableStartupMessage: true,
		BodyLimit:             int(deps.BodyLimit),
		ReadTimeout:           60 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		// Protocol() and Hostname() read X-Forwarded-Proto/-Host only from
		// trusted proxies; the client address is worked out by trustedProxies.middleware.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          proxyList(deps.TrustedProxies),
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			// Reached only for errors raised outside the middleware chain
			// (e.g. a body over the limit, rejected before routing).
			return writeError(c, deps.Logger, err)
		},
	})
	app.Use(requestIDs)
	app.Use(trustedProxies(deps.TrustedProxies).middleware)
	app.Use(accessLog(deps.Logger))
	app.Use(plainBodies)
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: func(c *fiber.Ctx, e any) {
		deps.Logger.Error("panic in handler", "request_id", requestID(c), "panic", e)
	}}))

	s.routes(app)
	s.app = app
	return s, nil
}

// Serve answers HTTP on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.app.Listener(ln) }

// Shutdown stops accepting connections and waits up to timeout for requests
// in flight to finish.
func (s *Server) Shutdown(timeout time.Duration) error { return s.app.ShutdownWithTimeout(timeout) }

// Test runs one request through the whole app without a network listener.
func (s *Server) Test(req *http.Request) (*http.Response, error) { return s.app.Test(req, -1) }
