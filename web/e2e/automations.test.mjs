// Browser test: automations, training the AI model and the test box.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './browser.mjs';
import { startDeskmate } from './deskmate.mjs';
import { collectPageErrors, setupOwner } from './session.mjs';

const screenshotDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

const ORDER_STATUS_PHRASES = [
  'where is my order',
  'has my order shipped yet',
  'when will my package arrive',
  'track my parcel',
  "my order hasn't arrived",
  "what's the status of my order",
  'can you give me the tracking number',
];

const REFUND_PHRASES = [
  'i want a refund',
  'can i get my money back',
  'please refund my purchase',
  'how do i return an item for a refund',
  'i was charged twice, refund me',
  'when will i receive my refund',
  'the product is broken and i want my money returned',
];

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
 * Creates an automation on the New automation page and returns to the list.
 * @param {import('playwright-core').Page} page
 * @param {string} url
 * @param {string} name
 * @param {string[]} phrases
 * @param {string} response
 */
async function createAutomation(page, url, name, phrases, response) {
  await page.getByRole('link', { name: 'New automation' }).click();
  await page.waitForURL(`${url}/automations/new`);
  await page.getByLabel('Name', { exact: true }).fill(name);
  const box = page.getByLabel('New learning phrase');
  for (const phrase of phrases) {
    await box.fill(phrase);
    await box.press('Enter');
  }
  await page.getByText(`${phrases.length} phrases`, { exact: true }).waitFor();
  await page.getByLabel('Response', { exact: true }).fill(response);
  await page.getByRole('checkbox', { name: 'Active', exact: true }).check();
  await page.getByRole('button', { name: 'Create automation' }).click();
  await page.waitForURL(`${url}/automations`);
  await page.getByRole('rowheader', { name }).waitFor();
}

test('automations are created, trained and tested', async () => {
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

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Automations' }).click();
  await page.waitForURL(`${url}/automations`);
  await page.getByRole('heading', { level: 1, name: 'Automations' }).waitFor();
  await page.getByText('No model trained yet.').waitFor();

  await createAutomation(
    page,
    url,
    'Order status',
    ORDER_STATUS_PHRASES,
    'Hi {{customer.first_name}}, your order is on its way. You can follow it with the tracking link in your confirmation email.',
  );
  await createAutomation(
    page,
    url,
    'Refund',
    REFUND_PHRASES,
    'Hi {{customer.first_name}}, sorry about that. We have started your refund; it reaches your account in 5 to 10 days.',
  );
  const orderRow = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Order status' }) });
  await orderRow.getByText('Active', { exact: true }).waitFor();
  assert.equal(await orderRow.getByRole('cell').first().textContent(), '7');

  // Train, and wait for the run to finish.
  await page.getByRole('button', { name: 'Train AI' }).click();
  const latest = page.getByRole('group', { name: 'Latest training' });
  await latest.getByText('Stage: Done').waitFor({ timeout: 120_000 });
  await latest.getByText('Ready', { exact: true }).waitFor();
  assert.equal(await latest.getByLabel('Training progress').getAttribute('value'), '1');
  await page.getByText('Active model: version 1').waitFor();
  await page.getByRole('group', { name: 'Quality of version 1' }).getByRole('rowheader', { name: 'Refund' }).waitFor();

  // A paraphrase finds Order status.
  const message = page.getByLabel('Customer message');
  await message.fill('is my parcel on its way?');
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  const result = page.getByRole('region', { name: 'Test result' });
  await result.waitFor();
  await result.getByText('Order status', { exact: true }).waitFor();
  const decision = await result.locator('.badge').first().textContent();
  assert.ok(decision === 'Auto-answer' || decision === 'Suggest', `decision for the paraphrase: ${decision}`);
  await result.getByText(/Hi there, your order is on its way/).waitFor();
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(screenshotDir, 'automations.png'), fullPage: true });

  // Unrelated messages are "No match", and the badge follows the server's decision. A message
  // that shares several words with a phrase ("what's the weather on mars" against "what's the
  // status of my order") may still come back as a weak suggestion for an agent to check.
  const labels = { auto_answer: 'Auto-answer', suggest: 'Suggest', no_match: 'No match' };
  for (const [text, expected] of /** @type {const} */ ([
    ["what's the weather on mars", null],
    ['tell me a joke about penguins', 'no_match'],
    ['banana smoothie recipe', 'no_match'],
  ])) {
    await message.fill(text);
    const answer = page.waitForResponse((response) => response.url().endsWith('/automations/test'));
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    /** @type {{ decision: 'auto_answer' | 'suggest' | 'no_match', intent: { name: string } | null }} */
    const body = await (await answer).json();
    if (expected !== null) {
      assert.equal(body.decision, expected, `decision for ${JSON.stringify(text)}: ${JSON.stringify(body)}`);
    }
    await result.getByText(labels[body.decision], { exact: true }).waitFor();
    if (body.decision === 'no_match') {
      await result.getByText('None', { exact: true }).first().waitFor();
    }
  }

  assert.deepEqual(errors, [], 'the pages log no errors');
  await context.close();
});
