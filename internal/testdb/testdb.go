// Package testdb gives Go tests a real PostgreSQL with pgvector.
//
// By default each test package gets its own embedded PostgreSQL server
// (internal/pgembed, with fsync off), started from a pre-migrated template
// data directory built once per set of migrations and shared by all packages,
// so packages run in parallel without sharing state. With TEST_DATABASE_URL
// set, each package instead gets a fresh database created from a migrated
// template database on that server.
//
// Within a package tests share one migrated database and run one at a time on
// it; New empties every table before handing it out.
package testdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/deskmate/deskmate/internal/confine"
	"github.com/deskmate/deskmate/internal/pgembed"
	"github.com/deskmate/deskmate/migrations"
	"github.com/deskmate/deskmate/store"
)

var pkg struct {
	once    sync.Once
	url     string // the package's migrated database
	admin   string // a superuser URL on the same server, for CREATE DATABASE
	db      *store.DB
	cleanup []func()
	err     error
}

// Main runs a package's tests and then stops its database. Use it from
// TestMain: func TestMain(m *testing.M) { testdb.Main(m) }. Started as a
// sandbox child (a PDF being read), the test binary runs that instead.
func Main(m *testing.M) {
	confine.Main()
	code := m.Run()
	for i := len(pkg.cleanup) - 1; i >= 0; i-- {
		pkg.cleanup[i]()
	}
	os.Exit(code)
}

// New returns the package's migrated database with every table emptied.
// Tests in a package share it: do not Close it.
func New(t testing.TB) *store.DB {
	t.Helper()
	start(t)
	ctx := context.Background()
	if err := truncateAll(ctx, pkg.db); err != nil {
		t.Fatalf("testdb: empty tables: %v", err)
	}
	return pkg.db
}

// URL returns the connection URL of the package's migrated database, for
// tests that open their own pool (store.Open, River clients, the deskmate
// command).
func URL(t testing.TB) string {
	t.Helper()
	start(t)
	return pkg.url
}

// Embedded reports whether tests run on per-package embedded servers
// (TEST_DATABASE_URL unset).
func Embedded() bool { return os.Getenv("TEST_DATABASE_URL") == "" }

func start(t testing.TB) {
	t.Helper()
	pkg.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		if Embedded() {
			pkg.url, pkg.err = startEmbedded(ctx)
			pkg.admin = pkg.url
		} else {
			pkg.admin = os.Getenv("TEST_DATABASE_URL")
			pkg.url, pkg.err = createDatabase(ctx, pkg.admin)
		}
		if pkg.err != nil {
			return
		}
		pkg.db, pkg.err = store.Open(ctx, pkg.url, store.Options{MaxConns: 4})
		if pkg.err != nil {
			return
		}
		pkg.cleanup = append(pkg.cleanup, pkg.db.Close)
		// A no-op on a current template; applies anything newer (e.g. River's).
		_, pkg.err = pkg.db.Migrate(ctx, nil)
	})
	if pkg.err != nil {
		t.Fatalf("testdb: %v", pkg.err)
	}
}

// migrationsHash names templates after the migrations they were built from.
func migrationsHash() (string, error) {
	all, err := migrations.All()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, m := range all {
		fmt.Fprintf(h, "%d:%s\n", m.Version, m.Checksum)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func startEmbedded(ctx context.Context) (string, error) {
	tmpl, err := embeddedTemplate(ctx)
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "deskmate-testdb-")
	if err != nil {
		return "", err
	}
	pkg.cleanup = append(pkg.cleanup, func() { os.RemoveAll(dir) })
	srv, err := pgembed.Start(ctx, serverOptions(filepath.Join(dir, "pg"), tmpl))
	if err != nil {
		return "", err
	}
	pkg.cleanup = append(pkg.cleanup, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = srv.Stop(ctx)
	})
	return srv.URL(), nil
}

// serverOptions are the embedded server settings for tests: no fsync, small
// memory, room for the connections of many pools.
func serverOptions(dataDir, templateDir string) pgembed.Options {
	return pgembed.Options{
		DataDir:     dataDir,
		TemplateDir: templateDir,
		NoSync:      true,
		Settings:    map[string]string{"shared_buffers": "32MB", "max_connections": "200"},
	}
}

// Empty returns the URL of a brand-new database without any schema on the
// package's server, dropped when the test ends.
func Empty(t testing.TB) string {
	t.Helper()
	start(t)
	url, drop, err := createEmptyDatabase(context.Background(), pkg.admin)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	t.Cleanup(drop)
	return url
}
