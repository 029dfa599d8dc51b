package pglite

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pgvector/pgvector-go"
	"github.com/stretchr/testify/require"
)

// rawClient is a wire-protocol client for checks pgx does not expose.
type rawClient struct {
	conn net.Conn
	fe   *pgproto3.Frontend
}

func dialRaw(t *testing.T, s *testServer) *rawClient {
	t.Helper()
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.Port()), 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	require.NoError(t, c.SetDeadline(time.Now().Add(20*time.Second)))
	return &rawClient{conn: c, fe: pgproto3.NewFrontend(c, c)}
}

// startup sends a StartupMessage and returns the ParameterStatus values once
// ReadyForQuery arrives.
func (r *rawClient) startup(t *testing.T) map[string]string {
	t.Helper()
	r.fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber, Parameters: map[string]string{"user": "postgres", "database": "postgres"}})
	require.NoError(t, r.fe.Flush())
	params := map[string]string{}
	var sawAuth, sawKey bool
	for {
		msg, err := r.fe.Receive()
		require.NoError(t, err)
		switch m := msg.(type) {
		case *pgproto3.AuthenticationOk:
			sawAuth = true
		case *pgproto3.ParameterStatus:
			params[m.Name] = m.Value
		case *pgproto3.BackendKeyData:
			sawKey = true
		case *pgproto3.ReadyForQuery:
			require.True(t, sawAuth, "AuthenticationOk before ReadyForQuery")
			require.True(t, sawKey, "BackendKeyData before ReadyForQuery")
			require.Equal(t, byte('I'), m.TxStatus)
			return params
		case *pgproto3.ErrorResponse:
			t.Fatalf("startup failed: %s %s", m.Code, m.Message)
		default:
			t.Fatalf("unexpected startup message %T", msg)
		}
	}
}

