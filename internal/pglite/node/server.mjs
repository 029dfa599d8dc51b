#!/usr/bin/env node
// Deskmate embedded database server.
//
// A small PostgreSQL wire-protocol (v3) server around PGlite (Postgres 18 in
// WASM) with the pgvector extension. PGlite runs exactly one backend, so this
// server serves exactly one client session at a time:
//
//   * SSLRequest / GSSENCRequest are answered with 'N'; the StartupMessage is
//     answered here (AuthenticationOk, ParameterStatus, BackendKeyData,
//     ReadyForQuery). There is no password authentication: bind to loopback.
//   * CancelRequest connections are closed at once (PGlite cannot interrupt a
//     running statement) and never take the session slot.
//   * Further clients wait in a FIFO queue; after --queue-timeout-ms they get
//     FATAL 53300 and are closed. A queued client that disconnects is dropped.
//   * When a session ends, the backend is reset (ROLLBACK, Sync, ROLLBACK,
//     DISCARD ALL) before the next client gets it, so prepared statements,
//     SET values, temp tables, advisory locks and LISTEN never leak.
//   * COPY ... FROM STDIN is handled here: CopyInResponse is sent by this
//     server, CopyData is collected until CopyDone, and the same COPY is run
//     against PGlite reading from its /dev/blob device, inside the client's
//     session and transaction. COPY ... TO STDOUT is passed through.
//   * Every frontend message is validated (type and length) before it reaches
//     PGlite and is passed on one message per call. A protocol violation is
//     answered here with FATAL 08P01 and the connection is closed.
//   * A FATAL/PANIC from PGlite, or an exception from the WASM call, leaves
//     its single backend dead: the error is forwarded to the client and the
//     process exits with status 3 so that its supervisor restarts it.
//   * SIGTERM / SIGINT / EOF on stdin: stop accepting, close clients, close
//     PGlite (flushes the data directory) and exit 0.
//
// When listening it prints one JSON line on stdout:
//   {"event":"ready","host":"127.0.0.1","port":54321,"pid":123}
// Everything else is logged on stderr as "LEVEL: message" lines.
//
// Throughput notes (2-core machine, node 20, file data dir, pgx v5 client):
// messages are passed to PGlite with execProtocolRawStream one frontend
// message per call, with syncToFs disabled. For a node filesystem data dir
// PGlite's syncToFs is a no-op (its NODEFS writes every page straight to the
// OS with fs.writeSync), so syncing per message buys no durability; it only
// costs an async mutex round per message: with it on, pgx "select 1" round
// trips fell from ≈ 14k/s to ≈ 10k/s and single-row INSERTs from ≈ 13k/s to
// ≈ 7k/s. Committed transactions survive a SIGKILL of this process either way
// (WAL is written at commit; fsync is off inside PGlite, so an OS crash or
// power loss is not covered). One message per call costs ≈ 4 µs per call
// over batching, but a FATAL in the middle of a batch makes PGlite re-run its
// main loop forever. More numbers are in internal/pglite/doc.go.
//
// The data directory is locked with deskmate-pglite.lock (pid inside) while
// the server runs. --no-stdin-watch disables the exit on stdin EOF, for
// running the server by hand with stdin redirected from /dev/null.

import net from 'node:net'
import fs from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { vector } from '@electric-sql/pglite-pgvector'

// ---------------------------------------------------------------------------
// Configuration

const SYNC_TO_FS = false

const PROTOCOL_V3 = 196608 // 3.0
const SSL_REQUEST = 80877103
const GSSENC_REQUEST = 80877104
const CANCEL_REQUEST = 80877102
const MAX_STARTUP_PACKET = 10000
const STARTUP_TIMEOUT_MS = 60000
const MAX_QUEUE_LENGTH = 1000
const MAX_QUEUED_BYTES = 16 * 1024 * 1024
const LARGE_MESSAGE_LIMIT = 0x3fffffff
const SMALL_MESSAGE_LIMIT = 10000
const BACKEND_DEAD_EXIT = 3

function usage(msg) {
  if (msg) process.stderr.write(`error: ${msg}\n`)
  process.stderr.write(
    'usage: node server.mjs --data DIR [--host 127.0.0.1] [--port 0] [--queue-timeout-ms 30000] [--no-stdin-watch]\n',
  )
  process.exit(2)
}

function parseArgs(argv) {
  const opts = { data: '', host: '127.0.0.1', port: 0, queueTimeoutMs: 30000, stdinWatch: true }
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]
    let value
    const eq = arg.indexOf('=')
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1)
      arg = arg.slice(0, eq)
    }
    const next = () => {
      if (value !== undefined) return value
      if (i + 1 >= argv.length) usage(`${arg} needs a value`)
      return argv[++i]
    }
    switch (arg) {
      case '--data':
        opts.data = next()
        break
      case '--host':
        opts.host = next()
        break
      case '--port': {
        const v = next()
        opts.port = Number(v)
        if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) usage(`invalid --port ${v}`)
        break
      }
      case '--queue-timeout-ms': {
        const v = next()
        opts.queueTimeoutMs = Number(v)
        if (!Number.isFinite(opts.queueTimeoutMs) || opts.queueTimeoutMs < 0) usage(`invalid --queue-timeout-ms ${v}`)
        break
      }
      case '--no-stdin-watch':
        opts.stdinWatch = false
        break
      case '-h':
      case '--help':
        usage()
        break
      default:
        usage(`unknown argument ${arg}`)
    }
  }
  if (!opts.data) usage('--data DIR is required')
  return opts
}

// ---------------------------------------------------------------------------
// Logging (stderr only; stdout carries the single ready line)

function log(level, msg) {
  try {
    process.stderr.write(`${level}: ${msg}\n`)
  } catch {
    // stderr gone: nothing useful left to do
  }
}

// ---------------------------------------------------------------------------
// Protocol helpers

