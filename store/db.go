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

// DB is a connection pool plus what Deskmate learned about the server.
type DB struct {
	Pool *pgxpool.Pool
	// Embedded is true on Deskmate's PGlite server: it serves one session at a
	// time, so the pool holds exactly one connection and River polls instead of
	// using LISTEN/NOTIFY.
	Embedded bool
}

// Options tunes Open.
type Options struct {
	// MaxConns is the pool size on PostgreSQL; ignored on PGlite (always 1).
	MaxConns int32
	// ConnectTimeout bounds the first connection; default 15s.
	ConnectTimeout time.Duration
	// Tracer, when set, sees every query (tests and diagnostics).
	Tracer pgx.QueryTracer
	Logger *slog.Logger
}

// Open connects, detects whether the server is Deskmate's embedded PGlite, and
// builds a pool sized for it. pgvector types are registered on every new
// connection once the extension exists (Migrate resets the pool after creating it).
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
	cfg.ConnConfig.ConnectTimeout = opts.ConnectTimeout

	probeCtx, cancel := context.WithTimeout(ctx, opts.ConnectTimeout)
	defer cancel()
	probe, err := pgx.ConnectConfig(probeCtx, cfg.ConnConfig.Copy())
	if err != nil {
		return nil, unreachable(cfg.ConnConfig.Host, cfg.ConnConfig.Port, err)
	}
	embedded := probe.PgConn().ParameterStatus("deskmate_embedded") == "pglite"
	var versionNum int
	_ = probe.QueryRow(probeCtx, "SELECT current_setting('server_version_num')::int").Scan(&versionNum)
	_ = probe.Close(ctx)
	if versionNum != 0 && versionNum < 130000 {
		return nil, fmt.Errorf("PostgreSQL server version %d is too old: Deskmate needs PostgreSQL 13 or newer with pgvector", versionNum)
	}

	if embedded {
		cfg.MaxConns = 1
		// One session serves everything: keep it instead of rotating it.
		cfg.MaxConnLifetime = 24 * time.Hour
		cfg.MaxConnIdleTime = 24 * time.Hour
	} else {
		cfg.MaxConns = opts.MaxConns
	}
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
	logger.Debug("database pool open", "embedded", embedded, "max_conns", cfg.MaxConns)
	return &DB{Pool: pool, Embedded: embedded}, nil
}

// Close closes the pool.
func (db *DB) Close() { db.Pool.Close() }

// Driver names the kind of server for status pages: "pglite" or "postgres".
func (db *DB) Driver() string {
	if db.Embedded {
		return "pglite"
	}
	return "postgres"
}

// Ping checks the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.Pool.QueryRow(ctx, "SELECT 1").Scan(&one)
}

// InTx runs fn in a transaction, committing when it returns nil. fn must use
// only tx: on PGlite the pool has one connection, which tx holds.
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
