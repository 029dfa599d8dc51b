// Signing in for browser tests: the first run of a fresh Deskmate creates its owner.

/**
 * @typedef {object} Account
 * @property {string} name
 * @property {string} email
 * @property {string} password
 */

/** The owner every browser test creates on its fresh Deskmate. */
export const OWNER = Object.freeze({
  name: 'Olivia Owner',
  email: 'owner@acme.test',
  password: 'owner password 1234',
});

/**
 * Opens a fresh Deskmate at `url`, which sends the browser to the setup page, and creates the
 * owner there. Resolves once the owner is signed in on the Workspaces page.
 * @param {import('playwright-core').Page} page
 * @param {string} url Base URL of the server.
 * @param {{ account?: Account, beforeSubmit?: (page: import('playwright-core').Page) => Promise<void> }} [options]
 * @returns {Promise<Account>}
 */
export async function setupOwner(page, url, options = {}) {
  const account = options.account ?? OWNER;
  await page.goto(`${url}/`);
  await page.waitForURL(`${url}/setup`);
  await page.getByRole('heading', { name: 'Set up Deskmate' }).waitFor();
  await page.getByLabel('Your name').fill(account.name);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByLabel('Confirm password').fill(account.password);
  if (options.beforeSubmit) {
    await options.beforeSubmit(page);
  }
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(`${url}/workspaces`);
  await page.getByRole('heading', { level: 1, name: 'Workspaces' }).waitFor();
  return account;
}

/**
 * Signs in on the login page.
 * @param {import('playwright-core').Page} page
 * @param {string} url Base URL of the server.
 * @param {Account} account
 */
export async function signIn(page, url, account) {
  await page.goto(`${url}/login`);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((current) => current.pathname !== '/login');
}

/**
 * Collects what a page reports as broken: uncaught errors and console errors, such as a
 * Content-Security-Policy violation. Failed requests are left out: tests cause some on purpose
 * (403 for a role, 401 before signing in) and check their statuses themselves.
 * @param {import('playwright-core').Page} page
 * @returns {string[]} Filled as the page runs.
 */
export function collectPageErrors(page) {
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(message.text());
    }
  });
  return errors;
}