function message(type, body) {
  const b = Buffer.allocUnsafe(5 + body.length)
  b[0] = type.charCodeAt(0)
  b.writeInt32BE(4 + body.length, 1)
  body.copy(b, 5)
  return b
}

function cstr(s) {
  return Buffer.from(s + '\0', 'utf8')
}

function queryMessage(sql) {
  return message('Q', cstr(sql))
}

const SYNC_MESSAGE = message('S', Buffer.alloc(0))

function errorResponse(severity, code, msg, extra = {}) {
  const parts = [
    Buffer.from('S'),
    cstr(severity),
    Buffer.from('V'),
    cstr(severity),
    Buffer.from('C'),
    cstr(code),
    Buffer.from('M'),
    cstr(msg),
  ]
  if (extra.detail) parts.push(Buffer.from('D'), cstr(extra.detail))
  if (extra.hint) parts.push(Buffer.from('H'), cstr(extra.hint))
  parts.push(Buffer.from([0]))
  return message('E', Buffer.concat(parts))
}

function readyForQuery(status) {
  return message('Z', Buffer.from(status))
}

function parameterStatus(name, value) {
  return message('S', Buffer.concat([cstr(name), cstr(value)]))
}

function parseErrorFields(body) {
  const fields = {}
  let i = 0
  while (i < body.length && body[i] !== 0) {
    const code = String.fromCharCode(body[i])
    const end = body.indexOf(0, i + 1)
    if (end < 0) break
    fields[code] = body.toString('utf8', i + 1, end)
    i = end + 1
  }
  return fields
}

function sqlLiteral(s) {
  return `'${String(s).replace(/'/g, "''")}'`
}

// Scans the backend's output stream: keeps the last ReadyForQuery status,
// errors, FATAL/PANIC errors, and whether the backend entered a copy-in mode
// (which must never happen: this server handles COPY FROM STDIN itself).
class OutputScanner {
  constructor(capture = false) {
    this.header = Buffer.alloc(5)
    this.headerLen = 0
    this.type = 0
    this.remaining = -1
    this.body = null
    this.bodyLen = 0
    this.capture = capture
    this.messages = capture ? [] : null
    this.status = null
    this.errors = []
    this.fatal = null
    this.fatalCount = 0
    this.copyIn = false
  }

  feed(chunk) {
    let i = 0
    while (i < chunk.length) {
      if (this.remaining < 0) {
        const take = Math.min(5 - this.headerLen, chunk.length - i)
        chunk.copy(this.header, this.headerLen, i, i + take)
        this.headerLen += take
        i += take
        if (this.headerLen < 5) break
        this.headerLen = 0
        this.type = this.header[0]
        const len = this.header.readInt32BE(1)
        this.remaining = Math.max(0, len - 4)
        const keep = this.capture || this.type === 0x45 /* E */ || this.type === 0x5a /* Z */
        this.body = keep ? Buffer.allocUnsafe(this.remaining) : null
        this.bodyLen = 0
        if (this.remaining === 0) this.#finish()
        continue
      }
      const take = Math.min(this.remaining, chunk.length - i)
      if (this.body) chunk.copy(this.body, this.bodyLen, i, i + take)
      this.bodyLen += take
      this.remaining -= take
      i += take
      if (this.remaining === 0) this.#finish()
    }
  }

  #finish() {
    const type = String.fromCharCode(this.type)
    const body = this.body ?? Buffer.alloc(0)
    if (type === 'Z') {
      this.status = String.fromCharCode(body[0])
    } else if (type === 'E') {
      const f = parseErrorFields(body)
      this.errors.push(f)
      const sev = f.V ?? f.S
      if (sev === 'FATAL' || sev === 'PANIC') {
        this.fatalCount++
        if (!this.fatal) this.fatal = f
      }
    } else if (type === 'G' || type === 'W') {
      this.copyIn = true
    }
    if (this.capture) this.messages.push({ type, body })
    this.remaining = -1
    this.body = null
  }
}

function dataRowValues(body) {
  const n = body.readInt16BE(0)
  const out = []
  let off = 2
  for (let i = 0; i < n; i++) {
    const len = body.readInt32BE(off)
    off += 4
    if (len < 0) {
      out.push(null)
    } else {
      out.push(body.toString('utf8', off, off + len))
      off += len
    }
  }
  return out
}

class BackendDeadError extends Error {}
class ProtocolViolation extends Error {}

// ---------------------------------------------------------------------------
// SQL lexing, enough to find COPY statements reliably (quotes, dollar quotes,
// comments) and to rewrite "FROM STDIN" into "FROM '/dev/blob'".

