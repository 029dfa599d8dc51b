package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"
	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/store"
)

func open(t *testing.T, url string, opts store.Options) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), url, opts)
	require.NoError(t, err)
	t.Cleanup(db.Close)
	return db
}

// schemaSnapshot describes every table, column and index, to compare before
// and after a second migration run.
func schemaSnapshot(t *testing.T, db *store.DB) string {
	t.Helper()
	rows, err := db.Pool.Query(context.Background(), `
		SELECT 'col ' || table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns WHERE table_schema = 'public'
		UNION ALL SELECT 'idx ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
		UNION ALL SELECT 'ver ' || version || ' ' || checksum FROM deskmate_migrations
		UNION ALL SELECT 'river ' || version FROM river_migration
		ORDER BY 1`)
	require.NoError(t, err)
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return strings.Join(lines, "\n")
}

func TestMigrateFreshDatabaseThenIdempotent(t *testing.T) {
	ctx := context.Background()
	db := open(t, testdb.Empty(t), store.Options{})

	pending, err := db.SchemaStatus(ctx)
	require.NoError(t, err)
	require.Contains(t, pending, "0001_init")
	require.True(t, strings.HasPrefix(pending[len(pending)-1], "river: "), "river migrations pending too: %q", pending)

	res, err := db.Migrate(ctx, nil)
	require.NoError(t, err)
	require.Contains(t, res.Applied, "0001_init")
	require.NotEmpty(t, res.RiverApplied)
	before := schemaSnapshot(t, db)
	require.Contains(t, before, "col workspaces.slug text")
	require.Contains(t, before, "col river_job.kind text")

	res, err = db.Migrate(ctx, nil)
	require.NoError(t, err)
	require.False(t, res.Changed(), "second run applied %v / river %v", res.Applied, res.RiverApplied)
	require.Equal(t, before, schemaSnapshot(t, db), "a second run must not change the schema")

	pending, err = db.SchemaStatus(ctx)
	require.NoError(t, err)
	require.Empty(t, pending)

	// The pool was reset after CREATE EXTENSION vector: pgvector types are registered.
	var v pgvector.Vector
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT $1::vector`, pgvector.NewVector([]float32{1, 2, 3})).Scan(&v))
	require.Equal(t, []float32{1, 2, 3}, v.Slice())
}

// lockTracer records the statements a migration run sends.
type lockTracer struct {
	mu  sync.Mutex
	sql []string
}

func (l *lockTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	l.mu.Lock()
	l.sql = append(l.sql, strings.Join(strings.Fields(d.SQL), " "))
	l.mu.Unlock()
	return ctx
}

func (l *lockTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func TestMigrateRunsUnderAdvisoryLock(t *testing.T) {
	ctx := context.Background()
	tr := &lockTracer{}
	db := open(t, testdb.Empty(t), store.Options{Tracer: tr})
	_, err := db.Migrate(ctx, nil)
	require.NoError(t, err)

	lock, unlock, firstDDL, lastWrite := -1, -1, -1, -1
	for i, s := range tr.sql {
		switch {
		case strings.Contains(s, "pg_advisory_lock("):
			lock = i
		case strings.Contains(s, "pg_advisory_unlock("):
			unlock = i
		case strings.Contains(s, "CREATE EXTENSION IF NOT EXISTS vector") && firstDDL < 0:
			firstDDL = i
		}
		if strings.Contains(s, "river_migration") || strings.Contains(s, "deskmate_migrations") {
			lastWrite = i
		}
	}
	require.GreaterOrEqual(t, lock, 0, "no pg_advisory_lock in %q", tr.sql)
	require.Less(t, lock, firstDDL, "lock must be taken before the first migration")
	require.Greater(t, unlock, lastWrite, "lock must be released after the last migration step")
}

func TestConcurrentMigratorsApplyEachMigrationOnce(t *testing.T) {
	url := testdb.Empty(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	applied := make([][]string, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := store.Open(context.Background(), url, store.Options{MaxConns: 2})
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			res, err := db.Migrate(context.Background(), nil)
			if err == nil {
				applied[i] = res.Applied
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	total := 0
	for i, err := range errs {
		require.NoError(t, err, "migrator %d", i)
		total += len(applied[i])
	}
	all := open(t, url, store.Options{})
	var n int
	require.NoError(t, all.Pool.QueryRow(context.Background(), `SELECT count(*) FROM deskmate_migrations`).Scan(&n))
	require.Equal(t, n, total, "each migration applied by exactly one migrator")
}

func TestMigrateRefusesChangedOrUnknownMigrations(t *testing.T) {
	ctx := context.Background()
	db := open(t, testdb.Empty(t), store.Options{})
	_, err := db.Migrate(ctx, nil)
	require.NoError(t, err)

	_, err = db.Pool.Exec(ctx, `UPDATE deskmate_migrations SET checksum = 'edited' WHERE version = 1`)
	require.NoError(t, err)
	_, err = db.Migrate(ctx, nil)
	require.ErrorContains(t, err, "0001_init was changed after it was applied")
	_, err = db.SchemaStatus(ctx)
	require.ErrorContains(t, err, "changed after it was applied")

	_, err = db.Pool.Exec(ctx, `UPDATE deskmate_migrations SET checksum = $1 WHERE version = 1`, mustChecksum(t, 1))
	require.NoError(t, err)
	_, err = db.Pool.Exec(ctx, `INSERT INTO deskmate_migrations (version, name, checksum) VALUES (9999, 'future', 'x')`)
	require.NoError(t, err)
	_, err = db.Migrate(ctx, nil)
	require.ErrorContains(t, err, "9999_future, which this deskmate binary does not know")
}