// expectClosed asserts that the server closes the connection promptly.
func expectClosed(t *testing.T, c net.Conn, within time.Duration) {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(within)))
	buf := make([]byte, 4096)
	for {
		_, err := c.Read(buf)
		if err == nil {
			continue
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("connection was not closed by the server within %s", within)
		}
		return // EOF or reset
	}
}

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// One server for the protocol-level, session-reset, reconnect, cancel and
// COPY checks: each subtest leaves the session clean, which is itself what
// the server guarantees between clients.
func TestServer(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	url := s.URL()

	t.Run("StartupAndParameters", func(t *testing.T) {
		r := dialRaw(t, s)
		// SSLRequest is answered with 'N', then a normal startup follows.
		_, err := r.conn.Write([]byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f})
		require.NoError(t, err)
		b := make([]byte, 1)
		_, err = io.ReadFull(r.conn, b)
		require.NoError(t, err)
		require.Equal(t, "N", string(b))
		params := r.startup(t)
		require.Equal(t, "pglite", params["deskmate_embedded"])
		require.Equal(t, "UTF8", params["server_encoding"])
		require.Equal(t, "UTF8", params["client_encoding"])
		require.Equal(t, "ISO, MDY", params["DateStyle"])
		require.Equal(t, "on", params["integer_datetimes"])
		require.Equal(t, "on", params["standard_conforming_strings"])
		require.Equal(t, "UTC", params["TimeZone"])
		require.True(t, strings.HasPrefix(params["server_version"], "18"), "server_version %q", params["server_version"])

		// Terminate closes the connection.
		r.fe.Send(&pgproto3.Terminate{})
		require.NoError(t, r.fe.Flush())
		expectClosed(t, r.conn, 2*time.Second)
	})

	t.Run("PgxSeesEmbeddedMarker", func(t *testing.T) {
		c := connect(t, url)
		require.Equal(t, "pglite", c.PgConn().ParameterStatus("deskmate_embedded"))
		var v string
		require.NoError(t, c.QueryRow(ctxT(t, 10*time.Second), "select version()").Scan(&v))
		require.Contains(t, v, "PGlite")
		require.Contains(t, v, "PostgreSQL 18")
	})

	t.Run("StartupParametersApplyToOneSessionOnly", func(t *testing.T) {
		ctx := ctxT(t, 20*time.Second)
		c := connect(t, url+"&application_name=deskmate-test&options=-c%20work_mem%3D8MB")
		require.Equal(t, "deskmate-test", c.PgConn().ParameterStatus("application_name"))
		var app, workMem string
		require.NoError(t, c.QueryRow(ctx, "select current_setting('application_name'), current_setting('work_mem')").Scan(&app, &workMem))
		require.Equal(t, "deskmate-test", app)
		require.Equal(t, "8MB", workMem)
		require.NoError(t, c.Close(ctx))

		_, err := pgx.Connect(ctx, url+"&no_such_setting=1")
		require.Error(t, err)
		require.Equal(t, "42704", pgCode(err), "err: %v", err)

		// A client asking for protocol 3.2 is negotiated down to 3.0.
		c32 := connect(t, url+"&max_protocol_version=3.2")
		_, err = c32.Exec(ctx, "select 1")
		require.NoError(t, err)
		require.NoError(t, c32.Close(ctx))

		c2 := connect(t, url)
		require.NoError(t, c2.QueryRow(ctx, "select current_setting('application_name'), current_setting('work_mem')").Scan(&app, &workMem))
		require.Equal(t, "", app)
		require.Equal(t, "4MB", workMem)
	})

	t.Run("CancelRequestClosedAtOnce", func(t *testing.T) {
		holder := connect(t, url) // the session slot is taken
		_ = holder
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", s.Port()))
		require.NoError(t, err)
		defer c.Close()
		pkt := make([]byte, 16)
		binary.BigEndian.PutUint32(pkt[0:], 16)
		binary.BigEndian.PutUint32(pkt[4:], 80877102)
		binary.BigEndian.PutUint32(pkt[8:], 1)
		binary.BigEndian.PutUint32(pkt[12:], 2)
		_, err = c.Write(pkt)
		require.NoError(t, err)
		expectClosed(t, c, time.Second)
	})

	t.Run("ProtocolViolationClosesWithoutKillingServer", func(t *testing.T) {
		r := dialRaw(t, s)
		r.startup(t)
		// Unknown message type '!' with a bogus length.
		_, err := r.conn.Write([]byte{'!', 0, 0, 0, 4})
		require.NoError(t, err)
		msg, err := r.fe.Receive()
		require.NoError(t, err)
		e, ok := msg.(*pgproto3.ErrorResponse)
		require.True(t, ok, "got %T", msg)
		require.Equal(t, "FATAL", e.Severity)
		require.Equal(t, "08P01", e.Code)
		expectClosed(t, r.conn, 2*time.Second)

		// Invalid length for a known type.
		r2 := dialRaw(t, s)
		r2.startup(t)
		_, err = r2.conn.Write([]byte{'Q', 0, 0, 0, 2})
		require.NoError(t, err)
		msg, err = r2.fe.Receive()
		require.NoError(t, err)
		e, ok = msg.(*pgproto3.ErrorResponse)
		require.True(t, ok, "got %T", msg)
		require.Equal(t, "08P01", e.Code)
		expectClosed(t, r2.conn, 2*time.Second)

		c := connect(t, url)
		_, err = c.Exec(ctxT(t, 10*time.Second), "select 1")
		require.NoError(t, err, "server must keep serving after a protocol violation")
		require.Equal(t, 0, s.Restarts())
	})

	t.Run("ReconnectManyTimes", func(t *testing.T) {
		// The lifetime must stay well above the time a connection takes to
		// open under load: pgxpool gives up when every connection it gets
		// has already expired (twice in a row with one connection).
		pool := newPool(t, url, func(c *pgxpool.Config) {
			c.MaxConnLifetime = 50 * time.Millisecond
			c.MaxConnLifetimeJitter = 0
		})
		ctx := ctxT(t, 60*time.Second)
		failures := 0
		var lastErr error
		const n = 300
		for i := range n {
			var got int
			if err := pool.QueryRow(ctx, "select $1::int", i).Scan(&got); err != nil || got != i {
				failures++
				lastErr = err
			}
			if i%4 == 0 {
				time.Sleep(55 * time.Millisecond) // let the connection expire
			}
		}
		require.Zerof(t, failures, "%d of %d queries failed; last error: %v", failures, n, lastErr)
		require.Greater(t, pool.Stat().NewConnsCount(), int64(50), "the pool should have reconnected many times")
		pool.Close() // its last connection would hold the one session

		for i := range 50 {
			c, err := pgx.Connect(ctx, url)
			require.NoErrorf(t, err, "connect %d", i)
			_, err = c.Exec(ctx, "select 1")
			require.NoError(t, err)
			require.NoError(t, c.Close(ctx))
		}
	})

	t.Run("CancelledQueryThenPoolKeepsWorking", func(t *testing.T) {
		pool := newPool(t, url)
		ctx := ctxT(t, 60*time.Second)
		_, err := pool.Exec(ctx, "select 1")
		require.NoError(t, err)

		qctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		_, err = pool.Exec(qctx, "select pg_sleep(0.5)")
		cancel()
		require.Error(t, err, "the query should fail on its context deadline")

		start := time.Now()
		for i := range 20 {
			var got int
			require.NoErrorf(t, pool.QueryRow(ctx, "select $1::int", i).Scan(&got), "query %d after the cancelled one", i)
			require.Equal(t, i, got)
		}
		t.Logf("20 queries after a cancelled pg_sleep(0.5) took %s", time.Since(start))
	})

	t.Run("SuccessivePoolsDoNotSeeOldPreparedStatements", func(t *testing.T) {
		ctx := ctxT(t, 30*time.Second)
		run := func() {
			cfg, err := pgxpool.ParseConfig(url)
			require.NoError(t, err)
			cfg.MaxConns = 1
			pool, err := pgxpool.NewWithConfig(ctx, cfg)
			require.NoError(t, err)
			defer pool.Close()
			for i := range 5 {
				var s string
				require.NoError(t, pool.QueryRow(ctx, "select $1::text || 'x'", fmt.Sprint(i)).Scan(&s))
				var n int
				require.NoError(t, pool.QueryRow(ctx, "select count(*) from pg_class where relname = $1", "pg_class").Scan(&n))
			}
		}
		run()
		run()
		// A client that vanishes without Terminate (a killed process).
		c, err := pgx.Connect(ctx, url)
		require.NoError(t, err)
		var x int
		require.NoError(t, c.QueryRow(ctx, "select $1::int", 1).Scan(&x))
		require.NoError(t, c.PgConn().Conn().Close())
		run()
	})

	t.Run("SessionStateDoesNotLeak", func(t *testing.T) {
		ctx := ctxT(t, 30*time.Second)
		setup := connect(t, url)
		_, err := setup.Exec(ctx, "create table if not exists leak_check (id int)")
		require.NoError(t, err)
		require.NoError(t, setup.Close(ctx))

		c1, err := pgx.Connect(ctx, url)
		require.NoError(t, err)
		for _, q := range []string{
			"set work_mem = '7MB'",
			"set application_name = 'leaky'",
			"create temp table leak_tmp (id int)",
			"select pg_advisory_lock(4242)",
			"listen leak_channel",
			"prepare leak_stmt as select 1",
			"begin",
			"insert into leak_check values (1)",
		} {
			_, err := c1.Exec(ctx, q)
			require.NoError(t, err, q)
		}
		// Vanish in the middle of the transaction, without Terminate.
		require.NoError(t, c1.PgConn().Conn().Close())

		c2 := connect(t, url)
		var workMem, appName string
		var tmp *string
		var advisory, listening, prepared, rows int
		require.NoError(t, c2.QueryRow(ctx, "select current_setting('work_mem'), current_setting('application_name'), to_regclass('leak_tmp')::text", pgx.QueryExecModeSimpleProtocol).Scan(&workMem, &appName, &tmp))
		require.Equal(t, "4MB", workMem)
		require.Equal(t, "", appName)
		require.Nil(t, tmp, "temp table leaked")
		require.NoError(t, c2.QueryRow(ctx, "select count(*) from pg_locks where locktype = 'advisory'", pgx.QueryExecModeSimpleProtocol).Scan(&advisory))
		require.Zero(t, advisory, "advisory lock leaked")
		require.NoError(t, c2.QueryRow(ctx, "select count(*) from pg_listening_channels()", pgx.QueryExecModeSimpleProtocol).Scan(&listening))
		require.Zero(t, listening, "LISTEN leaked")
		require.NoError(t, c2.QueryRow(ctx, "select count(*) from pg_prepared_statements where name = 'leak_stmt' or name like 'stmtcache_%'", pgx.QueryExecModeSimpleProtocol).Scan(&prepared))
		require.Zero(t, prepared, "prepared statements leaked")
		require.NoError(t, c2.QueryRow(ctx, "select count(*) from leak_check", pgx.QueryExecModeSimpleProtocol).Scan(&rows))
		require.Zero(t, rows, "uncommitted insert leaked")
		require.Equal(t, byte('I'), c2.PgConn().TxStatus())
	})

	t.Run("HalfDoneExtendedProtocolIsReset", func(t *testing.T) {
		ctx := ctxT(t, 30*time.Second)
		setup := connect(t, url)
		_, err := setup.Exec(ctx, "create table if not exists ext_check (id int)")
		require.NoError(t, err)
		require.NoError(t, setup.Close(ctx))

		// Parse/Bind/Execute without Sync, then vanish: the insert must not be committed.
		r := dialRaw(t, s)
		r.startup(t)
		r.fe.Send(&pgproto3.Parse{Query: "insert into ext_check values (1)"})
		r.fe.Send(&pgproto3.Bind{})
		r.fe.Send(&pgproto3.Execute{})
		r.fe.Send(&pgproto3.Flush{})
		require.NoError(t, r.fe.Flush())
		for {
			msg, err := r.fe.Receive()
			require.NoError(t, err)
			if _, ok := msg.(*pgproto3.CommandComplete); ok {
				break
			}
		}
		r.conn.Close()

		// An error in the extended protocol (skip-until-Sync state), then vanish.
		r2 := dialRaw(t, s)
		r2.startup(t)
		r2.fe.Send(&pgproto3.Parse{Query: "select 1/0"})
		r2.fe.Send(&pgproto3.Bind{})
		r2.fe.Send(&pgproto3.Execute{})
		r2.fe.Send(&pgproto3.Flush{})
		require.NoError(t, r2.fe.Flush())
		for {
			msg, err := r2.fe.Receive()
			require.NoError(t, err)
			if _, ok := msg.(*pgproto3.ErrorResponse); ok {
				break
			}
		}
		r2.conn.Close()

		c := connect(t, url)
		var n int
		require.NoError(t, c.QueryRow(ctx, "select count(*) from ext_check").Scan(&n))
		require.Zero(t, n, "an un-synced extended-protocol insert must be rolled back")
		require.Equal(t, byte('I'), c.PgConn().TxStatus())
	})

	t.Run("ConcurrentClientsAreSerialised", func(t *testing.T) {
		ctx := ctxT(t, 60*time.Second)
		setup := connect(t, url)
		_, err := setup.Exec(ctx, "create table serial_check (worker int, i int, primary key (worker, i))")
		require.NoError(t, err)
		require.NoError(t, setup.Close(ctx))

		const workers, iterations = 4, 50
		errs := make(chan error, workers)
		for w := range workers {
			go func() {
				errs <- func() error {
					for i := range iterations {
						c, err := pgx.Connect(ctx, url)
						if err != nil {
							return err
						}
						err = pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
							if _, err := tx.Exec(ctx, "insert into serial_check values ($1, $2)", w, i); err != nil {
								return err
							}
							var n int
							return tx.QueryRow(ctx, "select count(*) from serial_check where worker = $1", w).Scan(&n)
						})
						c.Close(ctx)
						if err != nil {
							return fmt.Errorf("worker %d iteration %d: %w", w, i, err)
						}
					}
					return nil
				}()
			}()
		}
		for range workers {
			require.NoError(t, <-errs)
		}
		c := connect(t, url)
		var n int
		require.NoError(t, c.QueryRow(ctx, "select count(*) from serial_check").Scan(&n))
		require.Equal(t, workers*iterations, n, "no lost rows")
	})

	t.Run("Copy", func(t *testing.T) { testCopy(t, url) })

	t.Run("NoRestartsHappened", func(t *testing.T) {
		require.Equal(t, 0, s.Restarts(), "no test above should have crashed the backend")
	})
}