function lexSQL(sql) {
  const toks = []
  const n = sql.length
  let i = 0
  const isIdentStart = (c) => /[A-Za-z_\u0080-\uffff]/.test(c)
  const isIdentPart = (c) => /[A-Za-z0-9_$\u0080-\uffff]/.test(c)
  const readQuoted = (start, q, backslash) => {
    let j = start + 1
    while (j < n) {
      const c = sql[j]
      if (backslash && c === '\\') {
        j += 2
        continue
      }
      if (c === q) {
        if (sql[j + 1] === q) {
          j += 2
          continue
        }
        return j + 1
      }
      j++
    }
    return n
  }
  while (i < n) {
    const c = sql[i]
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      i++
      continue
    }
    if (c === '-' && sql[i + 1] === '-') {
      const e = sql.indexOf('\n', i)
      i = e < 0 ? n : e + 1
      continue
    }
    if (c === '/' && sql[i + 1] === '*') {
      let depth = 1
      i += 2
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++
          i += 2
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--
          i += 2
        } else {
          i++
        }
      }
      continue
    }
    const start = i
    if (c === "'") {
      i = readQuoted(i, "'", false)
      toks.push({ kind: 'string', start, end: i, value: sql.slice(start + 1, i - 1).replace(/''/g, "'") })
      continue
    }
    if ((c === 'E' || c === 'e') && sql[i + 1] === "'") {
      i = readQuoted(i + 1, "'", true)
      toks.push({ kind: 'string', start, end: i, value: sql.slice(start + 2, i - 1) })
      continue
    }
    if ((c === 'U' || c === 'u') && sql[i + 1] === '&' && (sql[i + 2] === "'" || sql[i + 2] === '"')) {
      const q = sql[i + 2]
      i = readQuoted(i + 2, q, false)
      toks.push({ kind: q === "'" ? 'string' : 'qident', start, end: i, value: sql.slice(start + 3, i - 1) })
      continue
    }
    if ((c === 'B' || c === 'b' || c === 'X' || c === 'x' || c === 'N' || c === 'n') && sql[i + 1] === "'") {
      i = readQuoted(i + 1, "'", false)
      toks.push({ kind: 'string', start, end: i, value: sql.slice(start + 2, i - 1) })
      continue
    }
    if (c === '"') {
      i = readQuoted(i, '"', false)
      toks.push({ kind: 'qident', start, end: i, value: sql.slice(start + 1, i - 1).replace(/""/g, '"') })
      continue
    }
    if (c === '$') {
      const m = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 200))
      if (m) {
        const tag = m[0]
        const close = sql.indexOf(tag, i + tag.length)
        i = close < 0 ? n : close + tag.length
        toks.push({ kind: 'string', start, end: i, value: sql.slice(start + tag.length, Math.max(start + tag.length, i - tag.length)) })
        continue
      }
      i++
      while (i < n && /[0-9]/.test(sql[i])) i++
      toks.push({ kind: 'param', start, end: i, value: sql.slice(start, i) })
      continue
    }
    if (isIdentStart(c)) {
      i++
      while (i < n && isIdentPart(sql[i])) i++
      toks.push({ kind: 'ident', start, end: i, value: sql.slice(start, i).toLowerCase() })
      continue
    }
    if (/[0-9]/.test(c)) {
      i++
      while (i < n && /[0-9._eE]/.test(sql[i])) i++
      toks.push({ kind: 'num', start, end: i, value: sql.slice(start, i) })
      continue
    }
    i++
    toks.push({ kind: 'op', start, end: i, value: c })
  }
  return toks
}

function splitStatements(toks) {
  const stmts = []
  let cur = []
  let depth = 0
  for (const t of toks) {
    if (t.kind === 'op') {
      if (t.value === '(') depth++
      else if (t.value === ')') depth = Math.max(0, depth - 1)
      else if (t.value === ';' && depth === 0) {
        if (cur.length) stmts.push(cur)
        cur = []
        continue
      }
    }
    cur.push(t)
  }
  if (cur.length) stmts.push(cur)
  return stmts
}

const isWord = (t, w) => t && t.kind === 'ident' && t.value === w
const isOp = (t, v) => t && t.kind === 'op' && t.value === v

// Analyses one statement's tokens. Returns null unless it is a COPY.
function analyseCopy(sql, t) {
  if (!isWord(t[0], 'copy')) return null
  const info = { direction: null, target: null, binary: false, ncols: null, table: null, targetTok: null }
  let k = 1
  if (isWord(t[k], 'binary')) {
    info.binary = true
    k++
  }
  if (isOp(t[k], '(')) {
    let depth = 0
    for (; k < t.length; k++) {
      if (isOp(t[k], '(')) depth++
      else if (isOp(t[k], ')') && --depth === 0) {
        k++
        break
      }
    }
  } else {
    const first = k
    while (k < t.length && (t[k].kind === 'ident' || t[k].kind === 'qident')) {
      if (isWord(t[k], 'from') || isWord(t[k], 'to')) break
      k++
      if (isOp(t[k], '.')) k++
      else break
    }
    if (k > first) info.table = sql.slice(t[first].start, t[k - 1].end)
    if (isOp(t[k], '(')) {
      let depth = 0
      let commas = 0
      let any = false
      for (; k < t.length; k++) {
        if (isOp(t[k], '(')) depth++
        else if (isOp(t[k], ')')) {
          if (--depth === 0) {
            k++
            break
          }
        } else if (depth === 1) {
          if (isOp(t[k], ',')) commas++
          else any = true
        }
      }
      info.ncols = any ? commas + 1 : 0
    }
  }
  // Direction keyword at depth 0.
  let depth = 0
  for (; k < t.length; k++) {
    if (isOp(t[k], '(')) depth++
    else if (isOp(t[k], ')')) depth--
    else if (depth === 0 && (isWord(t[k], 'from') || isWord(t[k], 'to'))) break
  }
  if (k >= t.length) return info
  info.direction = t[k].value
  const tgt = t[k + 1]
  if (isWord(tgt, 'stdin') || isWord(tgt, 'stdout')) info.target = tgt.value
  else if (isWord(tgt, 'program')) info.target = 'program'
  else info.target = 'file'
  info.targetTok = tgt
  // Options: legacy BINARY keyword, or FORMAT binary inside the option list.
  depth = 0
  for (let j = k + 2; j < t.length; j++) {
    if (isOp(t[j], '(')) depth++
    else if (isOp(t[j], ')')) depth--
    else if (depth === 0 && isWord(t[j], 'binary')) info.binary = true
    else if (isWord(t[j], 'format') && t[j + 1]) {
      const v = String(t[j + 1].value).toLowerCase()
      if (v === 'binary') info.binary = true
      else if (v === 'csv' || v === 'text') info.binary = false
    }
  }
  return info
}

