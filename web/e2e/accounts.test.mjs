// Browser test: first run, a workspace, an invitation, and what an editor may and may not do.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './browser.mjs';
import { startDeskmate } from './deskmate.mjs';
import { OWNER, collectPageErrors, setupOwner } from './session.mjs';

const screenshotDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

const EDITOR = { name: 'Eddie Editor', email: 'editor@acme.test', password: 'editor password 1234' };

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
 * Calls the API from inside the page, as the app would: with the session cookie and the CSRF
 * token from /api/auth/me. Returns the status and the parsed body.
 * @param {import('playwright-core').Page} page
 * @param {string} method
 * @param {string} apiPath
 * @param {unknown} [body]
 * @returns {Promise<{ status: number, body: any }>}
 */
function callApi(page, method, apiPath, body) {
  return page.evaluate(
    async ({ method, apiPath, body }) => {
      const me = /** @type {{ csrf_token: string }} */ (
        await (await fetch('/api/auth/me', { credentials: 'same-origin' })).json()
      );
      /** @type {Record<string, string>} */
      const headers = { Accept: 'application/json', 'X-CSRF-Token': me.csrf_token };
      /** @type {RequestInit} */
      const init = { method, headers, credentials: 'same-origin' };
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(body);
      }
      const response = await fetch(apiPath, init);
      const text = await response.text();
      return { status: response.status, body: text === '' ? null : JSON.parse(text) };
    },
    { method, apiPath, body },
  );
}

