// Browser test: the sandbox. Deskmate emulates a Gorgias account; the owner creates the sandbox
// workspace, writes as a sample customer, and watches Deskmate work on the ticket as it would in
// Gorgias (a draft as an internal note, tags), then opens the run's trace from the sidebar widget
// and presses Summarize there.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './browser.mjs';
import { startDeskmate } from './deskmate.mjs';
import { collectPageErrors, setupOwner } from './session.mjs';

const screenshotDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

/** How long Deskmate's jobs get to answer a ticket or a button. */
const JOB_TIMEOUT_MS = 60_000;

/** @type {import('./deskmate.mjs').RunningDeskmate | undefined} */
let deskmate;
/** @type {import('playwright-core').Browser | undefined} */
let browser;

before(async () => {
  deskmate = await startDeskmate({ env: { DESKMATE_SANDBOX: 'true' } });
  browser = await launchChromium();
  await mkdir(screenshotDir, { recursive: true });
});

after(async () => {
  await browser?.close();
  await deskmate?.stop();
});

/**
 * Waits until `check` answers true, asking every 250 ms.
 * @param {() => Promise<boolean>} check
 * @param {number} timeoutMs
 * @param {() => Promise<string>} describe What was seen, for the failure message.
 */
async function waitUntil(check, timeoutMs, describe) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.fail(`not within ${timeoutMs / 1000} s: ${await describe()}`);
}

/**
 * The messages of the open ticket, as "kind (bot): text" lines.
 * @param {import('playwright-core').Page} page
 */
async function messageLines(page) {
  const messages = page.getByTestId('ticket-view').getByTestId('message');
  const lines = [];
  for (let i = 0; i < (await messages.count()); i++) {
    const item = messages.nth(i);
    const kind = await item.getAttribute('data-kind');
    const bot = (await item.getAttribute('data-bot')) === 'true' ? ' (bot)' : '';
    const text = ((await item.getByTestId('message-body').textContent()) ?? '').replace(/\s+/g, ' ').slice(0, 80);
    lines.push(`${kind}${bot}: ${text}`);
  }
  return lines.length > 0 ? lines.join(' | ') : 'no messages';
}