// Classifies a simple-query string. Returns
//   { kind: 'plain' } | { kind: 'copyin', sql, binary, ncols, table } |
//   { kind: 'unsupported', message }
function classifyQuery(sql) {
  if (!/copy/i.test(sql)) return { kind: 'plain' }
  const stmts = splitStatements(lexSQL(sql))
  const copies = stmts.map((s) => analyseCopy(sql, s))
  const copyIn = copies.findIndex((c) => c && c.direction === 'from' && c.target === 'stdin')
  if (copyIn < 0) return { kind: 'plain' }
  if (stmts.length > 1) {
    return {
      kind: 'unsupported',
      message: 'COPY FROM STDIN must be sent as a query of its own to the embedded database (PGlite)',
    }
  }
  const c = copies[copyIn]
  const rewritten = sql.slice(0, c.targetTok.start) + "'/dev/blob'" + sql.slice(c.targetTok.end)
  return { kind: 'copyin', sql: rewritten, binary: c.binary, ncols: c.ncols, table: c.table }
}

// ---------------------------------------------------------------------------
// The PGlite backend

class Backend {
  constructor(db) {
    this.db = db
    this.dead = false
    this.emergencySocket = null
  }

  // Runs one complete, validated frontend message. Output chunks are passed
  // to sink (already copied out of WASM memory). Returns the OutputScanner.
  async exec(msg, sink, capture = false) {
    if (this.dead) throw new BackendDeadError('the database backend is no longer available')
    const scan = new OutputScanner(capture)
    const onRawData = (data) => {
      const chunk = Buffer.from(data)
      scan.feed(chunk)
      // After a FATAL the backend is dead; PGlite may then re-emit errors in
      // a synchronous loop that never returns (e.g. after an
      // idle_in_transaction_session_timeout). Forward the first FATAL only.
      if (scan.fatalCount > 1) this.#emergencyExit(scan.fatal)
      if (sink) sink(chunk)
    }
    try {
      await this.db.execProtocolRawStream(msg, { syncToFs: SYNC_TO_FS, onRawData })
    } catch (e) {
      this.dead = true
      throw new BackendDeadError(`PGlite call failed: ${e?.stack ?? e}`)
    }
    if (scan.fatal) {
      this.dead = true
      throw new BackendDeadError(`PGlite reported ${scan.fatal.V ?? scan.fatal.S} ${scan.fatal.C}: ${scan.fatal.M}`)
    }
    if (scan.copyIn) {
      this.dead = true
      throw new BackendDeadError('PGlite entered COPY IN mode, which this server cannot feed')
    }
    return scan
  }

  // Internal query: output is captured, not forwarded. Asynchronous
  // notifications are forwarded to notify (if given).
  async query(sql, notify) {
    const scan = await this.exec(queryMessage(sql), null, true)
    const rows = []
    let tag = null
    for (const m of scan.messages) {
      if (m.type === 'D') rows.push(dataRowValues(m.body))
      else if (m.type === 'C') tag = m.body.toString('utf8', 0, m.body.length - 1)
      else if (m.type === 'A' && notify) notify(message('A', m.body))
    }
    return { rows, tag, error: scan.errors[0] ?? null, status: scan.status, messages: scan.messages }
  }

  // A FATAL re-emitted in a loop inside one synchronous WASM call can never
  // return to the event loop: flush what we can to the client and exit now.
  #emergencyExit(f) {
    log('error', `PGlite is re-emitting ${f?.C} ${f?.M} in a loop; exiting`)
    try {
      this.emergencySocket?.uncork()
    } catch {
      // ignore
    }
    process.exit(BACKEND_DEAD_EXIT)
  }
}

// ---------------------------------------------------------------------------
// Buffered input

class ByteQueue {
  constructor() {
    this.chunks = []
    this.head = 0
    this.length = 0
  }

  push(b) {
    if (b.length) {
      this.chunks.push(b)
      this.length += b.length
    }
  }

  byteAt(i) {
    let off = this.head + i
    for (const c of this.chunks) {
      if (off < c.length) return c[off]
      off -= c.length
    }
    return undefined
  }

  int32At(i) {
    return ((this.byteAt(i) << 24) | (this.byteAt(i + 1) << 16) | (this.byteAt(i + 2) << 8) | this.byteAt(i + 3)) | 0
  }

  take(n) {
    const first = this.chunks[0]
    if (first && first.length - this.head >= n) {
      const out = first.subarray(this.head, this.head + n)
      this.head += n
      if (this.head === first.length) {
        this.chunks.shift()
        this.head = 0
      }
      this.length -= n
      return out
    }
    const out = Buffer.allocUnsafe(n)
    let w = 0
    while (w < n) {
      const c = this.chunks[0]
      const k = Math.min(c.length - this.head, n - w)
      c.copy(out, w, this.head, this.head + k)
      w += k
      this.head += k
      if (this.head === c.length) {
        this.chunks.shift()
        this.head = 0
      }
    }
    this.length -= n
    return out
  }
}

// Frontend message types accepted after startup, with their size limits
// (the same limits PostgreSQL applies) and exact sizes where fixed.
const FRONTEND = {
  Q: { max: LARGE_MESSAGE_LIMIT, min: 5 }, // Query
  P: { max: LARGE_MESSAGE_LIMIT, min: 8 }, // Parse
  B: { max: LARGE_MESSAGE_LIMIT, min: 12 }, // Bind
  F: { max: LARGE_MESSAGE_LIMIT, min: 12 }, // FunctionCall
  d: { max: LARGE_MESSAGE_LIMIT, min: 4 }, // CopyData
  E: { max: SMALL_MESSAGE_LIMIT, min: 9 }, // Execute
  D: { max: SMALL_MESSAGE_LIMIT, min: 6 }, // Describe
  C: { max: SMALL_MESSAGE_LIMIT, min: 6 }, // Close
  f: { max: SMALL_MESSAGE_LIMIT, min: 5 }, // CopyFail
  S: { max: 4, min: 4 }, // Sync
  H: { max: 4, min: 4 }, // Flush
  X: { max: 4, min: 4 }, // Terminate
  c: { max: 4, min: 4 }, // CopyDone
}

