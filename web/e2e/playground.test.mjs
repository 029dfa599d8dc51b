// Browser test: a knowledge base with one text, the Playground answering from it and handing over
// when asked for a person, the Conversations list and a run's trace and re-run, and the agent and
// model settings.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './browser.mjs';
import { startDeskmate } from './deskmate.mjs';
import { collectPageErrors, setupOwner } from './session.mjs';

const screenshotDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

const SHIPPING_TEXT =
  'Standard shipping takes 3 to 5 business days within the EU. Express shipping arrives the next business day when you order before 2 pm.';

/** @type {import('./deskmate.mjs').RunningDeskmate | undefined} */
let deskmate;
/** @type {import('playwright-core').Browser | undefined} */
let browser;

before(async () => {
  deskmate = await startDeskmate();
  browser = await launchChromium();
  await mkdir(screenshotDir, { recursive: true });
});

after(async () => {
  await browser?.close();
  await deskmate?.stop();
});

/**
 * Waits until every progress bar is full: a value equal to its maximum, above zero.
 * @param {import('playwright-core').Locator[]} bars
 * @param {number} timeoutMs
 */
async function waitForFull(bars, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  /** @type {string[]} */
  let seen = [];
  while (Date.now() < deadline) {
    seen = [];
    let full = true;
    for (const bar of bars) {
      const value = await bar.getAttribute('value');
      const max = await bar.getAttribute('max');
      seen.push(`${value}/${max}`);
      if (value === null || max === null || Number(max) <= 0 || Number(value) !== Number(max)) {
        full = false;
      }
    }
    if (full) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.fail(`the progress bars did not fill within ${timeoutMs / 1000} s: ${seen.join(', ')}`);
}

/**
 * Sends a customer message in the Playground and waits for Deskmate's answer to it.
 * @param {import('playwright-core').Page} page
 * @param {string} text
 * @param {number} count How many answers the thread has once this one arrived.
 * @returns {Promise<import('playwright-core').Locator>} The new answer.
 */
async function sendMessage(page, text, count) {
  await page.getByLabel('Message', { exact: true }).fill(text);
  const response = page.waitForResponse((answer) => answer.url().endsWith('/playground/messages'));
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  const answered = await response;
  assert.equal(answered.status(), 200, `POST /playground/messages: ${await answered.text()}`);
  const answers = page.getByRole('listitem', { name: 'Deskmate’s answer' });
  await answers.nth(count - 1).waitFor();
  assert.equal(await answers.count(), count);
  return answers.nth(count - 1);
}

/**
 * Waits until `locator` matches `count` elements.
 * @param {import('playwright-core').Locator} locator
 * @param {number} count
 */
async function waitForCount(locator, count) {
  const deadline = Date.now() + 15_000;
  let seen = await locator.count();
  while (seen !== count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    seen = await locator.count();
  }
  assert.equal(seen, count);
}

/**
 * Reads "Retrieval confidence 0.940, threshold 0.720" into numbers.
 * @param {import('playwright-core').Locator} trace
 */
async function retrievalOf(trace) {
  const text = (await trace.getByRole('group', { name: 'Retrieval confidence' }).textContent()) ?? '';
  const match = /Retrieval confidence (\d+\.\d{3}), threshold (\d+\.\d{3})/.exec(text);
  assert.ok(match, `retrieval confidence shown: ${text}`);
  return { confidence: Number(match[1]), threshold: Number(match[2]) };
}

test('the Playground answers from the knowledge, hands over on request, and the runs show their traces', async () => {
  assert.ok(deskmate && browser, 'Deskmate and Chromium are running');
  const url = deskmate.url;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = collectPageErrors(page);

  await setupOwner(page, url);
  await page.getByRole('button', { name: 'New workspace' }).click();
  await page.getByLabel('Name').fill('Acme Support');
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await page.getByText('Created Acme Support. It is now the current workspace.').waitFor();

  // --- A knowledge base with one pasted text, ingested ---
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Knowledge' }).click();
  await page.waitForURL(`${url}/knowledge`);
  await page.getByRole('button', { name: 'New knowledge base' }).click();
  await page.getByLabel('Name').fill('Store policies');
  await page.getByRole('button', { name: 'Create knowledge base' }).click();
  await page.waitForURL(/\/knowledge\/[^/]+$/);
  await page.getByRole('heading', { level: 1, name: 'Store policies' }).waitFor();
  await page.getByRole('tab', { name: 'Paste text' }).click();
  const pasteForm = page.getByRole('form', { name: 'Paste text' });
  await pasteForm.getByLabel('Title').fill('Shipping times');
  await pasteForm.getByLabel('Text', { exact: true }).fill(SHIPPING_TEXT);
  await pasteForm.getByRole('button', { name: 'Add text' }).click();
  await page.getByText('Added “Shipping times”.').waitFor();
  const documentsBar = page.getByRole('progressbar', { name: 'Documents' });
  const chunksBar = page.getByRole('progressbar', { name: 'Chunks' });
  await documentsBar.waitFor();
  await waitForFull([documentsBar, chunksBar], 60_000);
  const docRow = page.getByRole('table', { name: 'Documents' }).getByRole('row', { name: /Shipping times/ });
  await docRow.getByText('Ready').waitFor({ timeout: 15_000 });

  // --- The Playground: a question the knowledge answers ---
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Playground' }).click();
  await page.waitForURL(`${url}/playground`);
  await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor();
  const state = page.getByRole('status', { name: 'Conversation state' });
  await state.getByText('Deskmate answers').waitFor();
  await page.getByRole('form', { name: 'Conversation setup' }).getByLabel('Name').fill('Ada Lovelace');

  const reply = await sendMessage(page, 'How long does standard shipping take?', 1);
  await reply.locator('.badge', { hasText: 'Reply' }).waitFor();
  await reply.getByText(/Standard shipping takes 3 to 5 business days/).first().waitFor();
  await reply.getByRole('list', { name: 'Sources' }).getByText('Shipping times').waitFor();

  await reply.getByText('Trace', { exact: true }).click();
  const replyTrace = reply.getByRole('region', { name: 'Trace' });
  await replyTrace.waitFor();
  const usedChunk = replyTrace.getByRole('table', { name: 'Knowledge chunks' }).getByRole('row', { name: /Shipping times/ });
  await usedChunk.getByText('Used', { exact: true }).waitFor();
  const retrieval = await retrievalOf(replyTrace);
  assert.ok(
    retrieval.confidence >= retrieval.threshold,
    `the answer is confident enough: ${retrieval.confidence} against ${retrieval.threshold}`,
  );
  await replyTrace.getByRole('group', { name: 'Retrieval confidence' }).getByText('Enough to answer').waitFor();
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(screenshotDir, 'playground-reply.png'), fullPage: true });
  await reply.getByText('Trace', { exact: true }).click();
  await replyTrace.waitFor({ state: 'hidden' });

  // --- Asking for a person hands the conversation over ---
  const handover = await sendMessage(page, 'I want to talk to a real person', 2);
  await handover.locator('.badge', { hasText: 'Hand-over' }).waitFor();
  await handover.locator('code', { hasText: 'requested' }).waitFor();
  await handover.getByText('Last message to the customer:').waitFor();
  await handover.getByText('Trace', { exact: true }).click();
  const handoverTrace = handover.getByRole('region', { name: 'Trace' });
  const requested = handoverTrace.getByRole('table', { name: 'Hand-over signals' }).getByRole('row', { name: /requested/ });
  await requested.getByText('Fired', { exact: true }).waitFor();
  await state.getByText('Handed over to a person').waitFor();
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(screenshotDir, 'playground-handover.png'), fullPage: true });

  // While handed over Deskmate leaves the conversation alone, until it is returned to it.
  const waiting = await sendMessage(page, 'Hello? Is anyone there?', 3);
  await waiting.locator('.badge', { hasText: 'Nothing' }).waitFor();
  await waiting.locator('code', { hasText: 'handed_over' }).waitFor();
  await page.getByRole('button', { name: 'Return to bot' }).click();
  await page.getByText(/Returned to Deskmate/).waitFor();
  await state.getByText('Deskmate answers').waitFor();

  // --- Conversations: the runs, newest first ---
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Conversations' }).click();
  await page.waitForURL(`${url}/conversations`);
  await page.getByRole('heading', { level: 1, name: 'Conversations' }).waitFor();
  const runs = page.getByRole('table', { name: 'Runs' });
  await runs.waitFor();
  const rows = runs.locator('tbody tr');
  assert.equal(await rows.count(), 3, 'one run per message');
  await rows.nth(0).locator('code', { hasText: 'handed_over' }).waitFor();
  await rows.nth(1).locator('.badge', { hasText: 'Hand-over' }).waitFor();
  await rows.nth(1).locator('code', { hasText: 'requested' }).waitFor();
  await rows.nth(2).locator('.badge', { hasText: 'Reply' }).waitFor();
  await rows.nth(2).getByText(/Standard shipping takes 3 to 5 business days/).waitFor();
  await page.screenshot({ path: path.join(screenshotDir, 'conversations.png'), fullPage: true });

  // Filtering on hand-overs leaves the one.
  await page.getByRole('form', { name: 'Filters' }).getByLabel('Decision').selectOption('handover');
  await page.waitForURL(`${url}/conversations?decision=handover`);
  await runs.locator('tbody tr').first().locator('code', { hasText: 'requested' }).waitFor();
  await waitForCount(rows, 1);
  await page.getByRole('form', { name: 'Filters' }).getByRole('button', { name: 'Clear filters' }).click();
  await page.waitForURL(`${url}/conversations`);
  await waitForCount(rows, 3);

  // --- A run: its decision and trace, and a re-run with today's configuration ---
  const replyRunLink = rows.nth(2).getByRole('link', { name: /^Run #\d+$/ });
  const replyRunName = (await replyRunLink.textContent()) ?? '';
  await replyRunLink.click();
  await page.getByRole('heading', { level: 1, name: replyRunName }).waitFor();
  const decision = page.getByRole('region', { name: 'Decision' });
  await decision.locator('.badge', { hasText: 'Reply' }).waitFor();
  const runTrace = page.getByRole('region', { name: 'Trace' });
  const runChunk = runTrace.getByRole('table', { name: 'Knowledge chunks' }).getByRole('row', { name: /Shipping times/ });
  await runChunk.getByText('Used', { exact: true }).waitFor();
  const stored = await retrievalOf(runTrace);
  assert.deepEqual(stored, retrieval, 'the stored trace is the one the Playground showed');
  await page.getByRole('region', { name: 'Conversation' }).getByText('How long does standard shipping take?').waitFor();
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(screenshotDir, 'conversation-run.png'), fullPage: true });

  await page.getByRole('button', { name: 'Re-run with current configuration' }).click();
  const original = page.getByRole('region', { name: 'Original', exact: true });
  const rerun = page.getByRole('region', { name: 'Re-run', exact: true });
  await rerun.waitFor({ timeout: 60_000 });
  await original.locator('.badge', { hasText: 'Reply' }).waitFor();
  await rerun.locator('.badge', { hasText: 'Reply' }).waitFor();
  const differences = page.getByRole('table', { name: 'Differences' });
  await differences.getByRole('row', { name: /^Configuration/ }).getByText('Same', { exact: true }).waitFor();
  await differences.getByRole('row', { name: /^Chunk used/ }).getByText('Same', { exact: true }).waitFor();
  await page.getByText('Same configuration').waitFor();
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(screenshotDir, 'conversation-rerun.png'), fullPage: true });

  // --- Settings → Agent: the server's validation, per field; then saved ---
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Agent' }).click();
  await page.waitForURL(`${url}/settings/agent`);
  await page.getByRole('group', { name: 'Topic 1' }).getByLabel('Name').waitFor();
  await page.getByRole('button', { name: 'Add hours on Monday' }).click();
  await page.getByLabel('Monday, hours 1, from').fill('18:00');
  await page.getByLabel('Monday, hours 1, to').fill('17:00');
  await page.getByLabel('Time zone').fill('Europe/Paris');
  await page.getByRole('button', { name: 'Save agent settings' }).click();
  const monday = page.getByRole('group', { name: 'Opening hours' }).getByRole('group', { name: 'Monday' });
  await monday.getByText('"18:00-17:00" is not an opening span such as 09:00-17:00').waitFor();
  await page.getByLabel('Monday, hours 1, from').fill('09:00');
  await page.getByRole('button', { name: 'Save agent settings' }).click();
  await page.getByText('Saved. The next run uses these settings.').waitFor();
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(screenshotDir, 'agent-settings.png'), fullPage: true });

  // --- Settings → Model: the built-in provider has no chat model, and cannot translate ---
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Model' }).click();
  await page.getByRole('button', { name: 'Check chat' }).click();
  await page.getByText(/The chat model does not work yet.*the built-in provider has no chat model/).waitFor();
  await page.getByRole('note', { name: 'Translation' }).getByText('Translation needs an LLM provider.').waitFor();

  assert.deepEqual(errors, [], 'no page errors, such as Content-Security-Policy violations');
  await context.close();
});
