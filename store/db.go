package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	pgxvec "github.com/pgvector/pgvector-go/pgx"
)

// MinServerVersion is the oldest PostgreSQL Deskmate runs on
// (server_version_num); CI tests 16 and 18, and 15 was checked by hand.
const MinServerVersion = 150000

// DB is a connection pool plus what Deskmate learned about the server.
type DB struct {
	Pool *pgxpool.Pool
	// ServerVersion is the server's server_version_num, e.g. 160014.
	ServerVersion int
}

// Options tunes Open.
type Options struct {
	// MaxConns is the pool size.
	MaxConns int32
	// ConnectTimeout bounds the first connection; default 15s.
	ConnectTimeout time.Duration
	// Tracer, when set, sees every query (tests and diagnostics).
	Tracer pgx.QueryTracer
	Logger *slog.Logger
}

// Open connects, checks the server version and builds the pool. pgvector
// types are registered on every new connection once the extension exists
// (Migrate resets the pool after creating it). Every connection sets
// standard_conforming_strings, which the SQL Deskmate builds relies on.
func Open(ctx context.Context, url string, opts Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, errors.New("DATABASE_URL is malformed")
	}
	if opts.ConnectTimeout == 0 {
		opts.ConnectTimeout = 15 * time.Second
	}
	if opts.MaxConns == 0 {
		opts.MaxConns = 10
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg.ConnConfig.Tracer = opts.Tracer
	// Identifiers and literals Deskmate builds (model names in index and
	// search statements) are quoted for standard strings; never depend on
	// the server's or the role's default.
	cfg.ConnConfig.RuntimeParams["standard_conforming_strings"] = "on"
	cfg.ConnConfig.ConnectTimeout = opts.ConnectTimeout

	probeCtx, cancel := context.WithTimeout(ctx, opts.ConnectTimeout)
	defer cancel()
	probe, err := pgx.ConnectConfig(probeCtx, cfg.ConnConfig.Copy())
	if err != nil {
		return nil, unreachable(cfg.ConnConfig.Host, cfg.ConnConfig.Port, err)
	}
	var versionNum int
	err = probe.QueryRow(probeCtx, "SELECT current_setting('server_version_num')::int").Scan(&versionNum)
	_ = probe.Close(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the database server version: %w", err)
	}
	if versionNum < MinServerVersion {
		return nil, fmt.Errorf("PostgreSQL %s is too old: Deskmate needs PostgreSQL 15 or newer with pgvector 0.8", formatVersion(versionNum))
	}
	cfg.MaxConns = opts.MaxConns
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		err := pgxvec.RegisterTypes(ctx, conn)
		if err != nil && strings.Contains(err.Error(), "vector type not found") {
			// Before the first migration creates the extension.
			return nil
		}
		return err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, unreachable(cfg.ConnConfig.Host, cfg.ConnConfig.Port, err)
	}
	logger.Debug("database pool open", "server_version", formatVersion(versionNum), "max_conns", cfg.MaxConns)
	return &DB{Pool: pool, ServerVersion: versionNum}, nil
}

// Close closes the pool.
func (db *DB) Close() { db.Pool.Close() }

// Version is the server's version for status pages, e.g. "16.14".
func (db *DB) Version() string { return formatVersion(db.ServerVersion) }

func formatVersion(num int) string {
	return fmt.Sprintf("%d.%d", num/10000, num%10000)
}

// Ping checks the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.Pool.QueryRow(ctx, "SELECT 1").Scan(&one)
}

// InTx runs fn in a transaction, committing when it returns nil. fn uses
// only tx, so the work it does commits or rolls back as one.
func (db *DB) InTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db.Pool, fn)
}

func unreachable(host string, port uint16, err error) error {
	addr := net.JoinHostPort(host, fmt.Sprint(port))
	if strings.HasPrefix(host, "/") {
		addr = host
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return fmt.Errorf("database at %s refused the connection: %s (SQLSTATE %s)", addr, pgErr.Message, pgErr.Code)
	}
	cause := err.Error()
	// pgconn wraps the dial error in a long prefix; keep the innermost reason.
	if i := strings.LastIndex(cause, ": "); i >= 0 && strings.Contains(cause, "dial") {
		cause = cause[i+2:]
	}
	return fmt.Errorf("database unreachable at %s: %s", addr, cause)
}