// ---------------------------------------------------------------------------
// The server

const opts = parseArgs(process.argv.slice(2))
const dataDir = path.resolve(opts.data)

let db
let backend
let server
let stopping = false
let current = null // the active Conn
let resetting = false
const queue = []
let baseParams = []
let nextConnId = 1
const lockFile = path.join(dataDir, 'deskmate-pglite.lock')
let lockHeld = false

class Conn {
  constructor(socket) {
    this.id = nextConnId++
    this.socket = socket
    this.in = new ByteQueue()
    this.phase = 'startup'
    this.params = {}
    this.closed = false
    this.ended = false
    this.pumping = false
    this.copy = null
    this.status = 'I'
    this.dirty = false
    this.queueTimer = null
    this.queuedAt = 0
    this.startupTimer = setTimeout(() => {
      if (this.phase === 'startup') {
        log('debug', `conn ${this.id}: no startup packet within ${STARTUP_TIMEOUT_MS} ms`)
        this.destroy()
      }
    }, STARTUP_TIMEOUT_MS)
  }

  write(buf) {
    if (!this.closed && !this.socket.destroyed && this.socket.writable) this.socket.write(buf)
  }

  // Sends a final error and closes the connection once it is flushed.
  fail(severity, code, msg, extra) {
    this.write(errorResponse(severity, code, msg, extra))
    this.close()
  }

  close() {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.startupTimer)
    clearTimeout(this.queueTimer)
    try {
      this.socket.uncork()
      this.socket.end()
    } catch {
      // ignore
    }
    const t = setTimeout(() => this.socket.destroy(), 2000)
    t.unref()
  }

  destroy() {
    this.closed = true
    clearTimeout(this.startupTimer)
    clearTimeout(this.queueTimer)
    this.socket.destroy()
  }
}

function onConnection(socket) {
  if (stopping) {
    socket.destroy()
    return
  }
  socket.setNoDelay(true)
  socket.setKeepAlive(true, 15000)
  const conn = new Conn(socket)
  socket.on('data', (chunk) => onData(conn, chunk))
  socket.on('error', (e) => {
    if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') log('debug', `conn ${conn.id}: socket error: ${e.message}`)
  })
  socket.on('close', () => onClose(conn))
}

function onClose(conn) {
  conn.closed = true
  clearTimeout(conn.startupTimer)
  clearTimeout(conn.queueTimer)
  if (conn.phase === 'queued') {
    const i = queue.indexOf(conn)
    if (i >= 0) queue.splice(i, 1)
    log('debug', `conn ${conn.id}: left the queue`)
  } else if (conn.phase === 'active' && !conn.pumping) {
    endSession(conn)
  }
}

function onData(conn, chunk) {
  if (conn.closed) return
  conn.in.push(chunk)
  if (conn.phase === 'startup') {
    readStartup(conn)
  } else if (conn.phase === 'active') {
    pump(conn)
  } else if (conn.phase === 'queued' && conn.in.length > MAX_QUEUED_BYTES) {
    conn.fail('FATAL', '08P01', 'too much data sent while waiting for the session')
  }
}

function readStartup(conn) {
  while (conn.phase === 'startup' && !conn.closed && conn.in.length >= 8) {
    const len = conn.in.int32At(0)
    if (len < 8 || len > MAX_STARTUP_PACKET) {
      conn.fail('FATAL', '08P01', 'invalid length of startup packet')
      return
    }
    if (conn.in.length < len) return
    const pkt = conn.in.take(len)
    const code = pkt.readInt32BE(4)
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      conn.write(Buffer.from('N'))
      continue
    }
    if (code === CANCEL_REQUEST) {
      // PGlite cannot interrupt a running statement: nothing to cancel.
      log('debug', `conn ${conn.id}: cancel request ignored`)
      conn.destroy()
      return
    }
    const major = code >>> 16
    const minor = code & 0xffff
    if (major !== 3) {
      conn.fail('FATAL', '0A000', `unsupported frontend protocol ${major}.${minor}: server supports 3.0`)
      return
    }
    const params = {}
    const unrecognized = []
    let i = 8
    for (;;) {
      const e = pkt.indexOf(0, i)
      if (e < 0 || e === i) break
      const name = pkt.toString('utf8', i, e)
      const ve = pkt.indexOf(0, e + 1)
      if (ve < 0) {
        conn.fail('FATAL', '08P01', 'invalid startup packet layout: expected terminator as last byte')
        return
      }
      const value = pkt.toString('utf8', e + 1, ve)
      if (name.startsWith('_pq_.')) unrecognized.push(name)
      else params[name] = value
      i = ve + 1
    }
    if (params.replication && params.replication !== 'false' && params.replication !== 'off' && params.replication !== '0') {
      conn.fail('FATAL', '0A000', 'replication connections are not supported by the embedded database (PGlite)')
      return
    }
    conn.params = params
    conn.protocolMinor = minor
    conn.unrecognized = unrecognized
    clearTimeout(conn.startupTimer)
    admit(conn)
    return
  }
}

function admit(conn) {
  if (stopping) {
    conn.fail('FATAL', '57P03', 'the database system is shutting down')
    return
  }
  if (!current && !resetting && queue.length === 0) {
    activate(conn)
    return
  }
  if (queue.length >= MAX_QUEUE_LENGTH) {
    conn.fail('FATAL', '53300', 'sorry, too many clients already: the embedded database (PGlite) queue is full')
    return
  }
  conn.phase = 'queued'
  conn.queuedAt = Date.now()
  queue.push(conn)
  log('debug', `conn ${conn.id}: queued (position ${queue.length})`)
  if (opts.queueTimeoutMs > 0) {
    conn.queueTimer = setTimeout(() => {
      const i = queue.indexOf(conn)
      if (i < 0) return
      queue.splice(i, 1)
      const waited = Date.now() - conn.queuedAt
      log('warn', `conn ${conn.id}: gave up after waiting ${waited} ms for the session`)
      conn.fail(
        'FATAL',
        '53300',
        `sorry, too many clients already: the embedded database (PGlite) serves one session at a time and this connection waited ${waited} ms for it`,
        {
          hint: 'Use a pool with MaxConns=1 and do not hold a connection (or a transaction) while acquiring another one.',
        },
      )
    }, opts.queueTimeoutMs)
  }
}

