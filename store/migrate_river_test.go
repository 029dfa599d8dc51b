package store_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/store"
)

func riverVersions(t *testing.T, db *store.DB) []int {
	t.Helper()
	m, err := rivermigrate.New(riverpgxv5.New(db.Pool), nil)
	require.NoError(t, err)
	existing, err := m.ExistingVersions(context.Background())
	require.NoError(t, err)
	var out []int
	for _, v := range existing {
		out = append(out, v.Version)
	}
	return out
}

// riverDown takes River's schema back to version target (-1: all of it), as
// an interrupted or older migration run could have left it.
func riverDown(t *testing.T, db *store.DB, target int) {
	t.Helper()
	m, err := rivermigrate.New(riverpgxv5.New(db.Pool), nil)
	require.NoError(t, err)
	_, err = m.Migrate(context.Background(), rivermigrate.DirectionDown, &rivermigrate.MigrateOpts{TargetVersion: target})
	require.NoError(t, err)
}

// An older Deskmate applied its own migrations, then failed on River's
// (batched in one transaction, which PostgreSQL before 18 refuses) and left
// the database half-migrated. The next start completes it; so does a start
// after an interruption between two of River's versions.
func TestMigrateCompletesAHalfMigratedDatabase(t *testing.T) {
	ctx := context.Background()
	db := open(t, testdb.Empty(t), store.Options{MaxConns: 2})
	_, err := db.Migrate(ctx, nil)
	require.NoError(t, err)
	all := riverVersions(t, db)
	require.GreaterOrEqual(t, len(all), 6, "River has at least versions 1-6")

	for _, target := range []int{-1, 3, 5} {
		riverDown(t, db, target)
		pending, err := db.SchemaStatus(ctx)
		require.NoError(t, err)
		require.NotEmpty(t, pending, "River is behind after going down to %d", target)

		res, err := db.Migrate(ctx, nil)
		require.NoError(t, err, "completing from River version %d", target)
		require.Empty(t, res.Applied, "Deskmate's own migrations were already there")
		require.Equal(t, all[max(target, 0):], res.RiverApplied, "River's missing versions, in order, from %d", target)
		require.Equal(t, all, riverVersions(t, db))
		pending, err = db.SchemaStatus(ctx)
		require.NoError(t, err)
		require.Empty(t, pending)
	}
}

// The reason River's migrations run one version per transaction: its 004
// adds an enum value that 006 uses, which PostgreSQL before 18 refuses inside
// one transaction (SQLSTATE 55P04). Deskmate's Migrate passes on both.
func TestRiverMigrationsInOneTransactionFailBefore18(t *testing.T) {
	ctx := context.Background()
	db := open(t, testdb.Empty(t), store.Options{MaxConns: 2})
	m, err := rivermigrate.New(riverpgxv5.New(nil), nil)
	require.NoError(t, err)
	err = pgx.BeginFunc(ctx, db.Pool, func(tx pgx.Tx) error {
		//lint:ignore SA1019 the deprecated batch is what this test shows failing
		_, err := m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil)
		return err
	})
	if db.ServerVersion < 180000 {
		require.ErrorContains(t, err, "unsafe use of new value")
		require.ErrorContains(t, err, "55P04")
	} else {
		require.NoError(t, err, "PostgreSQL 18 allows a new enum value in the transaction that added it")
	}
	db2 := open(t, testdb.Empty(t), store.Options{MaxConns: 2})
	_, err = db2.Migrate(ctx, nil)
	require.NoError(t, err)
}
