// Command deskmate is Deskmate's single binary: the HTTP server with workers,
// workers alone, migrations and tools. main only wires packages together.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/deskmate/deskmate/config"
	"github.com/deskmate/deskmate/internal/buildinfo"
	"github.com/deskmate/deskmate/internal/confine"
)

const usage = `Usage: deskmate <command>

Commands:
  serve         run the HTTP server and background workers
  worker        run background workers only (to scale out)
  migrate       apply database migrations and exit
  rotate-key    re-encrypt stored secrets under a new key
  eval          run a benchmark on open data (deskmate eval for the list)
  version       print the version
  healthcheck   exit 0 if a URL answers 200 (default http://127.0.0.1:8080/readyz)
  gorgias-emulator  run an in-memory Gorgias for tests and demos (--help for flags)
  help config   list the environment variables (add --markdown for a table)

Configuration is read from the environment: see 'deskmate help config'.
`

func main() {
	// A sandbox child (a PDF being read) runs its function and exits here.
	confine.Main()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// exit codes
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// run is main without the process: tests call it with their own environment,
// context and writers.
func run(ctx context.Context, args []string, env config.LookupFunc, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "version", "--version":
		fmt.Fprintln(stdout, buildinfo.String())
		return exitOK
	case "help", "-h", "--help":
		if len(rest) > 0 && rest[0] == "config" {
			printConfigHelp(stdout, len(rest) > 1 && rest[1] == "--markdown")
			return exitOK
		}
		fmt.Fprint(stdout, usage)
		return exitOK
	case "healthcheck":
		return healthcheck(ctx, rest, stderr)
	case "gorgias-emulator":
		return gorgiasEmulator(ctx, rest, stdout, stderr)
	case "serve", "worker", "migrate", "rotate-key", "eval":
	default:
		fmt.Fprintf(stderr, "deskmate: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}

	cfg, err := config.Load(env)
	if err != nil {
		var verr *config.ValidationError
		if errors.As(err, &verr) {
			for _, p := range verr.Problems {
				fmt.Fprintln(stderr, "deskmate: config: "+p)
			}
			return exitUsage
		}
		fmt.Fprintln(stderr, "deskmate: "+err.Error())
		return exitUsage
	}
	logger := newLogger(cfg, stderr, cfg.LogLevel)

	switch cmd {
	case "serve":
		err = serve(ctx, cfg, logger, stdout, stderr, true)
	case "worker":
		err = serve(ctx, cfg, logger, stdout, stderr, false)
	case "migrate":
		err = migrate(ctx, cfg, logger, stdout)
	case "rotate-key":
		err = rotateKey(ctx, cfg, logger, rest, stdout, stderr)
	case "eval":
		err = runEval(ctx, cfg, logger, rest, stdout, stderr)
	}
	if err != nil {
		fmt.Fprintln(stderr, "deskmate: "+oneLine(err))
		return exitError
	}
	return exitOK
}

func newLogger(cfg *config.Config, w io.Writer, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// oneLine keeps a fatal error on one line, so each problem reads as one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

func printConfigHelp(w io.Writer, markdown bool) {
	if markdown {
		fmt.Fprintln(w, "| Variable | Default | Description |")
		fmt.Fprintln(w, "|---|---|---|")
	}
	for _, v := range config.Vars {
		def := v.Default
		if def == "" {
			def = "(unset)"
		}
		doc := v.Doc
		if v.Secret {
			doc += " Also read from " + v.Name + "_FILE."
		}
		if markdown {
			fmt.Fprintf(w, "| `%s` | `%s` | %s |\n", v.Name, def, doc)
		} else {
			fmt.Fprintf(w, "%-28s default %-22s %s\n", v.Name, def, doc)
		}
	}
}