function nextFromQueue() {
  if (stopping || current || resetting) return
  while (queue.length) {
    const c = queue.shift()
    clearTimeout(c.queueTimer)
    if (c.closed) continue
    activate(c)
    return
  }
}

// Parses the "options" startup parameter ("-c name=value --name=value").
function parseOptionsParam(s) {
  const out = []
  const words = []
  let cur = ''
  let esc = false
  for (const ch of s) {
    if (esc) {
      cur += ch
      esc = false
    } else if (ch === '\\') esc = true
    else if (/\s/.test(ch)) {
      if (cur) words.push(cur)
      cur = ''
    } else cur += ch
  }
  if (cur) words.push(cur)
  for (let i = 0; i < words.length; i++) {
    let w = words[i]
    if (w === '-c' && i + 1 < words.length) w = words[++i]
    else if (w.startsWith('--')) w = w.slice(2)
    else if (w.startsWith('-c')) w = w.slice(2)
    else continue
    const eq = w.indexOf('=')
    if (eq > 0) out.push([w.slice(0, eq).replace(/-/g, '_'), w.slice(eq + 1)])
  }
  return out
}

async function activate(conn) {
  current = conn
  conn.phase = 'active'
  backend.emergencySocket = conn.socket
  const waited = conn.queuedAt ? ` after ${Date.now() - conn.queuedAt} ms in the queue` : ''
  log('debug', `conn ${conn.id}: session started${waited}`)
  conn.pumping = true
  try {
    const settings = []
    for (const [k, v] of Object.entries(conn.params)) {
      if (k === 'user' || k === 'database' || k === 'replication') continue
      if (k === 'options') settings.push(...parseOptionsParam(v))
      else settings.push([k, v])
    }
    const reported = new Map(baseParams)
    for (const [k, v] of settings) {
      const r = await backend.query(`SELECT pg_catalog.set_config(${sqlLiteral(k)}, ${sqlLiteral(v)}, false)`)
      if (r.error) {
        conn.fail('FATAL', r.error.C ?? '22023', r.error.M ?? `invalid value for parameter "${k}"`)
        break
      }
      for (const m of r.messages) {
        if (m.type === 'S') {
          const e = m.body.indexOf(0)
          reported.set(m.body.toString('utf8', 0, e), m.body.toString('utf8', e + 1, m.body.length - 1))
        }
      }
      if (k === 'application_name') reported.set('application_name', v)
    }
    if (!conn.closed) {
      const out = []
      if (conn.protocolMinor > 0 || conn.unrecognized.length) {
        const parts = [Buffer.alloc(8)]
        parts[0].writeInt32BE(PROTOCOL_V3, 0)
        parts[0].writeInt32BE(conn.unrecognized.length, 4)
        for (const u of conn.unrecognized) parts.push(cstr(u))
        out.push(message('v', Buffer.concat(parts)))
      }
      out.push(message('R', Buffer.from([0, 0, 0, 0])))
      for (const [k, v] of reported) out.push(parameterStatus(k, v))
      const key = Buffer.alloc(8)
      key.writeInt32BE(process.pid, 0)
      key.writeInt32BE((Math.random() * 0x7fffffff) | 0, 4)
      out.push(message('K', key))
      out.push(readyForQuery('I'))
      conn.write(Buffer.concat(out))
    }
  } catch (e) {
    backendDied(conn, e)
    return
  } finally {
    conn.pumping = false
  }
  if (conn.closed || stopping) {
    endSession(conn)
    return
  }
  pump(conn)
}

// Extracts the next complete, validated message from the client's input.
function nextMessage(conn) {
  const q = conn.in
  if (q.length < 5) return null
  const type = String.fromCharCode(q.byteAt(0))
  const len = q.int32At(1)
  const rule = FRONTEND[type]
  if (!rule) throw new ProtocolViolation(`invalid frontend message type ${q.byteAt(0)}`)
  if (len < rule.min || len > rule.max) throw new ProtocolViolation(`invalid message length ${len} for message type "${type}"`)
  if (q.length < len + 1) return null
  return { type, msg: q.take(len + 1) }
}

async function pump(conn) {
  if (conn.pumping || conn.phase !== 'active') return
  conn.pumping = true
  conn.socket.cork()
  try {
    while (!conn.closed && !stopping) {
      const m = nextMessage(conn)
      if (!m) break
      await handleMessage(conn, m.type, m.msg)
    }
  } catch (e) {
    if (e instanceof ProtocolViolation) {
      log('warn', `conn ${conn.id}: protocol violation: ${e.message}`)
      conn.fail('FATAL', '08P01', e.message)
    } else {
      backendDied(conn, e)
      return
    }
  } finally {
    conn.pumping = false
    try {
      conn.socket.uncork()
    } catch {
      // ignore
    }
  }
  if (conn.closed || stopping) endSession(conn)
}

async function exec(conn, msg) {
  const scan = await backend.exec(msg, (chunk) => conn.write(chunk))
  if (scan.status) {
    conn.status = scan.status
    conn.dirty = false
  } else if (msg[0] !== 0x53 /* S */) {
    // An extended-protocol exchange (or its error state) is open until the
    // next ReadyForQuery.
    conn.dirty = true
  }
  return scan
}

