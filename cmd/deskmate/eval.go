package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"

	"github.com/deskmate/deskmate/config"
)

// evalCommand is one `deskmate eval <name>` benchmark over open data.
type evalCommand struct {
	summary string
	run     func(ctx context.Context, cfg *config.Config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error
}

// evalCommands holds the benchmarks; each registers itself from its own file.
var evalCommands = map[string]evalCommand{}

func runEval(ctx context.Context, cfg *config.Config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || evalCommands[args[0]].run == nil {
		names := make([]string, 0, len(evalCommands))
		for n := range evalCommands {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintln(stderr, "Usage: deskmate eval <benchmark> [flags]\n\nBenchmarks:")
		for _, n := range names {
			fmt.Fprintf(stderr, "  %-12s %s\n", n, evalCommands[n].summary)
		}
		if len(args) == 0 {
			return fmt.Errorf("eval: name a benchmark")
		}
		return fmt.Errorf("eval: unknown benchmark %q", args[0])
	}
	return evalCommands[args[0]].run(ctx, cfg, logger, args[1:], stdout, stderr)
}
