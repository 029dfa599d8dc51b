package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/store"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func runCmd(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	if _, ok := env["DESKMATE_DATA_DIR"]; !ok {
		// Never write state into the source tree.
		if env == nil {
			env = map[string]string{}
		}
		env["DESKMATE_DATA_DIR"] = t.TempDir()
	}
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	code := run(ctx, args, envMap(env), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestVersionAndUsage(t *testing.T) {
	code, out, _ := runCmd(t, nil, "version")
	require.Equal(t, 0, code)
	require.Regexp(t, `^deskmate \S+`, out)

	code, _, errOut := runCmd(t, nil, "frobnicate")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, `unknown command "frobnicate"`)

	code, out, _ = runCmd(t, nil, "help", "config", "--markdown")
	require.Equal(t, 0, code)
	require.Contains(t, out, "| `DATABASE_URL` |")
}

func TestBadConfigOneLinePerProblem(t *testing.T) {
	code, out, errOut := runCmd(t, map[string]string{
		"DATABASE_URL": "postgres://u:hunter2@db:port/x", "LOG_FORMAT": "xml", "DESKMATE_ADDR": "nope",
	}, "serve")
	require.Equal(t, 2, code)
	require.Empty(t, out)
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	require.Len(t, lines, 3, errOut)
	for _, l := range lines {
		require.True(t, strings.HasPrefix(l, "deskmate: config: "), l)
	}
	require.NotContains(t, errOut, "hunter2")
	require.NotContains(t, errOut, "goroutine", "no stack trace")
}

func TestPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	code, _, errOut := runCmd(t, map[string]string{
		"DESKMATE_ADDR": ln.Addr().String(), "DATABASE_URL": "postgres://x@127.0.0.1:1/x",
	}, "serve")
	require.Equal(t, 1, code)
	require.Equal(t, "deskmate: DESKMATE_ADDR: "+ln.Addr().String()+
		" is already in use: stop the other program or set DESKMATE_ADDR to another port\n", lastLine(errOut))
}

func TestUnreachableDatabase(t *testing.T) {
	code, _, errOut := runCmd(t, map[string]string{
		"DESKMATE_ADDR": "127.0.0.1:0", "DATABASE_URL": "postgres://x:secretpw@127.0.0.1:1/x?connect_timeout=2",
	}, "serve")
	require.Equal(t, 1, code)
	require.Regexp(t, `^deskmate: database unreachable at 127\.0\.0\.1:1: .*refused`, lastLine(errOut))
	require.NotContains(t, errOut, "secretpw")
}

func TestServeRefusesStaleSchema(t *testing.T) {
	url := testdb.Empty(t)
	code, _, errOut := runCmd(t, map[string]string{"DESKMATE_ADDR": "127.0.0.1:0", "DATABASE_URL": url}, "serve")
	require.Equal(t, 1, code)
	require.Contains(t, lastLine(errOut), "database schema is not current (pending: 0001_init")
	require.Contains(t, lastLine(errOut), "run `deskmate migrate` or set AUTO_MIGRATE=true")

	code, out, errOut := runCmd(t, map[string]string{"DATABASE_URL": url}, "migrate")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "applied 0001_init")
	code, out, _ = runCmd(t, map[string]string{"DATABASE_URL": url}, "migrate")
	require.Equal(t, 0, code)
	require.Equal(t, "Database schema is up to date.\n", out)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1] + "\n"
}

// syncBuffer is written by run's goroutine and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var readyLine = regexp.MustCompile(`Deskmate is ready: (http://\S+)`)

// serveEmbedded runs `deskmate serve` on the embedded database in dataDir
// until stop is called, which returns the exit code.
func serveEmbedded(t *testing.T, dataDir string) (url string, stop func() int) {
	t.Helper()
	return serveWith(t, map[string]string{"DESKMATE_DATA_DIR": dataDir})
}

// serveWith runs `deskmate serve` with env (plus a free port, AUTO_MIGRATE and
// debug logs) until stop is called, which returns the exit code.
func serveWith(t *testing.T, env map[string]string) (url string, stop func() int) {
	t.Helper()
	full := map[string]string{"DESKMATE_ADDR": "127.0.0.1:0", "AUTO_MIGRATE": "true", "LOG_LEVEL": "debug"}
	for k, v := range env {
		full[k] = v
	}
	if full["DESKMATE_DATA_DIR"] == "" {
		full["DESKMATE_DATA_DIR"] = t.TempDir()
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	logs := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, envMap(full), pw, logs)
		pw.Close()
	}()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := readyLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case url = <-found:
	case code := <-done:
		t.Fatalf("serve exited with %d before it was ready:\n%s", code, logs.String())
	case <-time.After(2 * time.Minute):
		cancel()
		t.Fatalf("serve not ready within 2 minutes:\n%s", logs.String())
	}
	return url, func() int {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Logf("serve logs:\n%s", logs.String())
			}
			return code
		case <-time.After(time.Minute):
			t.Fatalf("serve did not stop within a minute:\n%s", logs.String())
			return -1
		}
	}
}