func testCopy(t *testing.T, url string) {
	ctx := ctxT(t, 60*time.Second)
	pool := newPool(t, url)
	_, err := pool.Exec(ctx, `create table items (id bigint primary key, name text not null, embedding vector(3))`)
	require.NoError(t, err)

	rows := func(from, n int) [][]any {
		out := make([][]any, n)
		for i := range out {
			id := from + i
			out[i] = []any{int64(id), fmt.Sprintf("item %d", id), pgvector.NewVector([]float32{float32(id), 0.5, -1})}
		}
		return out
	}
	count := func(t *testing.T, q querier) int {
		var n int
		require.NoError(t, q.QueryRow(ctx, "select count(*) from items").Scan(&n))
		return n
	}
	cols := []string{"id", "name", "embedding"}

	t.Run("BinaryOutsideTransaction", func(t *testing.T) {
		start := time.Now()
		n, err := pool.CopyFrom(ctx, pgx.Identifier{"items"}, cols, pgx.CopyFromRows(rows(0, 10000)))
		require.NoError(t, err)
		require.EqualValues(t, 10000, n)
		t.Logf("COPY 10000 rows (binary, with vector(3)): %s (%.0f rows/s)", time.Since(start), 10000/time.Since(start).Seconds())
		require.Equal(t, 10000, count(t, pool))
		var v pgvector.Vector
		require.NoError(t, pool.QueryRow(ctx, "select embedding from items where id = 1234").Scan(&v))
		require.Equal(t, []float32{1234, 0.5, -1}, v.Slice())
	})

	t.Run("BinaryInsideTransaction", func(t *testing.T) {
		tx, err := pool.Begin(ctx)
		require.NoError(t, err)
		n, err := tx.CopyFrom(ctx, pgx.Identifier{"items"}, cols, pgx.CopyFromRows(rows(10000, 5000)))
		require.NoError(t, err)
		require.EqualValues(t, 5000, n)
		require.Equal(t, 15000, count(t, tx))
		require.NoError(t, tx.Rollback(ctx))
		require.Equal(t, 10000, count(t, pool))

		tx, err = pool.Begin(ctx)
		require.NoError(t, err)
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"items"}, cols, pgx.CopyFromRows(rows(10000, 5000)))
		require.NoError(t, err)
		require.NoError(t, tx.Commit(ctx))
		require.Equal(t, 15000, count(t, pool))
	})

	t.Run("FailingCopyLeavesSessionUsable", func(t *testing.T) {
		// Duplicate keys: constraint violation.
		_, err := pool.CopyFrom(ctx, pgx.Identifier{"items"}, cols, pgx.CopyFromRows(rows(14990, 20)))
		require.Error(t, err)
		require.Equal(t, "23505", pgCode(err), "err: %v", err)
		require.Equal(t, 15000, count(t, pool))

		// Inside a transaction the failure aborts the transaction, as in PostgreSQL.
		tx, err := pool.Begin(ctx)
		require.NoError(t, err)
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"items"}, cols, pgx.CopyFromRows(rows(0, 1)))
		require.Equal(t, "23505", pgCode(err), "err: %v", err)
		_, err = tx.Exec(ctx, "select 1")
		require.Equal(t, "25P02", pgCode(err), "err: %v", err)
		require.NoError(t, tx.Rollback(ctx))

		// Unknown table.
		_, err = pool.CopyFrom(ctx, pgx.Identifier{"no_such_table"}, cols, pgx.CopyFromRows(rows(0, 1)))
		require.Error(t, err)

		var one int
		require.NoError(t, pool.QueryRow(ctx, "select 1").Scan(&one))
		require.Equal(t, 15000, count(t, pool))
	})

	t.Run("TextCSVAndCopyFail", func(t *testing.T) {
		conn, err := pool.Acquire(ctx)
		require.NoError(t, err)
		defer conn.Release()
		pg := conn.Conn().PgConn()

		tag, err := pg.CopyFrom(ctx, strings.NewReader("20000\tfrom text\t[1,2,3]\n20001\tnull vector\t\\N\n"), "COPY items (id, name, embedding) FROM STDIN")
		require.NoError(t, err)
		require.Equal(t, "COPY 2", tag.String())

		tag, err = pg.CopyFrom(ctx, strings.NewReader("id,name,embedding\n20002,\"from, csv\",\"[4,5,6]\"\n"), "copy items from stdin with (format csv, header true)")
		require.NoError(t, err)
		require.EqualValues(t, 1, tag.RowsAffected())

		// psql-style legacy syntax, no column list (column count from the catalog).
		tag, err = pg.CopyFrom(ctx, strings.NewReader("20003,legacy,\n"), "/* comment */ COPY public.items FROM stdin CSV")
		require.NoError(t, err)
		require.EqualValues(t, 1, tag.RowsAffected())

		// Bad data: an error, then the session goes on.
		_, err = pg.CopyFrom(ctx, strings.NewReader("not a number\tx\t\\N\n"), "COPY items (id, name, embedding) FROM STDIN")
		require.Equal(t, "22P02", pgCode(err), "err: %v", err)

		// The client aborts the copy (CopyFail).
		_, err = pg.CopyFrom(ctx, io.MultiReader(strings.NewReader("20010\tx\t\\N\n"), errReader{}), "COPY items (id, name, embedding) FROM STDIN")
		require.Error(t, err)
		require.Equal(t, "57014", pgCode(err), "err: %v", err)

		var name string
		require.NoError(t, conn.QueryRow(ctx, "select name from items where id = 20002").Scan(&name))
		require.Equal(t, "from, csv", name)
		require.Equal(t, 15004, count(t, conn))
	})

	t.Run("CopyToStdout", func(t *testing.T) {
		conn, err := pool.Acquire(ctx)
		require.NoError(t, err)
		defer conn.Release()
		var buf bytes.Buffer
		tag, err := conn.Conn().PgConn().CopyTo(ctx, &buf, "COPY (select id, embedding from items where id < 3 order by id) TO STDOUT")
		require.NoError(t, err)
		require.Equal(t, "COPY 3", tag.String())
		require.Equal(t, "0\t[0,0.5,-1]\n1\t[1,0.5,-1]\n2\t[2,0.5,-1]\n", buf.String())
	})

	t.Run("UnsupportedCopyFormsFailCleanly", func(t *testing.T) {
		conn, err := pool.Acquire(ctx)
		require.NoError(t, err)
		defer conn.Release()
		pg := conn.Conn().PgConn()
		// COPY FROM STDIN through the extended protocol.
		_, err = pg.ExecParams(ctx, "COPY items FROM STDIN", nil, nil, nil, nil).Close()
		require.Equal(t, "0A000", pgCode(err), "err: %v", err)
		// COPY FROM STDIN inside a multi-statement query.
		_, err = pg.Exec(ctx, "select 1; copy items from stdin").ReadAll()
		require.Equal(t, "0A000", pgCode(err), "err: %v", err)
		var one int
		require.NoError(t, conn.QueryRow(ctx, "select 1").Scan(&one))
	})
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("client gave up") }

