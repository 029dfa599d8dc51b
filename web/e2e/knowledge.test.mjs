// Browser test: a knowledge base, an uploaded FAQ, its ingestion, and a search that finds the answer.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './browser.mjs';
import { startDeskmate } from './deskmate.mjs';
import { collectPageErrors, setupOwner } from './session.mjs';

const screenshotDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

/** A small store FAQ, one question and answer per row. */
const FAQ_CSV = `question,answer
How long does shipping take?,"Orders leave our warehouse within 2 business days. Standard delivery takes 3 to 5 business days, express delivery 1 to 2."
How long do I have to return an item?,"You can send any unused item back within 30 days of delivery. Start a return from your order page and print the prepaid label."
When will I get my refund?,"Refunds go back to the original payment method within 5 business days after the returned parcel reaches our warehouse."
What does the warranty cover?,"Every product has a 2-year warranty against manufacturing defects. Accidental damage and normal wear are not covered."
What are your opening hours?,"Our support team answers Monday to Friday, 9:00 to 18:00 Central European Time. We are closed on public holidays."
Do you ship internationally?,"We deliver to all countries of the European Union, the United Kingdom, Switzerland and Norway. Customs fees may apply outside the EU."
Can I change my order after paying?,"Write to us within one hour of ordering and we will change the size, colour or address before the parcel is packed."
`;

/** @type {import('./deskmate.mjs').RunningDeskmate | undefined} */
let deskmate;
/** @type {import('playwright-core').Browser | undefined} */
let browser;
/** @type {string | undefined} */
let fileDir;

before(async () => {
  deskmate = await startDeskmate();
  browser = await launchChromium();
  await mkdir(screenshotDir, { recursive: true });
  fileDir = await mkdtemp(path.join(tmpdir(), 'deskmate-e2e-files-'));
});

after(async () => {
  await browser?.close();
  await deskmate?.stop();
  if (fileDir) {
    await rm(fileDir, { recursive: true, force: true });
  }
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

test('the owner uploads an FAQ, watches it ingest, and search finds the right answer', async () => {
  assert.ok(deskmate && browser && fileDir, 'Deskmate and Chromium are running');
  const url = deskmate.url;
  const faqPath = path.join(fileDir, 'store-faq.csv');
  await writeFile(faqPath, FAQ_CSV, 'utf8');

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = collectPageErrors(page);

  await setupOwner(page, url);

  // --- A workspace ---
  await page.getByRole('button', { name: 'New workspace' }).click();
  await page.getByLabel('Name').fill('Acme Support');
  await page.getByLabel('Gorgias domain').fill('acme');
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await page.getByText('Created Acme Support. It is now the current workspace.').waitFor();

  // --- Knowledge: a new knowledge base ---
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Knowledge' }).click();
  await page.waitForURL(`${url}/knowledge`);
  await page.getByRole('heading', { level: 1, name: 'Knowledge' }).waitFor();
  await page.getByText('No knowledge bases yet.', { exact: false }).waitFor();
  await page.getByRole('button', { name: 'New knowledge base' }).click();
  await page.getByLabel('Name').fill('Store policies');
  await page.getByLabel('Description').fill('Shipping, returns, refunds and warranty.');
  assert.equal(await page.getByLabel('Language').inputValue(), 'english');
  await page.getByRole('button', { name: 'Create knowledge base' }).click();
  await page.waitForURL(/\/knowledge\/[^/]+$/);
  await page.getByRole('heading', { level: 1, name: 'Store policies' }).waitFor();
  await page.getByText('No documents yet.').first().waitFor();

  // --- Upload the FAQ through the file input ---
  await page.getByRole('tab', { name: 'Upload files' }).waitFor();
  await page.getByLabel('Files to upload', { exact: true }).setInputFiles(faqPath);
  await page.getByRole('list', { name: 'Chosen files' }).getByText('store-faq.csv').waitFor();
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await page.getByText('Uploaded 1 file.').waitFor();

  // --- The progress bars reach 100% ---
  const documentsBar = page.getByRole('progressbar', { name: 'Documents' });
  const chunksBar = page.getByRole('progressbar', { name: 'Chunks' });
  await documentsBar.waitFor();
  await waitForFull([documentsBar, chunksBar], 60_000);
  assert.equal(await documentsBar.getAttribute('value'), '1');
  assert.equal(await documentsBar.getAttribute('max'), '1');
  assert.equal(await chunksBar.getAttribute('value'), '7', 'one chunk per question and answer');
  assert.equal(await chunksBar.getAttribute('max'), '7');
  await page.getByText('1 of 1 ready').waitFor();
  await page.getByText('Up to date').waitFor({ timeout: 15_000 });

  const docRow = page.getByRole('table', { name: 'Documents' }).getByRole('row', { name: /store-faq\.csv/ });
  await docRow.getByText('Ready').waitFor({ timeout: 15_000 });
  await docRow.getByRole('cell', { name: '7', exact: true }).waitFor();

  // --- A paraphrased question finds the returns answer first ---
  await page.getByLabel('Search question').fill('how long do I have to send something back');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const results = page.getByRole('list', { name: 'Search results' });
  const failed = page.getByText(/^Search failed\./);
  await results.or(failed).waitFor();
  if (await failed.isVisible()) {
    assert.fail((await failed.textContent()) ?? 'Search failed');
  }
  const first = results.getByRole('listitem').first();
  const firstTitle = await first.getByRole('heading').textContent();
  const firstText = await first.locator('.kb-result__text').textContent();
  assert.match(firstTitle ?? '', /How long do I have to return an item\?/, `first result: ${firstTitle} — ${firstText}`);
  assert.match(firstText ?? '', /within 30 days of delivery/);
  assert.ok((await first.locator('mark').count()) > 0, 'query words are highlighted');
  await first.getByText('Score').waitFor();
  assert.ok((await results.getByRole('listitem').count()) > 1, 'other chunks follow');

  await page.screenshot({ path: path.join(screenshotDir, 'knowledge.png'), fullPage: true });

  // --- The document's chunks show what was stored: one per FAQ pair ---
  await docRow.getByRole('button', { name: /^Show chunks of / }).click();
  const chunks = page.getByRole('list', { name: 'Chunks' });
  await chunks.getByText(/within 30 days of delivery/).waitFor();
  assert.equal(await chunks.getByRole('listitem').count(), 7);
  await chunks.screenshot({ path: path.join(screenshotDir, 'knowledge-chunks.png') });

  // --- The list shows the counts ---
  await page.getByRole('link', { name: 'Knowledge', exact: true }).first().click();
  await page.waitForURL(`${url}/knowledge`);
  const row = page.getByRole('table', { name: 'Knowledge bases' }).getByRole('row', { name: /Store policies/ });
  await row.getByRole('cell', { name: '7', exact: true }).waitFor();
  await row.getByText('English').waitFor();

  assert.deepEqual(errors, [], 'no page errors, such as Content-Security-Policy violations');
  await context.close();
});
