package testdb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/deskmate/deskmate/internal/pgembed"
	"github.com/deskmate/deskmate/store"
)

// embeddedTemplate returns a stopped embedded-server data directory with
// every migration applied, building it once per migration set and server
// version under a file lock so parallel test packages wait for one builder
// instead of all building it.
func embeddedTemplate(ctx context.Context) (string, error) {
	hash, err := migrationsHash()
	if err != nil {
		return "", err
	}
	root := filepath.Join(os.TempDir(), "deskmate-testdb")
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	dir := filepath.Join(root, fmt.Sprintf("pg%d-template-%s", pgembed.DefaultVersion, hash))
	lock, err := os.OpenFile(filepath.Join(root, "template.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", fmt.Errorf("lock %s: %w", lock.Name(), err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)

	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err == nil {
		return dir, nil
	}
	start := time.Now()
	tmp := dir + fmt.Sprintf(".tmp-%d", os.Getpid())
	os.RemoveAll(tmp)
	defer os.RemoveAll(tmp)
	srv, err := pgembed.Start(ctx, serverOptions(tmp, ""))
	if err != nil {
		return "", fmt.Errorf("build template: %w", err)
	}
	db, err := store.Open(ctx, srv.URL(), store.Options{MaxConns: 2})
	if err == nil {
		_, err = db.Migrate(ctx, nil)
		db.Close()
	}
	stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if serr := srv.Stop(stopCtx); err == nil {
		err = serr
	}
	if err != nil {
		return "", fmt.Errorf("build template: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	fmt.Fprintf(os.Stderr, "testdb: built embedded PostgreSQL template %s in %s\n", filepath.Base(dir), time.Since(start).Round(time.Millisecond))
	return dir, nil
}