func TestQueue(t *testing.T) {
	t.Parallel()
	s := startServer(t, func(o *Options) { o.QueueTimeout = 1500 * time.Millisecond })
	url := s.URL()

	t.Run("SecondClientServedAfterFirst", func(t *testing.T) {
		ctx := ctxT(t, 20*time.Second)
		c1 := connect(t, url)
		_, err := c1.Exec(ctx, "create table queue_check (id int)")
		require.NoError(t, err)

		var connected atomic.Bool
		done := make(chan error, 1)
		go func() {
			c2, err := pgx.Connect(ctx, url)
			if err != nil {
				done <- err
				return
			}
			connected.Store(true)
			var n int
			err = c2.QueryRow(ctx, "select count(*) from queue_check").Scan(&n)
			c2.Close(ctx)
			done <- err
		}()
		time.Sleep(400 * time.Millisecond)
		require.False(t, connected.Load(), "the second client must wait while the first holds the session")
		_, err = c1.Exec(ctx, "insert into queue_check values (1)")
		require.NoError(t, err, "the first client keeps working while another waits")
		require.NoError(t, c1.Close(ctx))
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(5 * time.Second):
			t.Fatal("the queued client was not served after the first disconnected")
		}
	})

	t.Run("QueuedClientThatLeavesIsDropped", func(t *testing.T) {
		ctx := ctxT(t, 20*time.Second)
		c1 := connect(t, url)
		short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		_, err := pgx.Connect(short, url)
		cancel()
		require.Error(t, err)
		require.NoError(t, c1.Close(ctx))
		start := time.Now()
		c3 := connect(t, url)
		require.Less(t, time.Since(start), time.Second)
		_, err = c3.Exec(ctx, "select 1")
		require.NoError(t, err)
	})

	t.Run("QueueTimeout", func(t *testing.T) {
		ctx := ctxT(t, 20*time.Second)
		c1 := connect(t, url)
		start := time.Now()
		_, err := pgx.Connect(ctx, url)
		require.Error(t, err)
		require.Equal(t, "53300", pgCode(err), "err: %v", err)
		require.Contains(t, err.Error(), "one session at a time")
		require.GreaterOrEqual(t, time.Since(start), 1400*time.Millisecond)
		_, err = c1.Exec(ctx, "select 1")
		require.NoError(t, err)
	})
}

