package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/deskmate/deskmate/migrations"
)

// MigrationLockKey is the advisory lock that serialises migrators: the ASCII
// bytes of "deskmate".
const MigrationLockKey int64 = 0x6465736b6d617465

// MigrateResult says what a Migrate call changed.
type MigrateResult struct {
	Applied      []string // Deskmate migrations applied now, "0001_init"
	RiverApplied []int    // River migration versions applied now
}

// Changed reports whether anything was applied.
func (r *MigrateResult) Changed() bool { return len(r.Applied)+len(r.RiverApplied) > 0 }

const createMigrationsTable = `
CREATE TABLE IF NOT EXISTS deskmate_migrations (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
)`

// Migrate applies Deskmate's pending migrations, then River's, holding the
// advisory lock MigrationLockKey on one connection for the whole run so that
// concurrent starts (several replicas with AUTO_MIGRATE) apply each migration
// once. Each migration, Deskmate's or River's, runs in its own transaction, so
// a database left half-migrated (by a crash, or by an older Deskmate that
// batched River's migrations) is completed by the next run. Running it again changes
// nothing.
func (db *DB) Migrate(ctx context.Context, logger *slog.Logger) (*MigrateResult, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	all, err := migrations.All()
	if err != nil {
		return nil, err
	}
	res := &MigrateResult{}
	err = db.withMigrationLock(ctx, func(conn *pgx.Conn) error {
		if _, err := conn.Exec(ctx, createMigrationsTable); err != nil {
			return fmt.Errorf("create deskmate_migrations: %w", err)
		}
		applied, err := appliedMigrations(ctx, conn)
		if err != nil {
			return err
		}
		pending, err := pendingMigrations(all, applied)
		if err != nil {
			return err
		}
		for _, m := range pending {
			name := fmt.Sprintf("%04d_%s", m.Version, m.Name)
			err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, m.SQL); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, `INSERT INTO deskmate_migrations (version, name, checksum) VALUES ($1, $2, $3)`,
					m.Version, m.Name, m.Checksum)
				return err
			})
			if err != nil {
				return fmt.Errorf("migration %s failed: %w", name, err)
			}
			logger.Info("migration applied", "migration", name)
			res.Applied = append(res.Applied, name)
		}

		if res.RiverApplied, err = migrateRiver(ctx, conn, logger); err != nil {
			return err
		}
		return checkVectorVersion(ctx, conn)
	})
	if err != nil {
		return nil, err
	}
	if res.Changed() {
		// Connections opened before the vector extension existed lack its
		// types; drop them so new ones register pgvector.
		db.Pool.Reset()
	}
	return res, nil
}

// migrateRiver applies River's pending migrations one version per
// transaction: some of them cannot share one (004 adds an enum value that 006
// uses, which PostgreSQL before 18 refuses until the addition is committed).
// A run interrupted between versions resumes where it stopped.
func migrateRiver(ctx context.Context, conn *pgx.Conn, logger *slog.Logger) ([]int, error) {
	migrator, err := rivermigrate.New(riverpgxv5.New(nil), &rivermigrate.Config{Logger: logger})
	if err != nil {
		return nil, err
	}
	var applied []int
	for {
		var step []int
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			//lint:ignore SA1019 MigrateTx one step at a time is the batching River asks for; Migrate would use another connection than the one holding the lock.
			r, err := migrator.MigrateTx(ctx, tx, rivermigrate.DirectionUp, &rivermigrate.MigrateOpts{MaxSteps: 1})
			if err != nil {
				return err
			}
			for _, v := range r.Versions {
				step = append(step, v.Version)
			}
			return nil
		})
		if err != nil {
			return applied, fmt.Errorf("river migrations failed: %w", err)
		}
		if len(step) == 0 {
			return applied, nil
		}
		applied = append(applied, step...)
	}
}

