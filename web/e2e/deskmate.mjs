// Starts a real Deskmate server for browser tests.
//
// The server runs as `deskmate serve` on a free loopback port with a fresh data
// directory and its embedded PostgreSQL. startDeskmate() resolves once the
// server prints "Deskmate is ready: <url>"; stop() shuts it down and checks that
// it exited cleanly and left no process behind.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Default location of the binary that `make build` produces. */
export const DEFAULT_DESKMATE_BIN = path.resolve(webDir, '..', 'bin', 'deskmate');

const READY_LINE = /Deskmate is ready: (http:\/\/\S+)/;
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;

/**
 * @typedef {object} RunningDeskmate
 * @property {string} url Base URL of the server, without a trailing slash.
 * @property {string} dataDir The temporary data directory the server uses.
 * @property {() => string} output Everything the server printed so far.
 * @property {() => Promise<void>} stop Sends SIGTERM, waits for a clean exit and checks nothing is left running.
 */

/**
 * @typedef {object} StartOptions
 * @property {string} [bin] Path of the deskmate binary; defaults to $DESKMATE_BIN or ../bin/deskmate.
 * @property {Record<string, string>} [env] Extra environment variables for the server.
 * @property {number} [timeoutMs] How long to wait for the ready line.
 */

/**
 * Waits for `promise` at most `ms` milliseconds; resolves to null on timeout.
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @returns {Promise<T | null>}
 */
function within(promise, ms) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return /** @type {Promise<T | null>} */ (Promise.race([promise, timeout])).finally(() => clearTimeout(timer));
}

/**
 * Resolves the deskmate binary, failing with a clear message when it is missing.
 * @param {string} [bin]
 * @returns {string}
 */
export function deskmateBinary(bin) {
  const resolved = path.resolve(webDir, bin ?? process.env.DESKMATE_BIN ?? DEFAULT_DESKMATE_BIN);
  if (!existsSync(resolved)) {
    throw new Error(
      `Deskmate binary not found at ${resolved}: build it with make build (or set DESKMATE_BIN to its path).`,
    );
  }
  return resolved;
}

/**
 * Live processes that belong to one Deskmate run: in its process group, or with its
 * data directory in their command line or environment.
 * @param {number} pgid
 * @param {string} dataDir
 * @returns {Promise<Array<{ pid: number, cmdline: string }>>}
 */
async function leftoverProcesses(pgid, dataDir) {
  const envEntry = `DESKMATE_DATA_DIR=${dataDir}`;
  /** @type {Array<{ pid: number, cmdline: string }>} */
  const found = [];
  let entries;
  try {
    entries = await readdir('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    const pid = Number(entry);
    if (pid === process.pid) {
      continue;
    }
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      // Fields after the parenthesised command name: state ppid pgrp ...
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') {
        continue;
      }
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ').trim();
      let environ = '';
      try {
        environ = await readFile(`/proc/${pid}/environ`, 'utf8');
      } catch {
        // Not readable; rely on the other signs.
      }
      if (Number(fields[2]) === pgid || cmdline.includes(dataDir) || environ.split('\0').includes(envEntry)) {
        found.push({ pid, cmdline });
      }
    } catch {
      // The process ended while we looked at it.
    }
  }
  return found;
}

/**
 * Starts `deskmate serve` and waits until it is ready.
 * @param {StartOptions} [options]
 * @returns {Promise<RunningDeskmate>}
 */