func TestPersistenceCrashAndRestart(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir() + "/data"
	tmpl := templateDir(t)
	ctx := ctxT(t, 120*time.Second)

	s1 := startServerWith(t, Options{DataDir: dataDir, TemplateDir: tmpl})
	c := connect(t, s1.URL())
	_, err := c.Exec(ctx, "create table persist (id int primary key, note text)")
	require.NoError(t, err)
	_, err = c.Exec(ctx, "insert into persist values (1, 'before stop')")
	require.NoError(t, err)
	require.NoError(t, c.Close(ctx))
	port := s1.Port()
	stopAndCheck(t, s1.Server)
	require.NoError(t, s1.Stop(ctx), "Stop is idempotent")

	// Same data dir, same port: the data is there.
	s2 := startServerWith(t, Options{DataDir: dataDir, TemplateDir: tmpl, Port: port})
	require.Equal(t, port, s2.Port())
	pool := newPool(t, s2.URL())
	var n int
	require.NoError(t, pool.QueryRow(ctx, "select count(*) from persist").Scan(&n))
	require.Equal(t, 1, n, "committed data must survive Stop/Start")

	// Committed just before a SIGKILL: survives, and the supervisor restarts node.
	_, err = pool.Exec(ctx, "insert into persist values (2, 'before kill')")
	require.NoError(t, err)
	oldPid := s2.pid()
	require.NoError(t, killPid(oldPid))
	waitFor(t, 30*time.Second, "the supervisor to restart node", func() bool { return s2.Restarts() == 1 })
	require.NotEqual(t, oldPid, s2.pid())
	requireProcessGone(t, oldPid)

	// The pool (fixed URL) recovers.
	require.Equal(t, 2, countWithRetry(t, pool, "select count(*) from persist"), "data committed before SIGKILL must survive")

	// A FATAL inside PGlite (here the idle-in-transaction timeout, which makes
	// PGlite re-emit errors in a loop): the client gets the FATAL, node exits
	// non-zero and is restarted.
	// (The pool holds the only session, so the check uses its connection.)
	c2, err := pool.Acquire(ctx)
	require.NoError(t, err)
	_, err = c2.Exec(ctx, "set idle_in_transaction_session_timeout = 100")
	require.NoError(t, err)
	_, err = c2.Exec(ctx, "begin")
	require.NoError(t, err)
	time.Sleep(300 * time.Millisecond)
	_, err = c2.Exec(ctx, "select 1")
	c2.Release()
	require.Error(t, err)
	require.Equal(t, "25P03", pgCode(err), "the client should receive the backend's FATAL: %v", err)
	waitFor(t, 30*time.Second, "the restart after a FATAL", func() bool { return s2.Restarts() == 2 })
	require.Equal(t, 2, countWithRetry(t, pool, "select count(*) from persist"))

	// Stdin EOF (the launching process died): node exits; the supervisor restarts it.
	s2.mu.Lock()
	p := s2.proc
	s2.mu.Unlock()
	require.NoError(t, p.stdin.Close())
	select {
	case <-p.done:
		require.NoError(t, p.waitErr, "node should exit cleanly on stdin EOF")
	case <-time.After(15 * time.Second):
		t.Fatal("node did not exit after its stdin was closed")
	}
	waitFor(t, 30*time.Second, "the third restart", func() bool { return s2.Restarts() == 3 })
	require.Equal(t, 2, countWithRetry(t, pool, "select count(*) from persist"))
}