async function handleMessage(conn, type, msg) {
  if (conn.copy) {
    switch (type) {
      case 'd':
        conn.copy.chunks.push(msg.subarray(5))
        conn.copy.bytes += msg.length - 5
        return
      case 'c':
        return finishCopy(conn)
      case 'f': {
        const reason = msg.toString('utf8', 5, msg.length - 1)
        conn.copy = null
        return raiseError(conn, '57014', `COPY from stdin failed: ${reason}`)
      }
      case 'H':
      case 'S':
        return // ignored during copy-in, as PostgreSQL does
      case 'X':
        conn.copy = null
        conn.close()
        return
      default:
        conn.copy = null
        return raiseError(conn, '08P01', `unexpected message type 0x${msg[0].toString(16).padStart(2, '0')} during COPY from stdin`)
    }
  }
  switch (type) {
    case 'X':
      conn.close()
      return
    case 'd':
    case 'c':
    case 'f':
      return // stray copy messages outside COPY: ignored, as PostgreSQL does
    case 'Q': {
      const sql = msg.toString('utf8', 5, msg.length - 1)
      const c = classifyQuery(sql)
      if (c.kind === 'copyin') return startCopy(conn, c)
      if (c.kind === 'unsupported') return raiseError(conn, '0A000', c.message)
      await exec(conn, msg)
      return
    }
    case 'P': {
      const nameEnd = msg.indexOf(0, 5)
      const qEnd = nameEnd < 0 ? -1 : msg.indexOf(0, nameEnd + 1)
      if (qEnd > 0) {
        const sql = msg.toString('utf8', nameEnd + 1, qEnd)
        if (classifyQuery(sql).kind !== 'plain') {
          // Replace the statement with one that fails when executed; the
          // backend then handles error recovery (skip until Sync) itself.
          const text =
            'DO $deskmate$BEGIN RAISE EXCEPTION USING ERRCODE = \'0A000\', MESSAGE = ' +
            "'COPY FROM STDIN is only supported through the simple query protocol by the embedded database (PGlite)'; END$deskmate$"
          const rewritten = Buffer.concat([msg.subarray(5, nameEnd + 1), cstr(text), msg.subarray(qEnd + 1)])
          await exec(conn, message('P', rewritten))
          return
        }
      }
      await exec(conn, msg)
      return
    }
    default:
      await exec(conn, msg)
  }
}

async function countColumns(conn, table) {
  if (!table || conn.status === 'E') return 0
  const r = await backend.query(
    `SELECT count(*) FROM pg_catalog.pg_attribute WHERE attrelid = pg_catalog.to_regclass(${sqlLiteral(table)}) AND attnum > 0 AND NOT attisdropped AND attgenerated = ''`,
    (a) => conn.write(a),
  )
  if (r.error || !r.rows.length) return 0
  return Number(r.rows[0][0]) || 0
}

async function startCopy(conn, c) {
  const ncols = c.ncols ?? (await countColumns(conn, c.table))
  const body = Buffer.alloc(3 + 2 * ncols)
  body[0] = c.binary ? 1 : 0
  body.writeInt16BE(ncols, 1)
  for (let i = 0; i < ncols; i++) body.writeInt16BE(c.binary ? 1 : 0, 3 + 2 * i)
  conn.copy = { sql: c.sql, chunks: [], bytes: 0 }
  conn.write(message('G', body))
}

async function finishCopy(conn) {
  const { sql, chunks } = conn.copy
  conn.copy = null
  const data = Buffer.concat(chunks)
  chunks.length = 0
  const ab = data.byteOffset === 0 && data.buffer.byteLength === data.length ? data.buffer : new Uint8Array(data).buffer
  // PGlite's /dev/blob device reads from what _handleBlob() gets from
  // blob.arrayBuffer(); handing it the collected bytes directly saves a copy.
  await db._handleBlob({ arrayBuffer: async () => ab })
  try {
    await exec(conn, queryMessage(sql))
  } finally {
    await db._cleanupBlob()
  }
}

// Sends an ErrorResponse built here, and makes the backend's transaction
// state match (a failed statement aborts an open transaction block) by
// running a statement that raises inside the backend.
async function raiseError(conn, code, msg) {
  const r = await backend.query(
    `DO $deskmate$BEGIN RAISE EXCEPTION USING ERRCODE = ${sqlLiteral(code)}, MESSAGE = ${sqlLiteral(msg)}; END$deskmate$`,
    (a) => conn.write(a),
  )
  if (r.status) conn.status = r.status
  conn.write(Buffer.concat([errorResponse('ERROR', code, msg), readyForQuery(r.status ?? 'I')]))
}

function endSession(conn) {
  if (conn.ended) return
  conn.ended = true
  conn.copy = null
  if (!conn.closed) conn.close()
  if (current !== conn) return
  current = null
  backend.emergencySocket = null
  if (stopping || dying) {
    // PGlite is about to be closed (or the process to exit): no reset needed.
    maybeFinishStop()
    return
  }
  resetting = true
  resetBackend(conn.dirty || conn.status !== 'I')
    .then(() => {
      resetting = false
      log('debug', `conn ${conn.id}: session ended`)
      nextFromQueue()
      maybeFinishStop()
    })
    .catch((e) => backendDied(null, e))
}

// Returns the single backend to a clean state: out of any half-done
// extended-protocol exchange or error state, no transaction, and no session
// state (DISCARD ALL: prepared statements, portals, SET values, temp tables,
// advisory locks, LISTEN, sequences' state, plans).
async function resetBackend(full = true) {
  if (full) {
    // ROLLBACK aborts an open (explicit or implicit extended-protocol)
    // transaction; it is ignored if the backend is skipping messages after
    // an extended-protocol error. Sync ends that state; the second ROLLBACK
    // ends a transaction block that was left in the failed state.
    await backend.exec(queryMessage('ROLLBACK'), null)
    await backend.exec(SYNC_MESSAGE, null)
    await backend.exec(queryMessage('ROLLBACK'), null)
  }
  const r = await backend.exec(queryMessage('DISCARD ALL'), null)
  if (r.errors.length || r.status !== 'I') {
    const e = r.errors[0]
    throw new Error(`session reset failed (status ${r.status}): ${e ? `${e.C} ${e.M}` : 'no error'}`)
  }
}

