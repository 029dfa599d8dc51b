// Command withpostgres runs a command against a throwaway PostgreSQL with
// pgvector: it starts the embedded server (any version the wheel has) on a
// free loopback port, runs the command with TEST_DATABASE_URL pointing at it,
// stops the server and exits with the command's status. `make test-postgres`
// and CI use it to run the Go tests on a second PostgreSQL version.
//
//	go run ./internal/pgembed/withpostgres -version 18 -- go test ./...
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/internal/pgembed"
)

func main() {
	version := flag.Int("version", 18, fmt.Sprintf("PostgreSQL major version (%v)", pgembed.Versions()))
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "Usage: withpostgres [-version N] -- command [args...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	os.Exit(run(*version, flag.Args()))
}

func run(version int, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dir, err := os.MkdirTemp("", "deskmate-withpostgres-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "withpostgres:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	srv, err := pgembed.Start(ctx, pgembed.Options{
		DataDir: filepath.Join(dir, "pg"), Version: version, NoSync: true, ListenTCP: true,
		Settings: map[string]string{"max_connections": "400", "shared_buffers": "256MB"},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "withpostgres:", err)
		return 1
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = srv.Stop(sctx)
	}()
	if err := describe(ctx, srv.URL()); err != nil {
		fmt.Fprintln(os.Stderr, "withpostgres:", err)
		return 1
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), "TEST_DATABASE_URL="+srv.URL())
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.ExitCode()
	default:
		fmt.Fprintln(os.Stderr, "withpostgres:", err)
		return 1
	}
}

// describe prints the server and pgvector versions.
func describe(ctx context.Context, url string) error {
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	var server, vector string
	err = c.QueryRow(ctx, `SELECT current_setting('server_version'), default_version FROM pg_available_extensions WHERE name = 'vector'`).Scan(&server, &vector)
	if err != nil {
		return fmt.Errorf("read versions: %w", err)
	}
	fmt.Fprintf(os.Stderr, "withpostgres: PostgreSQL %s with pgvector %s on 127.0.0.1 (TEST_DATABASE_URL)\n", server, vector)
	return nil
}