// countWithRetry runs a count query until it succeeds: right after a server
// restart, a pooled connection's first use fails once.
func countWithRetry(t *testing.T, pool *pgxpool.Pool, q string) int {
	t.Helper()
	ctx := ctxT(t, 20*time.Second)
	var n int
	var err error
	for range 100 {
		if err = pool.QueryRow(ctx, q).Scan(&n); err == nil {
			return n
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the pool did not recover after a restart: %v", err)
	return 0
}

func TestTemplateDir(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := connect(t, s.URL())
	var ext string
	require.NoError(t, c.QueryRow(ctxT(t, 10*time.Second), "select extname from pg_extension where extname = 'vector'").Scan(&ext))
	require.Equal(t, "vector", ext, "the template's extension should be in the copied data dir")

	// A non-empty data dir is not overwritten by the template.
	_, err := c.Exec(ctxT(t, 10*time.Second), "create table mine (id int)")
	require.NoError(t, err)
	require.NoError(t, c.Close(context.Background()))
	dir := s.opts.DataDir

	// A second server on the same data directory is refused.
	_, err = Start(ctxT(t, 30*time.Second), Options{DataDir: dir})
	require.ErrorContains(t, err, "in use by another embedded database server")

	stopAndCheck(t, s.Server)
	s2 := startServerWith(t, Options{DataDir: dir, TemplateDir: templateDir(t)})
	c2 := connect(t, s2.URL())
	var reg *string
	require.NoError(t, c2.QueryRow(ctxT(t, 10*time.Second), "select to_regclass('mine')::text").Scan(&reg))
	require.NotNil(t, reg)
}

func killPid(pid int) error {
	return syscall.Kill(pid, syscall.SIGKILL)
}