func getJSON(t *testing.T, url string, into any) int {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.NoError(t, json.NewDecoder(resp.Body).Decode(into))
	return resp.StatusCode
}

type readiness struct {
	Status   string `json:"status"`
	Instance struct {
		ID string `json:"id"`
	} `json:"instance"`
	Checks map[string]struct {
		Status   string `json:"status"`
		Embedded *bool  `json:"embedded"`
		Mode     string `json:"mode"`
	} `json:"checks"`
}

// databaseProcessesFor lists live processes whose command line mentions dir.
func databaseProcessesFor(t *testing.T, dir string) []string {
	t.Helper()
	var found []string
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err == nil && bytes.Contains(b, []byte(dir)) {
			found = append(found, p+": "+strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return found
}

func TestServeOnEmbeddedDatabaseKeepsDataAcrossRestarts(t *testing.T) {
	dataDir := t.TempDir()

	url, stop := serveEmbedded(t, dataDir)
	var first readiness
	require.Equal(t, 200, getJSON(t, url+"/readyz", &first))
	require.Equal(t, "ready", first.Status)
	require.NotEmpty(t, first.Instance.ID)
	require.NotEmpty(t, databaseProcessesFor(t, dataDir), "the embedded database runs while serving")
	require.True(t, *first.Checks["database"].Embedded)
	require.Equal(t, 0, stop())
	require.Empty(t, databaseProcessesFor(t, dataDir), "no database process may outlive deskmate")

	url, stop = serveEmbedded(t, dataDir)
	var second readiness
	require.Equal(t, 200, getJSON(t, url+"/readyz", &second))
	require.Equal(t, first.Instance.ID, second.Instance.ID, "state must survive a restart")
	require.Equal(t, 0, stop())
	require.Empty(t, databaseProcessesFor(t, dataDir))
}

// Two replicas started together on an empty database: one migrates under
// the advisory lock while the other waits for it, then both serve, with
// River on LISTEN/NOTIFY.
func TestTwoServersStartTogetherOnAnEmptyDatabase(t *testing.T) {
	url := testdb.Empty(t)
	type started struct {
		url  string
		stop func() int
	}
	results := make(chan started, 2)
	for range 2 {
		go func() {
			u, stop := serveWith(t, map[string]string{"DATABASE_URL": url})
			results <- started{u, stop}
		}()
	}
	for range 2 {
		s := <-results
		var r readiness
		require.Equal(t, 200, getJSON(t, s.url+"/readyz", &r))
		require.Equal(t, "ready", r.Status)
		require.Equal(t, "listen", r.Checks["river"].Mode)
		require.False(t, *r.Checks["database"].Embedded)
		defer func() { require.Equal(t, 0, s.stop()) }()
	}
	db, err := store.Open(context.Background(), url, store.Options{})
	require.NoError(t, err)
	defer db.Close()
	pending, err := db.SchemaStatus(context.Background())
	require.NoError(t, err)
	require.Empty(t, pending)
}

func TestWorkerRunsJobsWithoutHTTP(t *testing.T) {
	url := testdb.URL(t)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	logs := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"worker"}, envMap(map[string]string{"DATABASE_URL": url, "LOG_LEVEL": "debug",
			"DESKMATE_DATA_DIR": t.TempDir()}), pw, logs)
		pw.Close()
	}()
	// However the test ends, the worker stops and lets go of the database.
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(time.Minute):
			t.Error("worker did not stop")
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err, logs.String())
	require.Equal(t, "Deskmate worker is running\n", line)
	go io.Copy(io.Discard, pr)
	// The periodic jobs scheduled on start (heartbeat, session cleanup) are
	// worked by this process: wait for River's own count, then read the
	// database after the worker exits.
	completed := regexp.MustCompile(`num_completed_jobs=[1-9]`)
	require.Eventually(t, func() bool { return completed.MatchString(logs.String()) },
		time.Minute, 100*time.Millisecond, logs.String())
	require.NotContains(t, logs.String(), "listening")
	cancel()
	require.Equal(t, 0, <-done, logs.String())
	done <- 0 // for the cleanup

	db, err := store.Open(context.Background(), url, store.Options{})
	require.NoError(t, err)
	defer db.Close()
	hb, err := db.LastHeartbeat(context.Background())
	require.NoError(t, err)
	require.Equal(t, os.Getpid(), hb.PID, "the heartbeat was worked by this worker")
}
