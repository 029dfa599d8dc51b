package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/migrations"
	"github.com/deskmate/deskmate/store"
)

func mustChecksum(t *testing.T, version int) string {
	all, err := migrations.All()
	require.NoError(t, err)
	for _, m := range all {
		if m.Version == version {
			return m.Checksum
		}
	}
	t.Fatalf("no migration %d", version)
	return ""
}

func TestOpenReadsServerVersionAndSizesPool(t *testing.T) {
	ctx := context.Background()
	db := open(t, testdb.URL(t), store.Options{MaxConns: 7})
	require.EqualValues(t, 7, db.Pool.Config().MaxConns)
	require.GreaterOrEqual(t, db.ServerVersion, store.MinServerVersion)
	var num int
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT current_setting('server_version_num')::int`).Scan(&num))
	require.Equal(t, num, db.ServerVersion)
	var scs string
	require.NoError(t, db.Pool.QueryRow(ctx, `SHOW standard_conforming_strings`).Scan(&scs))
	require.Equal(t, "on", scs)
	require.NoError(t, db.Ping(ctx))
}

func TestOpenUnreachable(t *testing.T) {
	_, err := store.Open(context.Background(), "postgres://postgres@127.0.0.1:1/postgres?connect_timeout=2", store.Options{})
	require.ErrorContains(t, err, "database unreachable at 127.0.0.1:1")
}

func TestInstanceIsCreatedOnceAndKept(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	a, err := db.EnsureInstance(ctx)
	require.NoError(t, err)
	require.Len(t, a.ID, 36)
	b, err := db.EnsureInstance(ctx)
	require.NoError(t, err)
	require.Equal(t, a, b)
}

func TestHeartbeat(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	_, err := db.LastHeartbeat(ctx)
	require.ErrorIs(t, err, store.ErrNotFound)
	require.NoError(t, db.RecordHeartbeat(ctx, store.Heartbeat{Host: "h1", PID: 1, JobID: 7}))
	require.NoError(t, db.RecordHeartbeat(ctx, store.Heartbeat{Host: "h2", PID: 2, JobID: 8}))
	hb, err := db.LastHeartbeat(ctx)
	require.NoError(t, err)
	require.Equal(t, "h2", hb.Host)
	require.EqualValues(t, 8, hb.JobID)
}
