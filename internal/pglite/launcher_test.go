package pglite

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestFindServerDir(t *testing.T) {
	dir := requirePrereqs(t)
	require.FileExists(t, filepath.Join(dir, "server.mjs"))
	require.DirExists(t, filepath.Join(dir, "node_modules", "@electric-sql", "pglite"))

	t.Setenv(ServerDirEnv, dir)
	got, err := FindServerDir()
	require.NoError(t, err)
	require.Equal(t, dir, got)

	empty := t.TempDir()
	t.Setenv(ServerDirEnv, empty)
	_, err = FindServerDir()
	require.ErrorContains(t, err, "server.mjs is missing")
	require.ErrorContains(t, err, ServerDirEnv)

	require.NoError(t, os.WriteFile(filepath.Join(empty, "server.mjs"), []byte("\n"), 0o644))
	_, err = FindServerDir()
	require.ErrorIs(t, err, ErrNotInstalled)
	require.ErrorContains(t, err, "embedded database not installed: run `make deps` (npm ci in internal/pglite/node)")
}

func TestStartErrors(t *testing.T) {
	requirePrereqs(t)
	ctx := ctxT(t, 30*time.Second)

	_, err := Start(ctx, Options{DataDir: t.TempDir(), Node: "/nonexistent/node"})
	require.ErrorIs(t, err, ErrNodeNotFound)
	require.ErrorContains(t, err, "node (Node.js 20+) is required for the embedded database: apt-get install nodejs, or set DATABASE_URL")

	_, err = Start(ctx, Options{DataDir: t.TempDir(), ServerDir: filepath.Join(t.TempDir(), "missing")})
	require.ErrorContains(t, err, "does not exist")

	// A data dir that cannot be created (its parent is a file).
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	_, err = Start(ctx, Options{DataDir: filepath.Join(file, "data")})
	require.ErrorContains(t, err, "data dir")

	// A template that is not a data directory.
	_, err = Start(ctx, Options{DataDir: filepath.Join(t.TempDir(), "d"), TemplateDir: t.TempDir()})
	require.ErrorContains(t, err, "not a PGlite data directory")

	// node exits before it is ready: the error carries its last stderr lines.
	fake := fakeServerDir(t, `process.stderr.write("error: something is badly wrong\n"); process.exit(7)`)
	_, err = Start(ctx, Options{DataDir: t.TempDir(), ServerDir: fake})
	require.ErrorContains(t, err, "exited before it was ready")
	require.ErrorContains(t, err, "exit status 7")
	require.ErrorContains(t, err, "something is badly wrong")
}

func TestSupervisorGivesUp(t *testing.T) {
	requirePrereqs(t)
	old := restartBackoff
	restartBackoff = 10 * time.Millisecond
	t.Cleanup(func() { restartBackoff = old })

	// A server that becomes ready and then dies at once, every time.
	fake := fakeServerDir(t, `
import net from 'node:net'
const i = process.argv.indexOf('--port')
const port = Number(process.argv[i + 1])
const srv = net.createServer((c) => c.destroy())
srv.listen(port, '127.0.0.1', () => {
  console.log(JSON.stringify({ event: 'ready', host: '127.0.0.1', port: srv.address().port, pid: process.pid }))
  setTimeout(() => { process.stderr.write('error: crashed on purpose\n'); process.exit(9) }, 150)
})
`)
	ctx := ctxT(t, 60*time.Second)
	s, err := Start(ctx, Options{DataDir: t.TempDir(), ServerDir: fake})
	require.NoError(t, err)
	waitFor(t, 30*time.Second, "the supervisor to give up", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.failed != nil
	})
	require.Equal(t, maxQuickFailures, s.Restarts())
	err = s.Stop(ctx)
	require.Error(t, err)
	require.ErrorContains(t, err, "keeps failing")
	require.ErrorContains(t, err, "crashed on purpose")
	require.Equal(t, err, s.Stop(ctx), "Stop is idempotent")
	requireProcessGone(t, s.pid())
}

// fakeServerDir returns a server dir whose server.mjs is the given script.
func fakeServerDir(t *testing.T, script string) string {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "server.mjs"), []byte(script), 0o644))
	for _, pkg := range []string{"pglite", "pglite-pgvector"} {
		p := filepath.Join(dir, "node_modules", "@electric-sql", pkg)
		require.NoError(t, os.MkdirAll(p, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(p, "package.json"), []byte("{}"), 0o644))
	}
	return dir
}