test('the sandbox: a customer writes, Deskmate drafts and tags, its trace and widget work', async () => {
  assert.ok(deskmate && browser, 'Deskmate and Chromium are running');
  const url = deskmate.url;
  const context = await browser.newContext({ viewport: { width: 1440, height: 960 } });
  const page = await context.newPage();
  const errors = collectPageErrors(page);

  await setupOwner(page, url);

  // --- The sandbox workspace, created by the owner ---
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Sandbox' }).click();
  await page.waitForURL(`${url}/sandbox`);
  await page.getByRole('heading', { level: 1, name: 'Sandbox' }).waitFor();
  await page.getByRole('button', { name: 'Create the sandbox workspace' }).click();
  const customerForm = page.getByRole('form', { name: 'Write as a customer' });
  await customerForm.waitFor({ timeout: 30_000 });
  const sandboxId = await page.getByRole('banner').getByLabel('Workspace').inputValue();
  assert.notEqual(sandboxId, '', 'the sandbox workspace is the current one');
  await page.getByRole('navigation', { name: 'Tickets' }).waitFor();

  // --- A sample customer (the first one has a Shopify order) asks where their order is ---
  const customer = customerForm.getByLabel('Customer', { exact: true });
  const firstCustomer = customer.locator('option').first();
  await firstCustomer.waitFor({ state: 'attached' });
  const firstValue = await firstCustomer.getAttribute('value');
  assert.ok(firstValue && firstValue !== 'other', 'the sandbox has sample customers');
  await customer.selectOption(firstValue);
  await customerForm.getByLabel('Channel').selectOption('email');
  await customerForm.getByLabel('Subject').fill('Order status');
  await customerForm.getByLabel('Customer message').fill('Where is my order?');
  const written = page.waitForResponse(
    (response) => response.url().endsWith('/sandbox/messages') && response.request().method() === 'POST',
  );
  await customerForm.getByRole('button', { name: 'Open the ticket' }).click();
  const answer = await written;
  assert.equal(answer.status(), 201, `POST /sandbox/messages: ${await answer.text()}`);
  const ticketId = String(/** @type {{ id: number }} */ (await answer.json()).id);

  const ticketView = page.getByTestId('ticket-view');
  await ticketView.waitFor();
  await ticketView.getByRole('heading', { name: 'Order status' }).waitFor();
  await ticketView.getByTestId('message-body').filter({ hasText: 'Where is my order?' }).waitFor();
  const tickets = page.getByRole('navigation', { name: 'Tickets' }).getByTestId('sandbox-ticket');
  assert.equal(await tickets.first().getAttribute('data-ticket-id'), ticketId, 'the new ticket comes first');
  assert.equal(await tickets.first().getAttribute('aria-current'), 'true', 'the new ticket is open');

  // --- Deskmate works on it: a message by the bot user or an internal note, and tags ---
  const fromDeskmate = ticketView.locator('[data-testid="message"][data-bot="true"], [data-testid="message"][data-kind="note"]');
  const tags = ticketView.getByTestId('ticket-tag');
  await waitUntil(
    async () => (await fromDeskmate.count()) > 0 && (await tags.count()) > 0,
    JOB_TIMEOUT_MS,
    async () => `messages: ${await messageLines(page)}; tags: ${(await tags.allTextContents()).join(', ') || 'none'}`,
  );
  const deskmateText = (await fromDeskmate.first().getByTestId('message-body').textContent()) ?? '';
  assert.ok(deskmateText.trim() !== '', 'Deskmate’s message says something');
  await page.screenshot({ path: path.join(screenshotDir, 'sandbox-ticket.png'), fullPage: true });

  // --- The sidebar widget: Deskmate's data for the ticket, with the run's trace ---
  const widget = page.getByTestId('widget');
  const traceLink = widget.getByTestId('widget-trace');
  await traceLink.waitFor({ timeout: JOB_TIMEOUT_MS });
  const href = (await traceLink.getAttribute('href')) ?? '';
  const trace = new URL(href, url);
  assert.match(trace.pathname, /^\/conversations\/\d+$/, `trace link: ${href}`);
  const runId = trace.pathname.split('/').pop();
  if (trace.origin === new URL(url).origin) {
    await traceLink.click();
  } else {
    // The server names itself by another host name than the one the test reaches it by.
    await page.goto(`${url}${trace.pathname}${trace.search}`);
  }
  await page.waitForURL((current) => current.pathname === trace.pathname);
  await page.getByRole('heading', { level: 1, name: `Run #${runId}` }).waitFor();
  await page.getByRole('region', { name: 'Decision' }).waitFor();
  await page.getByRole('region', { name: 'Trace' }).waitFor();
  assert.equal(
    await page.getByRole('banner').getByLabel('Workspace').inputValue(),
    sandboxId,
    'the trace opens in the sandbox workspace',
  );
  assert.equal(new URL(page.url()).searchParams.get('workspace'), null, 'the workspace parameter is dropped');
  await page.screenshot({ path: path.join(screenshotDir, 'sandbox-trace.png'), fullPage: true });

  // --- Back in the inbox: Summarize in the widget adds an internal note ---
  await page.goBack();
  await page.waitForURL((current) => current.pathname === '/sandbox');
  await ticketView.waitFor();
  const notes = ticketView.locator('[data-testid="message"][data-kind="note"]');
  await waitUntil(
    async () => (await fromDeskmate.count()) > 0,
    15_000,
    async () => `messages: ${await messageLines(page)}`,
  );
  const notesBefore = await notes.count();
  const summarize = widget.getByTestId('widget-button').filter({ hasText: 'Summarize' });
  await summarize.waitFor({ timeout: 30_000 });
  await summarize.click();
  const result = widget.getByTestId('widget-result');
  await result.waitFor({ timeout: 30_000 });
  assert.equal(await result.getAttribute('data-status'), 'success', `Summarize: ${await result.textContent()}`);
  await waitUntil(
    async () => (await notes.count()) > notesBefore,
    JOB_TIMEOUT_MS,
    async () => `${notesBefore} notes before Summarize; messages: ${await messageLines(page)}`,
  );
  assert.equal(await page.getByTestId('ticket-view').count(), 1, 'the ticket is shown once');
  await page.screenshot({ path: path.join(screenshotDir, 'sandbox-summarize.png'), fullPage: true });

  // --- The Gorgias page shows the sandbox connection ---
  await nav.getByRole('link', { name: 'Gorgias' }).click();
  await page.waitForURL(`${url}/gorgias`);
  const status = page.getByRole('group', { name: 'Connection status' });
  await status.getByText('Connected', { exact: true }).waitFor();
  await status.getByText('Sandbox', { exact: true }).waitFor();
  await page.getByRole('table', { name: 'Recent activity' }).waitFor({ timeout: 15_000 });
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(screenshotDir, 'gorgias.png'), fullPage: true });

  // --- Getting started, the home page ---
  await nav.getByRole('link', { name: 'Getting started' }).click();
  await page.waitForURL(`${url}/`);
  const steps = page.getByRole('list', { name: 'Steps' }).getByTestId('getting-started-step');
  await steps.first().waitFor();
  assert.ok((await steps.count()) >= 6, 'the six steps are listed');
  await page.screenshot({ path: path.join(screenshotDir, 'getting-started.png'), fullPage: true });

  assert.deepEqual(errors, [], 'no page errors, such as Content-Security-Policy violations');
  await context.close();
});
