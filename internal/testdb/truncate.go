package testdb

import (
	"context"

	"github.com/deskmate/deskmate/store"
)

// truncateAll empties every table except the migration bookkeeping, and
// restarts identities, so each test starts from a migrated, empty database.
func truncateAll(ctx context.Context, db *store.DB) error {
	var tables *string
	err := db.Pool.QueryRow(ctx, `
		SELECT string_agg(format('%I.%I', schemaname, tablename), ', ')
		FROM pg_tables
		WHERE schemaname = 'public' AND tablename NOT IN ('deskmate_migrations', 'river_migration')`).Scan(&tables)
	if err != nil || tables == nil {
		return err
	}
	_, err = db.Pool.Exec(ctx, "TRUNCATE "+*tables+" RESTART IDENTITY CASCADE")
	return err
}
