package pglite

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	pgxvec "github.com/pgvector/pgvector-go/pgx"
	"github.com/stretchr/testify/require"
)

var (
	templateOnce sync.Once
	templateRoot string
	templatePath string
	templateErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if templateRoot != "" {
		os.RemoveAll(templateRoot)
	}
	os.Exit(code)
}

// requirePrereqs fails the test (never skips) when node or the npm packages
// of the embedded database are missing.
func requirePrereqs(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("node is not installed (required by the embedded database tests): %v; install Node.js 20+ (apt-get install nodejs)", err)
	}
	dir, err := FindServerDir()
	if err != nil {
		t.Fatalf("embedded database server is not usable: %v", err)
	}
	return dir
}

// logBuffer collects a server's log; it is printed when the test fails.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// templateDir returns a data directory initialised once per test binary
// (initdb + CREATE EXTENSION vector), used as Options.TemplateDir.
func templateDir(t testing.TB) string {
	t.Helper()
	requirePrereqs(t)
	templateOnce.Do(func() {
		templateRoot, templateErr = os.MkdirTemp("", "deskmate-pglite-template-")
		if templateErr != nil {
			return
		}
		templatePath = filepath.Join(templateRoot, "data")
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		var s *Server
		s, templateErr = Start(ctx, Options{DataDir: templatePath})
		if templateErr != nil {
			return
		}
		defer func() {
			if err := s.Stop(ctx); err != nil && templateErr == nil {
				templateErr = err
			}
		}()
		conn, err := pgx.Connect(ctx, s.URL())
		if err != nil {
			templateErr = err
			return
		}
		defer conn.Close(ctx)
		_, templateErr = conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS vector")
	})
	if templateErr != nil {
		t.Fatalf("creating the template data directory: %v", templateErr)
	}
	return templatePath
}

type testServer struct {
	*Server
	logs *logBuffer
}

// startServer starts a server on a fresh copy of the template in t.TempDir();
// it is stopped (and checked to leave no process behind) when the test ends.
func startServer(t testing.TB, mod ...func(*Options)) *testServer {
	t.Helper()
	opts := Options{
		DataDir:     filepath.Join(t.TempDir(), "data"),
		TemplateDir: templateDir(t),
	}
	for _, m := range mod {
		m(&opts)
	}
	return startServerWith(t, opts)
}

func startServerWith(t testing.TB, opts Options) *testServer {
	t.Helper()
	logs := &logBuffer{}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	t.Cleanup(func() {
		if t.Failed() || os.Getenv("DESKMATE_TEST_LOGS") != "" {
			t.Logf("embedded database log:\n%s", logs.String())
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	s, err := Start(ctx, opts)
	require.NoError(t, err, "starting the embedded database")
	t.Cleanup(func() { stopAndCheck(t, s) })
	return &testServer{Server: s, logs: logs}
}

// stopAndCheck stops s and fails the test if its node process survives.
func stopAndCheck(t testing.TB, s *Server) {
	t.Helper()
	pid := s.pid()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, s.Stop(ctx), "stopping the embedded database")
	requireProcessGone(t, pid)
}

func requireProcessGone(t testing.TB, pid int) {
	t.Helper()
	if pid <= 0 {
		return
	}
	err := syscall.Kill(pid, 0)
	require.Truef(t, errors.Is(err, syscall.ESRCH), "node process %d still exists after Stop (kill 0: %v)", pid, err)
}

// newPool returns a pool limited to one connection, with pgvector types
// registered, closed at the end of the test.
func newPool(t testing.TB, url string, mod ...func(*pgxpool.Config)) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(url)
	require.NoError(t, err)
	cfg.MaxConns = 1
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		return pgxvec.RegisterTypes(ctx, c)
	}
	for _, m := range mod {
		m(cfg)
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

func connect(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, url)
	require.NoError(t, err, "connecting to the embedded database")
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func ctxT(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func waitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
