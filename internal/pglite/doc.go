// Package pglite runs Deskmate's embedded database: PGlite (PostgreSQL 18
// compiled to WASM, with pgvector) behind a small PostgreSQL wire-protocol
// server written for Node.js (node/server.mjs), launched and supervised from
// Go.
//
// It is meant for development, tests and small single-node installs that have
// no PostgreSQL. Production should use a real PostgreSQL with pgvector
// (DATABASE_URL).
//
// # Usage
//
//	srv, err := pglite.Start(ctx, pglite.Options{DataDir: dir, Logger: logger})
//	if err != nil { ... }
//	defer srv.Stop(context.Background())
//	cfg, _ := pgxpool.ParseConfig(srv.URL())
//	cfg.MaxConns = 1
//
// Start needs node (Node.js 20+) on PATH and the npm packages installed in
// internal/pglite/node (`make deps`, i.e. `npm ci` there). FindServerDir
// locates that directory ($DESKMATE_PGLITE_SERVER_DIR overrides it).
//
// # What the server is
//
// `SELECT version()` returns
//
//	PostgreSQL 18.6 (PGlite 0.5.14) on wasm32-unknown-emscripten, compiled by
//	emcc (Emscripten gcc/clang-like replacement + linker emulating GNU ld)
//	6.0.5 (1db513782be24469589d7cb8a1f1834e9a33f271), 32-bit
//
// and the server reports ParameterStatus deskmate_embedded=pglite, so code
// can detect it with conn.PgConn().ParameterStatus("deskmate_embedded") ==
// "pglite" (it is not a setting: SHOW deskmate_embedded fails).
//
// There is exactly one backend (pg_backend_pid() is always 42), so the server
// serves one client session at a time; further connections wait in a FIFO
// queue and get FATAL 53300 after Options.QueueTimeout (default 30 s). Between
// sessions the backend is reset (ROLLBACK, DISCARD ALL): prepared statements,
// SET values, temp tables, advisory locks and LISTEN never leak to the next
// client. The user and database names of the connection are ignored (always
// the superuser postgres, database postgres); there is no password and no
// TLS, and it listens on loopback only by default.
//
// A FATAL inside PGlite kills its only backend: the client receives the
// error, node exits, and the supervisor in this package restarts it on the
// same port and data directory (≈ 0.6 s), so a pool with a fixed URL
// reconnects. After 5 quick failures in a row it stops trying; Stop then
// returns the error.
//
// # Rules for code using it
//
//   - pgxpool MaxConns = 1. Never hold a connection or a transaction and then
//     use the pool in the same flow: it waits for the one session (and times
//     out with 53300). Pass the transaction down instead.
//   - A pool keeps its idle connection, and with it the only session, open.
//     Another process (a CLI next to a running server) waits until it is
//     released; set a short pgxpool MaxConnIdleTime if that matters.
//   - River: PollOnly: true (its listener needs a second connection).
//   - Context cancellation, statement_timeout and pg_cancel_backend do not
//     interrupt a running statement. A cancelled query makes pgx drop its
//     connection; the next connection is served when the statement ends.
//     Keep statements short and index builds off the request path.
//   - Do not set idle_in_transaction_session_timeout or idle_session_timeout:
//     when they fire they end the only backend, which means a restart.
//   - After a restart, the first query on a pooled connection that was open
//     before it fails once (pgx pings connections idle for more than 1 s on
//     acquire); retry.
//   - COPY FROM STDIN (pgx CopyFrom, River InsertManyFast, psql \copy) works
//     in text, CSV and binary format, inside or outside a transaction, but
//     only as a simple-protocol query of its own (as all of those send it);
//     the data is held in the server's memory until CopyDone. COPY TO STDOUT
//     works.
//   - Durability: committed transactions survive a crash or SIGKILL of the
//     node process (WAL is written to the OS at commit), but PGlite runs with
//     fsync off, so an OS crash or power loss can lose recent commits.
//
// # Measured (2-core machine, Node 20, pgx v5.12, file data directory)
//
//   - Start: new data directory (initdb) ≈ 3.4 s; existing ≈ 0.55–0.65 s;
//     after a SIGKILL ≈ 0.65 s. A new data directory is ≈ 39 MB; node RSS
//     ≈ 320 MB idle.
//   - Simple query round trips (pgx Exec "select 1"): ≈ 13–16k/s; prepared
//     (pgx default mode, select $1::int + 1): ≈ 20–23k/s; single-row
//     autocommit INSERT: ≈ 10–15k/s; connect + query + close: ≈ 0.7–1.3 ms.
//   - pgx CopyFrom (binary) of 10k rows (bigint, text, vector(3)):
//     ≈ 0.5–1M rows/s in a warm session; ≈ 110k rows/s for the first one
//     (type lookups included).
//   - River: InsertManyFast of 2,000 jobs ≈ 50–80 ms; 2,500 no-op jobs
//     worked in ≈ 0.6–0.75 s (PollOnly, FetchCooldown 1 ms).
//   - Inside node, PGlite spends ≈ 16 µs on a prepared query passed as four
//     calls (Bind, Describe, Execute, Sync; ≈ 4 µs per call) against ≈ 8 µs
//     batched in one call; the round trip (≈ 45–60 µs) is dominated by the
//     socket and event loop. The server passes one message per call anyway:
//     a FATAL in the middle of a batch makes PGlite loop forever.
//   - Passing messages with PGlite's syncToFs option on costs 30–50% on
//     small queries (e.g. 14k → 10k simple queries/s) and buys nothing with a
//     node filesystem data directory, where syncToFs is a no-op: the server
//     turns it off. Streaming output (execProtocolRawStream) and the plain
//     execProtocolRaw performed within noise of each other; the stream
//     variant avoids PGlite's own parsing of every result.
//   - go test ./internal/pglite/: ≈ 15–20 s (≈ 55 s with -race).
package pglite
