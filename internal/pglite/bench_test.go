package pglite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgvector/pgvector-go"
)

// Benchmarks of the embedded database through pgx (go test -bench . -run '^$').

func BenchmarkSimpleQuery(b *testing.B) {
	s := startServer(b)
	pool := newPool(b, s.URL())
	ctx := context.Background()
	for b.Loop() {
		if _, err := pool.Exec(ctx, "select 1"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPreparedQuery(b *testing.B) {
	s := startServer(b)
	pool := newPool(b, s.URL())
	ctx := context.Background()
	var n int
	i := 0
	for b.Loop() {
		i++
		if err := pool.QueryRow(ctx, "select $1::int + 1", i).Scan(&n); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInsertAutocommit(b *testing.B) {
	s := startServer(b)
	pool := newPool(b, s.URL())
	ctx := context.Background()
	if _, err := pool.Exec(ctx, "create table bench_ins (id bigint primary key, name text)"); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		i++
		if _, err := pool.Exec(ctx, "insert into bench_ins values ($1, $2)", i, "name"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCopyFrom10k(b *testing.B) {
	s := startServer(b)
	pool := newPool(b, s.URL())
	ctx := context.Background()
	if _, err := pool.Exec(ctx, "create table bench_copy (id bigint, name text, embedding vector(3))"); err != nil {
		b.Fatal(err)
	}
	const n = 10000
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = []any{int64(i), fmt.Sprintf("row %d", i), pgvector.NewVector([]float32{float32(i), 1, 2})}
	}
	start := time.Now()
	for b.Loop() {
		if _, err := pool.CopyFrom(ctx, pgx.Identifier{"bench_copy"}, []string{"id", "name", "embedding"}, pgx.CopyFromRows(rows)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "rows/s")
}

func BenchmarkReconnect(b *testing.B) {
	s := startServer(b)
	ctx := context.Background()
	for b.Loop() {
		c, err := pgx.Connect(ctx, s.URL())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Exec(ctx, "select 1"); err != nil {
			b.Fatal(err)
		}
		c.Close(ctx)
	}
}
