package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"syscall"
	"time"

	"github.com/deskmate/deskmate/config"
	"github.com/deskmate/deskmate/gorgias/gorgiastest"
	"github.com/deskmate/deskmate/internal/app"
	"github.com/deskmate/deskmate/internal/buildinfo"
	"github.com/deskmate/deskmate/server"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/web"
)

// serve runs workers and, withHTTP, the web server until ctx is cancelled
// (SIGINT/SIGTERM), then shuts down in order: stop accepting and finish HTTP
// requests, let running jobs finish (cancel them after the timeout), close the
// pool, stop the embedded database.
func serve(ctx context.Context, cfg *config.Config, logger *slog.Logger, stdout, stderr io.Writer, withHTTP bool) error {
	var ln net.Listener
	if withHTTP {
		// Bind first: a port in use fails before anything else starts.
		var err error
		if ln, err = listen(cfg.Addr); err != nil {
			return err
		}
		defer ln.Close()
	}

	rt, err := openServeRuntime(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer func() {
		if err := rt.Close(context.Background()); err != nil {
			logger.Error("shutdown", "error", err)
		}
	}()
	instance, err := rt.DB.EnsureInstance(ctx)
	if err != nil {
		return fmt.Errorf("read instance: %w", err)
	}
	publicURL := cfg.PublicURL
	if publicURL == "" && ln != nil {
		publicURL = displayURL(ln.Addr())
	}
	// The sandbox's emulator belongs to the process that serves its inbox.
	var emu *gorgiastest.Emulator
	if withHTTP {
		if emu, err = startSandbox(cfg, logger); err != nil {
			return err
		}
	}
	if emu != nil {
		defer emu.Close()
	}
	svc, err := wireServe(ctx, cfg, rt.DB, logger, stderr, publicURL, emu)
	if err != nil {
		return err
	}
	// River's own context outlives the signal: shutdown stops it gracefully.
	if err := svc.river.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	defer stopRiver(svc.river, cfg.ShutdownTimeout, logger)

	serveErr := make(chan error, 1)
	var srv *server.Server
	if withHTTP {
		if srv, err = startWebServer(cfg, logger, stdout, rt, instance, svc, ln, serveErr); err != nil {
			return err
		}
	} else if cfg.LogFormat == "text" {
		fmt.Fprintln(stdout, "Deskmate worker is running")
	}
	if withHTTP {
		restoreSandbox(ctx, svc, logger)
	}
	logger.Info("started", "version", buildinfo.Version, "postgres", rt.DB.Version(), "embedded_db", rt.Embedded != nil,
		"instance", instance.ID)
	return awaitShutdown(ctx, cfg, logger, srv, serveErr)
}

// openServeRuntime opens the database, migrating it first when
// DESKMATE_AUTO_MIGRATE allows, else refusing a stale schema.
func openServeRuntime(ctx context.Context, cfg *config.Config, logger *slog.Logger) (*app.Runtime, error) {
	policy := app.RequireCurrent
	if cfg.AutoMigrate {
		policy = app.ApplyMigrations
	}
	rt, err := app.Open(ctx, cfg, logger, policy)
	if err != nil {
		return nil, err
	}
	if rt.Migrated != nil && rt.Migrated.Changed() {
		logger.Info("database migrated", "applied", rt.Migrated.Applied, "river_applied", rt.Migrated.RiverApplied)
	}
	return rt, nil
}

// wireServe builds the services with the instance's secret box and creates
// the instance owner from DESKMATE_ADMIN_EMAIL if there is none yet.
func wireServe(ctx context.Context, cfg *config.Config, db *store.DB, logger *slog.Logger, stderr io.Writer,
	publicURL string, emu *gorgiastest.Emulator) (*services, error) {
	box, err := app.OpenBox(cfg, logger)
	if err != nil {
		return nil, err
	}
	// River reports routine activity at info level every few seconds; keep
	// its warnings and errors unless debug logging is on.
	riverLogger := newLogger(cfg, stderr, max(cfg.LogLevel, slog.LevelWarn)).With("component", "river")
	if cfg.LogLevel <= slog.LevelDebug {
		riverLogger = logger.With("component", "river")
	}
	svc, err := wire(cfg, db, wireOptions{box: box, logger: logger, riverLog: riverLogger, workers: cfg.Workers,
		publicURL: publicURL, emulator: emu})
	if err != nil {
		return nil, err
	}
	if cfg.AdminEmail != "" {
		created, err := svc.accounts.Bootstrap(ctx, cfg.AdminEmail, cfg.AdminPassword)
		if err != nil {
			return nil, err
		}
		if created {
			logger.Info("created the instance owner from DESKMATE_ADMIN_EMAIL", "email", cfg.AdminEmail)
		}
	}
	return svc, nil
}

// startWebServer serves the API and the UI on ln in the background; the
// error that ends serving goes to serveErr.
func startWebServer(cfg *config.Config, logger *slog.Logger, stdout io.Writer, rt *app.Runtime, instance store.Instance,
	svc *services, ln net.Listener, serveErr chan<- error) (*server.Server, error) {
	files, built := web.Dist()
	if !built {
		logger.Warn("UI not built: run make web")
	}
	srv, err := server.New(server.Deps{
		Logger: logger, DB: rt.DB, EmbeddedDB: rt.Embedded != nil, River: svc.river, Instance: instance,
		Accounts: svc.accounts, Workspaces: svc.workspaces, Knowledge: svc.knowledge, Automations: svc.automations, Agent: svc.agent,
		Connector: svc.connector, Sandbox: svc.sandbox,
		BodyLimit: cfg.BodyLimit, TrustedProxies: cfg.TrustedProxies, Web: files, WebBuilt: built,
	})
	if err != nil {
		return nil, err
	}
	go func() { serveErr <- srv.Serve(ln) }()
	if cfg.LogFormat == "text" {
		fmt.Fprintf(stdout, "Deskmate is ready: %s\n", displayURL(ln.Addr()))
	}
	logger.Info("listening", "url", displayURL(ln.Addr()))
	return srv, nil
}

// awaitShutdown waits for ctx to be cancelled, then finishes the HTTP
// requests in flight (srv is nil without HTTP), or returns the error that
// stopped the web server.
func awaitShutdown(ctx context.Context, cfg *config.Config, logger *slog.Logger, srv *server.Server, serveErr <-chan error) error {
	select {
	case <-ctx.Done():
		logger.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	case err := <-serveErr:
		return fmt.Errorf("http server: %w", err)
	}
	if srv != nil {
		if err := srv.Shutdown(cfg.ShutdownTimeout); err != nil {
			logger.Error("http shutdown", "error", err)
		}
	}
	return nil
}

type riverStopper interface {
	Stop(context.Context) error
	StopAndCancel(context.Context) error
}

// stopRiver lets running jobs finish within timeout, then cancels them.
func stopRiver(c riverStopper, timeout time.Duration, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := c.Stop(ctx)
	if err == nil {
		return
	}
	logger.Warn("jobs still running at shutdown timeout: cancelling them", "error", err)
	ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	if err := c.StopAndCancel(ctx2); err != nil {
		logger.Error("job queue did not stop", "error", err)
	}
}

func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		return ln, nil
	}
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("DESKMATE_ADDR: %s is already in use: stop the other program or set DESKMATE_ADDR to another port", addr)
	}
	return nil, fmt.Errorf("DESKMATE_ADDR: cannot listen on %s: %v", addr, err)
}

// displayURL turns the bound address into a URL a person can open.
func displayURL(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return "http://" + a.String()
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(tcp.Port))
}

func migrate(ctx context.Context, cfg *config.Config, logger *slog.Logger, stdout io.Writer) error {
	rt, err := app.Open(ctx, cfg, logger, app.ApplyMigrations)
	if err != nil {
		return err
	}
	defer rt.Close(context.Background())
	if !rt.Migrated.Changed() {
		fmt.Fprintln(stdout, "Database schema is up to date.")
		return nil
	}
	for _, m := range rt.Migrated.Applied {
		fmt.Fprintln(stdout, "applied", m)
	}
	for _, v := range rt.Migrated.RiverApplied {
		fmt.Fprintf(stdout, "applied river migration %03d\n", v)
	}
	return nil
}
