package pgembed

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

func start(t *testing.T, o Options) *Server {
	t.Helper()
	if o.DataDir == "" {
		o.DataDir = filepath.Join(t.TempDir(), "pg")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := Start(ctx, o)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Stop(context.Background()) })
	return s
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func TestStartInitialisesThenKeepsData(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "pg")
	s := start(t, Options{DataDir: dir})
	c := connect(t, s.URL())
	var version string
	require.NoError(t, c.QueryRow(ctx, `SHOW server_version`).Scan(&version))
	require.True(t, strings.HasPrefix(version, "16."), version)
	_, err := c.Exec(ctx, `CREATE EXTENSION vector; CREATE TABLE t (v vector(3)); INSERT INTO t VALUES ('[1,2,3]')`)
	require.NoError(t, err)
	var fsync string
	require.NoError(t, c.QueryRow(ctx, `SHOW fsync`).Scan(&fsync))
	require.Equal(t, "on", fsync, "the embedded database is durable unless told otherwise")
	c.Close(ctx)
	require.NoError(t, s.Stop(ctx))
	_, err = os.Stat(s.socketDir)
	require.True(t, os.IsNotExist(err), "the socket directory is removed on stop")

	s = start(t, Options{DataDir: dir})
	c = connect(t, s.URL())
	var v string
	require.NoError(t, c.QueryRow(ctx, `SELECT v::text FROM t`).Scan(&v))
	require.Equal(t, "[1,2,3]", v)
}

// The embedded database answers Deskmate only: no TCP port, a socket in a
// private directory, and a random password.
func TestOnlyDeskmateCanConnect(t *testing.T) {
	ctx := context.Background()
	s := start(t, Options{NoSync: true})
	c := connect(t, s.URL())
	var listen string
	require.NoError(t, c.QueryRow(ctx, `SHOW listen_addresses`).Scan(&listen))
	require.Empty(t, listen, "no TCP listener")

	st, err := os.Stat(s.socketDir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), st.Mode().Perm(), "socket directory is private")
	st, err = os.Stat(s.DataDir())
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), st.Mode().Perm(), "data directory is private")
	st, err = os.Stat(filepath.Join(s.DataDir(), passwordFile))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	u, err := url.Parse(s.URL())
	require.NoError(t, err)
	pw, _ := u.User.Password()
	require.Len(t, pw, 48, "a random 24-byte password")
	for _, bad := range []*url.Userinfo{url.User(superuser), url.UserPassword(superuser, "wrong"), url.User("postgres")} {
		u.User = bad
		_, err := pgx.Connect(ctx, u.String())
		require.Error(t, err, "connecting as %s must fail", bad)
		require.Regexp(t, `password authentication failed|no password supplied|role "postgres" does not exist`, err.Error())
	}
}

func TestTCPListenerForTools(t *testing.T) {
	s := start(t, Options{NoSync: true, ListenTCP: true, Version: 18})
	require.Contains(t, s.URL(), "@127.0.0.1:")
	c := connect(t, s.URL())
	var version string
	require.NoError(t, c.QueryRow(context.Background(), `SHOW server_version`).Scan(&version))
	require.True(t, strings.HasPrefix(version, "18."), version)
}

func TestSupervisorRestartsAfterKill9AndKeepsCommits(t *testing.T) {
	ctx := context.Background()
	s := start(t, Options{})
	pool, err := pgxpool.New(ctx, s.URL())
	require.NoError(t, err)
	defer pool.Close()
	_, err = pool.Exec(ctx, `CREATE TABLE c (id int PRIMARY KEY)`)
	require.NoError(t, err)
	for i := 1; i <= 100; i++ {
		_, err := pool.Exec(ctx, `INSERT INTO c VALUES ($1)`, i)
		require.NoError(t, err)
	}
	old := s.PID()
	require.NoError(t, syscall.Kill(old, syscall.SIGKILL))
	var n int
	require.Eventually(t, func() bool {
		return pool.QueryRow(ctx, `SELECT count(*) FROM c`).Scan(&n) == nil
	}, time.Minute, 50*time.Millisecond)
	require.Equal(t, 100, n, "every committed row survives kill -9")
	require.Eventually(t, func() bool { return s.Restarts() == 1 }, 10*time.Second, 10*time.Millisecond)
	require.NotEqual(t, old, s.PID())
}

func TestSecondSupervisorOfOneDirectoryIsRefused(t *testing.T) {
	s := start(t, Options{NoSync: true})
	_, err := Start(context.Background(), Options{DataDir: s.DataDir()})
	require.ErrorContains(t, err, "in use by another Deskmate process")
}

