package testdb

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { Main(m) }

func TestNewStartsFromEmptyMigratedTables(t *testing.T) {
	ctx := context.Background()
	db := New(t)
	_, err := db.Pool.Exec(ctx, `INSERT INTO workspaces (slug, name) VALUES ('a', 'A')`)
	require.NoError(t, err)

	db = New(t)
	var n int
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT count(*) FROM workspaces`).Scan(&n))
	require.Zero(t, n, "New must empty every table")
	var id int64
	require.NoError(t, db.Pool.QueryRow(ctx, `INSERT INTO workspaces (slug, name) VALUES ('b', 'B') RETURNING id`).Scan(&id))
	require.EqualValues(t, 1, id, "identities restart")
	pending, err := db.SchemaStatus(ctx)
	require.NoError(t, err)
	require.Empty(t, pending)
}

// BenchmarkNew measures the per-test isolation cost (TRUNCATE of every table).
func BenchmarkNew(b *testing.B) {
	New(b)
	b.ResetTimer()
	for b.Loop() {
		New(b)
	}
}