test('owner sets up, invites an editor, and the editor cannot change admin settings', async () => {
  assert.ok(deskmate && browser, 'Deskmate and Chromium are running');
  const url = deskmate.url;

  // --- The owner: first run ---
  const ownerContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const owner = await ownerContext.newPage();
  const ownerErrors = collectPageErrors(owner);

  await setupOwner(owner, url, {
    beforeSubmit: async (page) => {
      await page.screenshot({ path: path.join(screenshotDir, 'setup.png'), fullPage: true });
    },
  });
  assert.equal(new URL(owner.url()).pathname, '/workspaces');
  await owner.getByRole('banner').getByRole('button', { name: /Olivia Owner/ }).waitFor();

  // --- A workspace ---
  await owner.getByRole('button', { name: 'New workspace' }).click();
  await owner.getByLabel('Name').fill('Acme Support');
  assert.equal(await owner.getByLabel('Slug').inputValue(), 'acme-support', 'the slug follows the name');
  await owner.getByLabel('Gorgias domain').fill('acme');
  const tags = owner.getByLabel('Managed tags');
  await tags.fill('ai-agent');
  await tags.press('Enter');
  await owner.getByRole('button', { name: 'Remove tag ai-agent' }).waitFor();
  await owner.getByRole('button', { name: 'Create workspace' }).click();
  await owner.getByText('Created Acme Support. It is now the current workspace.').waitFor();
  const row = owner.getByRole('row').filter({ has: owner.getByRole('rowheader', { name: /Acme Support/ }) });
  await row.getByText('acme.gorgias.com').waitFor();
  await row.getByText('ai-agent', { exact: true }).waitFor();
  const switcher = owner.getByRole('banner').getByLabel('Workspace');
  await switcher.locator('option', { hasText: 'Acme Support' }).waitFor({ state: 'attached' });

  // --- Invite an editor ---
  await owner.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await owner.waitForURL(`${url}/settings/general`);
  const ownerTabs = owner.getByRole('navigation', { name: 'Settings' }).getByRole('link');
  assert.deepEqual(await ownerTabs.allTextContents(), ['General', 'Agent', 'Model', 'Members', 'API tokens', 'Audit log']);
  await owner.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Members' }).click();
  await owner.getByRole('rowheader', { name: /Olivia Owner/ }).waitFor();
  await owner.getByRole('button', { name: 'Invite', exact: true }).click();
  await owner.getByLabel('Email').fill(EDITOR.email);
  await owner.getByLabel('Role', { exact: true }).selectOption('editor');
  await owner.getByRole('button', { name: 'Create invitation link' }).click();
  const linkBox = owner.getByRole('textbox', { name: 'Invitation link' });
  await linkBox.waitFor();
  const inviteUrl = await linkBox.inputValue();
  assert.match(inviteUrl, new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/invite/[^/]+$`));
  await owner.getByText(/shown only once/).waitFor();
  await owner.getByRole('region', { name: 'Pending invitations' }).getByText(EDITOR.email).waitFor();
  await owner.screenshot({ path: path.join(screenshotDir, 'members.png'), fullPage: true });

  // --- The editor accepts, in another browser ---
  const editorContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const editor = await editorContext.newPage();
  const editorErrors = collectPageErrors(editor);
  await editor.goto(inviteUrl);
  await editor.getByRole('heading', { name: 'Join Acme Support' }).waitFor();
  await editor.getByText(EDITOR.email).waitFor();
  await editor.getByText('Editor', { exact: true }).waitFor();
  await editor.getByLabel('Your name').fill(EDITOR.name);
  await editor.getByLabel('Choose a password').fill(EDITOR.password);
  await editor.getByLabel('Confirm password').fill(EDITOR.password);
  await editor.getByRole('button', { name: 'Join Acme Support' }).click();
  await editor.waitForURL(`${url}/settings/general`);
  await editor.getByRole('banner').getByRole('button', { name: /Eddie Editor/ }).waitFor();
  assert.equal(await editor.getByRole('banner').getByLabel('Workspace').inputValue() !== '', true);

  // No admin tabs, and read-only forms.
  const editorTabs = editor.getByRole('navigation', { name: 'Settings' }).getByRole('link');
  assert.deepEqual(await editorTabs.allTextContents(), ['General', 'Agent', 'Model']);
  await editor.getByRole('heading', { name: 'Gorgias connection' }).waitFor();
  assert.equal(await editor.getByLabel('Name').isDisabled(), true, 'the workspace name is read-only');
  await editor.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Model' }).click();
  const modelForm = editor.getByRole('form', { name: 'Model settings' });
  await modelForm.waitFor();
  assert.equal(await modelForm.getByLabel('Provider').isDisabled(), true, 'the provider is read-only');
  assert.equal(await modelForm.getByLabel('Chat model').isDisabled(), true, 'the chat model is read-only');
  const saveButtons = modelForm.getByRole('button', { name: /save/i });
  for (let i = 0; i < (await saveButtons.count()); i++) {
    assert.equal(await saveButtons.nth(i).isEnabled(), false, 'no enabled Save button');
  }
  await modelForm.getByText('Only admins can change this.').waitFor();
  await editor.screenshot({ path: path.join(screenshotDir, 'editor-settings.png'), fullPage: true });
  await editor.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Agent' }).click();
  const agentForm = editor.getByRole('form', { name: 'Agent settings' });
  await agentForm.getByText('Only admins can change this.').waitFor();
  const topicName = agentForm.getByRole('group', { name: 'Topic 1' }).getByLabel('Name');
  assert.equal(await topicName.isDisabled(), true, 'topics are read-only');
  assert.equal(await agentForm.getByRole('button', { name: 'Save agent settings' }).count(), 0, 'no Save button');

  // The tabs are hidden, and the server refuses too.
  /** @type {{ status: number, body: any }} */
  const me = await editor.evaluate(async () => {
    const response = await fetch('/api/auth/me');
    return { status: response.status, body: await response.json() };
  });
  assert.equal(me.status, 200);
  assert.equal(me.body.user.email, EDITOR.email);
  const workspace = me.body.workspaces.find((/** @type {{ name: string }} */ w) => w.name === 'Acme Support');
  assert.ok(workspace, `Acme Support in ${JSON.stringify(me.body.workspaces)}`);
  assert.equal(workspace.role, 'editor');

  const putModel = await callApi(editor, 'PUT', `/api/workspaces/${workspace.id}/model-settings`, {
    provider: 'openai',
    base_url: 'https://api.openai.com/v1',
    chat_model: 'gpt-4o-mini',
    embedding_model: 'text-embedding-3-small',
  });
  assert.equal(putModel.status, 403, `PUT model-settings as editor: ${JSON.stringify(putModel.body)}`);
  assert.equal(putModel.body?.error?.code, 'forbidden');
  const putAgent = await callApi(editor, 'PUT', `/api/workspaces/${workspace.id}/agent-settings`, { max_bot_replies: 3 });
  assert.equal(putAgent.status, 403, `PUT agent-settings as editor: ${JSON.stringify(putAgent.body)}`);

  const members = await callApi(editor, 'GET', `/api/workspaces/${workspace.id}/members`);
  assert.equal(members.status, 200, 'an editor may read the members');
  const ownerMember = members.body.find((/** @type {{ email: string }} */ m) => m.email === 'owner@acme.test');
  assert.ok(ownerMember, `the owner in ${JSON.stringify(members.body)}`);
  const patchMember = await callApi(editor, 'PATCH', `/api/workspaces/${workspace.id}/members/${ownerMember.user_id}`, {
    role: 'viewer',
  });
  assert.equal(patchMember.status, 403, `PATCH member as editor: ${JSON.stringify(patchMember.body)}`);
  assert.equal(patchMember.body?.error?.code, 'forbidden');

  // Opening an admin tab directly explains instead of showing it.
  await editor.goto(`${url}/settings/members`);
  await editor.getByText('Only admins and owners of this workspace can see this.').waitFor();

  // --- The owner sees it all in the audit log ---
  await owner.getByRole('button', { name: 'Done' }).click();
  await owner.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Audit log' }).click();
  await owner.getByText('Accepted an invitation').waitFor();
  await owner.getByText('Invited someone').waitFor();
  await owner.getByText('Created the workspace').waitFor();

  assert.deepEqual(ownerErrors, [], 'the owner’s pages log no errors');
  assert.deepEqual(editorErrors, [], 'the editor’s pages log no errors');
  await ownerContext.close();
  await editorContext.close();
});

test('login explains wrong passwords and returns to the page asked for', async () => {
  assert.ok(deskmate && browser, 'Deskmate and Chromium are running');
  const url = deskmate.url;
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const errors = collectPageErrors(page);

  await page.goto(`${url}/settings/members`);
  await page.waitForURL(`${url}/login`);
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password', { exact: true }).fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.notEqual((await alert.textContent())?.trim(), '', 'the server’s message is shown');

  await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${url}/settings/members`);
  await page.getByRole('rowheader', { name: /Olivia Owner/ }).waitFor();

  // Sign out from the user menu.
  await page.getByRole('banner').getByRole('button', { name: /Olivia Owner/ }).click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.waitForURL(`${url}/login`);
  const after = await page.evaluate(async () => (await fetch('/api/auth/me')).status);
  assert.equal(after, 401, 'the session is gone on the server');

  assert.deepEqual(errors, [], 'the page logs no errors');
  await context.close();
});