export async function startDeskmate(options = {}) {
  const bin = deskmateBinary(options.bin);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'deskmate-e2e-'));

  /** @type {NodeJS.ProcessEnv} */
  const env = {
    ...process.env,
    DESKMATE_ADDR: '127.0.0.1:0',
    DESKMATE_DATA_DIR: dataDir,
    AUTO_MIGRATE: 'true',
    ...options.env,
  };
  // Without DATABASE_URL Deskmate uses its embedded PostgreSQL.
  delete env.DATABASE_URL;

  // Its own process group, so that stop() can find anything it started.
  const child = spawn(bin, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const pid = child.pid;
  if (pid === undefined) {
    await rm(dataDir, { recursive: true, force: true });
    throw new Error(`could not start ${bin}`);
  }

  let output = '';
  let stdoutBuffer = '';
  /** @type {string | null} */
  let readyUrl = null;
  /** @type {{ code: number | null, signal: NodeJS.Signals | null } | null} */
  let exited = null;
  /** @type {Error | null} */
  let spawnError = null;

  /** @type {() => void} */
  let notify = () => {};
  const changed = () => notify();

  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (/** @type {string} */ chunk) => {
    output += chunk;
    stdoutBuffer += chunk;
    const lines = stdoutBuffer.split('\n');
    stdoutBuffer = lines.pop() ?? '';
    for (const line of lines) {
      const match = READY_LINE.exec(line);
      if (match && readyUrl === null) {
        readyUrl = (match[1] ?? '').replace(/\/+$/, '');
        changed();
      }
    }
  });
  child.stderr.on('data', (/** @type {string} */ chunk) => {
    output += chunk;
  });
  child.on('error', (err) => {
    spawnError = err;
    changed();
  });
  /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      const status = { code, signal };
      exited = status;
      changed();
      resolve(status);
    });
  });

  // Never leave a server running if the test process ends abruptly.
  const killOnExit = () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  process.on('exit', killOnExit);

  const describe = () => `\n--- deskmate output ---\n${output}\n--- end of output ---`;

  const deadline = Date.now() + (options.timeoutMs ?? START_TIMEOUT_MS);
  try {
    while (readyUrl === null) {
      if (spawnError) {
        throw new Error(`could not run ${bin}: ${String(spawnError)}${describe()}`);
      }
      if (exited) {
        throw new Error(`deskmate serve exited before it was ready (${JSON.stringify(exited)})${describe()}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        const hint = READY_LINE.test(output)
          ? ' (the ready line was printed to stderr; it is expected on stdout)'
          : '';
        throw new Error(
          `deskmate serve did not print "Deskmate is ready: <url>" within ${Math.round((options.timeoutMs ?? START_TIMEOUT_MS) / 1000)} s${hint}${describe()}`,
        );
      }
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        notify = () => {
          clearTimeout(timer);
          resolve(undefined);
        };
      });
    }
  } catch (err) {
    killOnExit();
    await within(exitPromise, 5_000);
    process.off('exit', killOnExit);
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }

  const url = readyUrl;
  let stopped = false;

  return {
    url,
    dataDir,
    output: () => output,
    async stop() {
      if (stopped) {
        return;
      }
      stopped = true;
      try {
        if (!exited) {
          child.kill('SIGTERM');
          const result = await within(exitPromise, STOP_TIMEOUT_MS);
          if (result === null) {
            killOnExit();
            throw new Error(`deskmate did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM${describe()}`);
          }
        }
        const status = await exitPromise;
        if (status.code !== 0) {
          throw new Error(`deskmate exited with ${JSON.stringify(status)} after SIGTERM, expected code 0${describe()}`);
        }

        // Child processes (such as the embedded database) must be gone too. Give them a moment.
        let leftovers = await leftoverProcesses(pid, dataDir);
        for (let i = 0; i < 20 && leftovers.length > 0; i++) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          leftovers = await leftoverProcesses(pid, dataDir);
        }
        if (leftovers.length > 0) {
          killOnExit();
          for (const { pid: leftover } of leftovers) {
            try {
              process.kill(leftover, 'SIGKILL');
            } catch {
              // Already gone.
            }
          }
          throw new Error(
            `processes of deskmate were still running after it exited:\n${leftovers
              .map((p) => `  ${p.pid}: ${p.cmdline}`)
              .join('\n')}${describe()}`,
          );
        }
      } finally {
        process.off('exit', killOnExit);
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}
