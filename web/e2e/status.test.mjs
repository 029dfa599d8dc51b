// Browser test: the Status page of a real Deskmate server with its embedded database.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './browser.mjs';
import { startDeskmate } from './deskmate.mjs';
import { setupOwner } from './session.mjs';

const screenshotDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

const SECTIONS = [
  'Getting started',
  'Knowledge',
  'Automations',
  'Instructions',
  'Tags',
  'Gorgias',
  'Playground',
  'Sandbox',
  'Conversations',
  'Insights',
  'Workspaces',
  'Settings',
  'Status',
];

/** @type {import('./deskmate.mjs').RunningDeskmate | undefined} */
let deskmate;
/** @type {import('playwright-core').Browser | undefined} */
let browser;

before(async () => {
  deskmate = await startDeskmate();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await deskmate?.stop();
});

test('Status page shows the embedded database ready', async () => {
  assert.ok(deskmate && browser, 'Deskmate and Chromium are running');
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  /** @type {string[]} */
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  page.on('console', (message) => {
    // While the server starts, /readyz answers 503, which Chromium logs; that is expected.
    const fromReadyz = new URL(message.location().url || deskmate?.url || 'http://x').pathname === '/readyz';
    if (message.type() === 'error' && !fromReadyz) {
      pageErrors.push(message.text());
    }
  });

  // Every page but setup, login and invitations needs a session.
  await setupOwner(page, deskmate.url);

  const response = await page.goto(`${deskmate.url}/status`);
  assert.equal(response?.status(), 200, 'GET /status serves the app');

  const database = page.getByRole('region', { name: 'Database' });
  await database.getByText('Ready', { exact: true }).waitFor({ timeout: 30_000 });
  await database.getByText(/^Embedded PostgreSQL 16\.\d+$/).waitFor();

  const river = page.getByRole('region', { name: 'Job queue' });
  await river.getByText('Ready', { exact: true }).waitFor();
  await page.getByRole('heading', { name: 'Deskmate is ready' }).waitFor();

  // The installation's identity: the start of its id, the whole id on hover, and when it was created.
  const readyz = /** @type {{ instance?: { id?: unknown } }} */ (await (await fetch(`${deskmate.url}/readyz`)).json());
  const instanceId = readyz.instance?.id;
  assert.equal(typeof instanceId, 'string', `instance.id in ${JSON.stringify(readyz)}`);
  const summary = page.getByRole('region', { name: 'Deskmate is ready' });
  const shortId = summary.getByText(String(instanceId).slice(0, 8), { exact: true });
  assert.equal(await shortId.getAttribute('title'), instanceId);
  await summary.getByText(/^since /).waitFor();

  // The heartbeat job runs on start, so a worker soon reports a recent job.
  await river.getByText(/^(just now|\d+ s ago)$/).waitFor({ timeout: 30_000 });
  assert.equal(await river.getByText(/are workers running/).count(), 0, 'no stale heartbeat warning');

  const nav = page.getByRole('navigation', { name: 'Main' });
  assert.deepEqual(await nav.getByRole('link').allTextContents(), SECTIONS);
  assert.equal(await nav.getByRole('link', { name: 'Status' }).getAttribute('aria-current'), 'page');
  assert.equal(await page.getByRole('banner').getByText('Deskmate', { exact: true }).count(), 1);

  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, 'status.png'), fullPage: true });

  assert.deepEqual(pageErrors, [], 'the page logs no errors');
  await page.close();
});

test('unknown API routes answer with the JSON error envelope', async () => {
  assert.ok(deskmate, 'Deskmate is running');
  const response = await fetch(`${deskmate.url}/api/nope`, { headers: { Accept: 'application/json' } });
  assert.equal(response.status, 404);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json\b/);
  const body = /** @type {{ error?: { code?: unknown, message?: unknown } } | null} */ (await response.json());
  assert.equal(typeof body?.error?.code, 'string', `error.code in ${JSON.stringify(body)}`);
  assert.equal(typeof body?.error?.message, 'string', `error.message in ${JSON.stringify(body)}`);
});