func TestLeftoverServerIsStoppedFirst(t *testing.T) {
	ctx := context.Background()
	s := start(t, Options{NoSync: true})
	leftover := s.PID()
	// The supervisor disappears without stopping its server.
	s.stopOnce.Do(func() { close(s.stopCh) })
	<-s.supervisorDone
	s.lock.Close()

	s2 := start(t, Options{DataDir: s.DataDir(), NoSync: true})
	require.NotEqual(t, leftover, s2.PID())
	require.Eventually(t, func() bool { return syscall.Kill(leftover, 0) != nil }, 10*time.Second, 20*time.Millisecond,
		"the leftover server was stopped")
	c := connect(t, s2.URL())
	require.NoError(t, c.Ping(ctx))
}

func TestRefusesADirectoryOfAnotherVersion(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pg")
	s := start(t, Options{DataDir: dir, Version: 18, NoSync: true})
	require.NoError(t, s.Stop(context.Background()))
	_, err := Start(context.Background(), Options{DataDir: dir})
	require.ErrorContains(t, err, "was created by PostgreSQL 18; this Deskmate runs PostgreSQL 16")
}

func TestRefusesAForeignNonEmptyDirectory(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o600))
	_, err := Start(context.Background(), Options{DataDir: dir})
	require.ErrorContains(t, err, "holds no PostgreSQL data directory")
}

func TestTemplateIsCopiedNotShared(t *testing.T) {
	ctx := context.Background()
	tmplDir := filepath.Join(t.TempDir(), "tmpl")
	s := start(t, Options{DataDir: tmplDir, NoSync: true})
	c := connect(t, s.URL())
	_, err := c.Exec(ctx, `CREATE TABLE marker (x int); INSERT INTO marker VALUES (7)`)
	require.NoError(t, err)
	c.Close(ctx)
	require.NoError(t, s.Stop(ctx))

	a := start(t, Options{TemplateDir: tmplDir, NoSync: true})
	b := start(t, Options{TemplateDir: tmplDir, NoSync: true})
	_, err = connect(t, a.URL()).Exec(ctx, `INSERT INTO marker VALUES (8)`)
	require.NoError(t, err)
	var n int
	require.NoError(t, connect(t, b.URL()).QueryRow(ctx, `SELECT count(*) FROM marker`).Scan(&n))
	require.Equal(t, 1, n, "each copy is its own database")
}

// helperEnv makes the test binary act as a Deskmate that starts the
// embedded database, commits rows and waits to be killed.
const helperEnv = "PGEMBED_TEST_HELPER_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(helperEnv); dir != "" {
		os.Exit(helper(dir))
	}
	os.Exit(m.Run())
}

func helper(dir string) int {
	ctx := context.Background()
	s, err := Start(ctx, Options{DataDir: dir})
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	c, err := pgx.Connect(ctx, s.URL())
	if err == nil {
		_, err = c.Exec(ctx, `CREATE TABLE IF NOT EXISTS k (id int); INSERT INTO k SELECT generate_series(1, 50)`)
	}
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	fmt.Println("ready", s.PID())
	time.Sleep(time.Hour)
	return 0
}

// When Deskmate is killed with SIGKILL its database shuts down by itself and
// the next start finds every committed row.
func TestKilledDeskmateTakesItsDatabaseDown(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pg")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	buf := make([]byte, 256)
	n, _ := out.Read(buf)
	line := strings.TrimSpace(string(buf[:n]))
	require.True(t, strings.HasPrefix(line, "ready "), line)
	pgPID, err := strconv.Atoi(strings.TrimPrefix(line, "ready "))
	require.NoError(t, err)

	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	require.Eventually(t, func() bool { return syscall.Kill(pgPID, 0) != nil }, 30*time.Second, 50*time.Millisecond,
		"postgres must not outlive the Deskmate that started it")

	s := start(t, Options{DataDir: dir})
	var count int
	require.NoError(t, connect(t, s.URL()).QueryRow(context.Background(), `SELECT count(*) FROM k`).Scan(&count))
	require.Equal(t, 50, count)
}

func TestNotInstalledSaysWhatToRun(t *testing.T) {
	_, err := Start(context.Background(), Options{DataDir: t.TempDir(), InstallRoot: t.TempDir()})
	require.ErrorIs(t, err, ErrNotInstalled)
	require.ErrorContains(t, err, "make deps")
}