// SchemaStatus lists what Migrate would still do; empty means the schema is
// current. It fails if the database is newer than this binary or a migration
// file changed after it was applied.
func (db *DB) SchemaStatus(ctx context.Context) ([]string, error) {
	all, err := migrations.All()
	if err != nil {
		return nil, err
	}
	var todo []string
	err = db.Pool.AcquireFunc(ctx, func(c *pgxpool.Conn) error {
		conn := c.Conn()
		var exists bool
		if err := conn.QueryRow(ctx, `SELECT to_regclass('deskmate_migrations') IS NOT NULL`).Scan(&exists); err != nil {
			return err
		}
		applied := map[int]appliedMigration{}
		if exists {
			if applied, err = appliedMigrations(ctx, conn); err != nil {
				return err
			}
		}
		pending, err := pendingMigrations(all, applied)
		if err != nil {
			return err
		}
		for _, m := range pending {
			todo = append(todo, fmt.Sprintf("%04d_%s", m.Version, m.Name))
		}
		if len(pending) < len(all) {
			if err := checkVectorVersion(ctx, conn); err != nil {
				return err
			}
		}
		migrator, err := rivermigrate.New(riverpgxv5.New(nil), nil)
		if err != nil {
			return err
		}
		return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			v, err := migrator.ValidateTx(ctx, tx, nil)
			if err != nil {
				return fmt.Errorf("check river migrations: %w", err)
			}
			if !v.OK {
				todo = append(todo, "river: "+strings.Join(v.Messages, "; "))
			}
			return nil
		})
	})
	return todo, err
}

// MinVectorVersion is the oldest pgvector Deskmate runs on: halfvec indexes
// (0.7) and iterative index scans (0.8).
const MinVectorVersion = "0.8.0"

// checkVectorVersion refuses a pgvector older than MinVectorVersion.
func checkVectorVersion(ctx context.Context, conn *pgx.Conn) error {
	var v string
	err := conn.QueryRow(ctx, `SELECT extversion FROM pg_extension WHERE extname = 'vector'`).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return errors.New("the pgvector extension is not installed in this database")
	}
	if err != nil {
		return fmt.Errorf("read the pgvector version: %w", err)
	}
	if compareVersions(v, MinVectorVersion) < 0 {
		return fmt.Errorf("pgvector %s is too old: Deskmate needs pgvector %s or newer (install it, then run ALTER EXTENSION vector UPDATE)", v, MinVectorVersion)
	}
	return nil
}

// compareVersions compares dotted version numbers ("0.8.0" < "0.10.1").
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(as), len(bs)) {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x - y
		}
	}
	return 0
}

type appliedMigration struct {
	name, checksum string
}

func appliedMigrations(ctx context.Context, conn *pgx.Conn) (map[int]appliedMigration, error) {
	type applied struct {
		Version  int    `db:"version"`
		Name     string `db:"name"`
		Checksum string `db:"checksum"`
	}
	rows, err := conn.Query(ctx, `SELECT version, name, checksum FROM deskmate_migrations`)
	if err != nil {
		return nil, fmt.Errorf("read deskmate_migrations: %w", err)
	}
	all, err := pgx.CollectRows(rows, pgx.RowToStructByName[applied])
	if err != nil {
		return nil, err
	}
	out := make(map[int]appliedMigration, len(all))
	for _, a := range all {
		out[a.Version] = appliedMigration{name: a.Name, checksum: a.Checksum}
	}
	return out, nil
}

// pendingMigrations checks the applied set against the embedded files and
// returns those still to apply, in order.
func pendingMigrations(all []migrations.Migration, applied map[int]appliedMigration) ([]migrations.Migration, error) {
	known := map[int]bool{}
	var pending []migrations.Migration
	for _, m := range all {
		known[m.Version] = true
		a, ok := applied[m.Version]
		if !ok {
			pending = append(pending, m)
			continue
		}
		if a.checksum != m.Checksum {
			return nil, fmt.Errorf("migration %04d_%s was changed after it was applied (checksum differs): restore the file or add a new migration", m.Version, m.Name)
		}
	}
	for v, a := range applied {
		if !known[v] {
			return nil, fmt.Errorf("the database has migration %04d_%s, which this deskmate binary does not know: run a newer deskmate", v, a.name)
		}
	}
	return pending, nil
}

// withMigrationLock runs fn on one pooled connection holding the migration
// advisory lock. Session-level (not transaction-level), so each migration can
// commit on its own while the lock stays held.
func (db *DB) withMigrationLock(ctx context.Context, fn func(conn *pgx.Conn) error) error {
	return db.Pool.AcquireFunc(ctx, func(c *pgxpool.Conn) error {
		conn := c.Conn()
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, MigrationLockKey); err != nil {
			return fmt.Errorf("take migration lock: %w", err)
		}
		ferr := fn(conn)
		// Unlock on a fresh context: the caller's may be cancelled already.
		_, uerr := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, MigrationLockKey)
		return errors.Join(ferr, uerr)
	})
}
