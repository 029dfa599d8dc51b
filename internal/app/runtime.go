// Package app wires Deskmate's runtime: the database (the embedded
// PostgreSQL or DATABASE_URL), migrations and the schema check. The deskmate command and the
// tests use it; it holds no business logic.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/deskmate/deskmate/config"
	"github.com/deskmate/deskmate/internal/pgembed"
	"github.com/deskmate/deskmate/store"
)

// SchemaPolicy says what Open does about pending migrations.
type SchemaPolicy int

const (
	// RequireCurrent refuses to run on a stale schema.
	RequireCurrent SchemaPolicy = iota
	// ApplyMigrations migrates first.
	ApplyMigrations
)

// Runtime is an open database with everything started for it.
type Runtime struct {
	DB       *store.DB
	Embedded *pgembed.Server // nil when DATABASE_URL is set
	// Migrated lists what Open applied.
	Migrated *store.MigrateResult
	logger   *slog.Logger
}

// StaleSchemaError says the database needs migrations this process will not run.
type StaleSchemaError struct{ Pending []string }

func (e *StaleSchemaError) Error() string {
	return fmt.Sprintf("database schema is not current (pending: %s): run `deskmate migrate` or set AUTO_MIGRATE=true",
		strings.Join(e.Pending, ", "))
}

// embeddedSettings tune the embedded PostgreSQL for Deskmate's writes: a
// knowledge ingestion writes WAL in bursts (chunks, vectors, their
// indexes), and a webhook's acknowledgement must not queue behind it. Room
// for 16 MB of WAL in memory keeps backends from flushing WAL buffers
// themselves, and fewer, spread-out checkpoints write fewer full pages.
var embeddedSettings = map[string]string{
	"wal_buffers":                  "16MB",
	"max_wal_size":                 "2GB",
	"checkpoint_timeout":           "15min",
	"checkpoint_completion_target": "0.9",
}

// Open starts the embedded database when cfg has no DATABASE_URL, connects,
// and migrates or checks the schema according to policy. On error everything
// it started is stopped again.
func Open(ctx context.Context, cfg *config.Config, logger *slog.Logger, policy SchemaPolicy) (rt *Runtime, err error) {
	rt = &Runtime{logger: logger}
	defer func() {
		if err != nil {
			rt.Close(context.WithoutCancel(ctx))
			rt = nil
		}
	}()
	url := cfg.DatabaseURL
	if cfg.Embedded() {
		warnOldEmbeddedDir(cfg, logger)
		rt.Embedded, err = pgembed.Start(ctx, pgembed.Options{
			DataDir:     cfg.EmbeddedDBDir,
			InstallRoot: cfg.PostgresDir,
			Logger:      logger.With("component", "embedded_db"),
			Settings:    embeddedSettings,
		})
		if err != nil {
			return rt, err
		}
		url = rt.Embedded.URL()
	}
	rt.DB, err = store.Open(ctx, url, store.Options{MaxConns: int32(cfg.DBMaxConns), Logger: logger})
	if err != nil {
		return rt, err
	}
	if policy == ApplyMigrations {
		rt.Migrated, err = rt.DB.Migrate(ctx, logger)
		return rt, err
	}
	pending, err := rt.DB.SchemaStatus(ctx)
	if err != nil {
		return rt, err
	}
	if len(pending) > 0 {
		return rt, &StaleSchemaError{Pending: pending}
	}
	return rt, nil
}

// Close closes the pool and then stops the embedded database, in that order.
func (rt *Runtime) Close(ctx context.Context) error {
	if rt == nil {
		return nil
	}
	if rt.DB != nil {
		rt.DB.Close()
	}
	var err error
	if rt.Embedded != nil {
		stopCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err = rt.Embedded.Stop(stopCtx); err != nil {
			err = fmt.Errorf("stop embedded database: %w", err)
		}
	}
	return errors.Join(err)
}

// warnOldEmbeddedDir points at data left by Deskmate's earlier embedded
// database (PGlite, in $DESKMATE_DATA_DIR/pg), which the embedded PostgreSQL
// cannot read: it is left untouched.
func warnOldEmbeddedDir(cfg *config.Config, logger *slog.Logger) {
	old := filepath.Join(cfg.DataDir, "pg")
	if old == cfg.EmbeddedDBDir {
		return
	}
	if _, err := os.Stat(filepath.Join(old, "PG_VERSION")); err != nil {
		return
	}
	if _, err := os.Stat(filepath.Join(old, "deskmate.password")); err == nil {
		return
	}
	logger.Warn("found data of an earlier Deskmate's PGlite database; the embedded database is now PostgreSQL in "+cfg.EmbeddedDBDir+
		" and starts empty. The old directory is left untouched: to carry its data over, see README, Embedded database.", "old_dir", old)
}