let dying = false
function backendDied(conn, e) {
  if (dying) return
  dying = true
  log('error', `database backend failed, exiting so that it is restarted: ${e?.message ?? e}`)
  if (conn && !(e instanceof BackendDeadError && /reported (FATAL|PANIC)/.test(e.message))) {
    conn.write(errorResponse('FATAL', 'XX000', `embedded database backend failed: ${e?.message ?? e}`))
  }
  if (conn) conn.close()
  for (const q of queue.splice(0)) q.fail('FATAL', '57P03', 'the embedded database is restarting')
  if (current && current !== conn) current.close()
  try {
    server?.close()
  } catch {
    // ignore
  }
  releaseLock()
  setTimeout(() => process.exit(BACKEND_DEAD_EXIT), 200)
}

// ---------------------------------------------------------------------------
// Shutdown

let stopPromise = null
let stopResolve = null

function maybeFinishStop() {
  if (stopping && stopResolve && !resetting && !(current && current.pumping)) {
    const r = stopResolve
    stopResolve = null
    r()
  }
}

function shutdown(reason) {
  if (stopPromise) return stopPromise
  stopping = true
  log('info', `shutting down (${reason})`)
  stopPromise = (async () => {
    const hard = setTimeout(() => {
      log('error', 'shutdown took longer than 20 s; exiting')
      process.exit(1)
    }, 20000)
    hard.unref()
    try {
      server?.close()
    } catch {
      // ignore
    }
    for (const q of queue.splice(0)) q.fail('FATAL', '57P01', 'terminating connection due to administrator command')
    if (current) {
      const c = current
      c.fail('FATAL', '57P01', 'terminating connection due to administrator command')
      if (!c.pumping) endSession(c)
    }
    // Wait for an in-flight message or reset to finish before closing.
    await new Promise((resolve) => {
      stopResolve = resolve
      maybeFinishStop()
    })
    if (db && !dying) {
      try {
        await db.close()
      } catch (e) {
        log('warn', `closing PGlite: ${e?.message ?? e}`)
      }
    }
    releaseLock()
    log('info', 'stopped')
    process.exit(0)
  })()
  return stopPromise
}

// ---------------------------------------------------------------------------
// Data directory lock: two servers on one data directory would corrupt it.

function processAlive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return e.code === 'EPERM'
  }
}

function acquireLock() {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' })
      lockHeld = true
      return
    } catch (e) {
      if (e.code !== 'EEXIST') throw e
    }
    const pid = parseInt(fs.readFileSync(lockFile, 'utf8'), 10)
    let live = pid > 0 && pid !== process.pid && processAlive(pid)
    if (live) {
      try {
        live = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('server.mjs')
      } catch {
        // no /proc: trust the pid
      }
    }
    if (live) {
      throw new Error(`data directory ${dataDir} is in use by another embedded database server (pid ${pid})`)
    }
    fs.rmSync(lockFile, { force: true })
  }
  throw new Error(`could not lock data directory ${dataDir}`)
}

function releaseLock() {
  if (!lockHeld) return
  lockHeld = false
  try {
    fs.rmSync(lockFile, { force: true })
  } catch {
    // ignore
  }
}

// ---------------------------------------------------------------------------
// Main

async function main() {
  const t0 = Date.now()
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGHUP', () => {}) // the supervisor, not the terminal, decides when to stop
  if (opts.stdinWatch) {
    process.stdin.on('end', () => shutdown('stdin closed'))
    process.stdin.on('error', () => shutdown('stdin error'))
    process.stdin.resume()
  }

  fs.mkdirSync(dataDir, { recursive: true })
  acquireLock()
  process.on('exit', releaseLock)
  const fresh = !fs.existsSync(path.join(dataDir, 'PG_VERSION'))
  log('info', `opening ${dataDir}${fresh ? ' (new data directory: running initdb)' : ''}`)

  db = new PGlite({
    dataDir,
    extensions: { vector },
    onStderr: (text) => {
      log('debug', `postgres: ${text}`)
      return false
    },
  })
  await db.waitReady
  if (stopping) return
  backend = new Backend(db)

  const r = await backend.query(
    "SELECT n, pg_catalog.current_setting(n, true) FROM unnest(ARRAY['server_version','server_encoding','client_encoding','DateStyle','IntervalStyle','integer_datetimes','standard_conforming_strings','TimeZone','application_name','is_superuser','session_authorization','default_transaction_read_only','in_hot_standby','search_path']) AS n",
  )
  if (r.error) throw new Error(`reading server settings: ${r.error.M}`)
  baseParams = r.rows.filter(([, v]) => v !== null)
  baseParams.push(['deskmate_embedded', 'pglite'])
  const ver = await backend.query('SELECT version()')
  await resetBackend(false)

  server = net.createServer({ noDelay: true }, onConnection)
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host: opts.host, port: opts.port, exclusive: true }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  server.on('error', (e) => log('error', `server: ${e.message}`))
  const addr = server.address()
  log('info', `${ver.rows[0]?.[0] ?? 'PGlite'}; ready in ${Date.now() - t0} ms on ${addr.address}:${addr.port}`)
  process.stdout.write(JSON.stringify({ event: 'ready', host: addr.address, port: addr.port, pid: process.pid }) + '\n')
}

main().catch((e) => {
  log('error', `startup failed: ${e?.stack ?? e}`)
  releaseLock()
  process.exit(1)
})
