// The admin console in a real browser: Debian's chromium driven by playwright-core (no browser download).
//
// Environment:
//   CONSOLE_URL        where the built console is served, with amplifyconfiguration.json next to index.html (required)
//   AQ_PASSWORD        the users' password (required)
//   AQ_ADMIN_USER      a member of the administering group (default alice)
//   AQ_USER            a user in no group (default bob)
//   AQ_OTHER_USERS     comma-separated users in no group; the first is added to Editors and removed (default carol,...)
//   AQ_ARTIFACTS_DIR   where the screenshots go (default clients/artifacts)
//   CHROMIUM           the chromium binary (default /usr/bin/chromium)
//
// chromium.launch gives every run a fresh temporary profile (user-data-dir) that it deletes on close; each
// scenario also gets a fresh browser context, so no session leaks from one user to the next.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { signIn, signOut } from 'aws-amplify/auth';
import { configureFromAmplifyConfiguration } from '../lib/amplify-config.mjs';
import { adminGet, adminPost } from '../lib/admin-api.mjs';

const FORBIDDEN = 'User does not have permissions to perform administrative tasks';
const GROUP = 'Editors';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (see clients/README.md)`);
  return value;
}

const consoleUrl = new URL(required('CONSOLE_URL'));
if (!consoleUrl.pathname.endsWith('/') && !consoleUrl.pathname.endsWith('.html')) consoleUrl.pathname += '/';
const password = required('AQ_PASSWORD');
const admin = process.env.AQ_ADMIN_USER || 'alice';
const user = process.env.AQ_USER || 'bob';
const target = (process.env.AQ_OTHER_USERS || 'carol,dave,erin').split(',')[0].trim();
const here = dirname(fileURLToPath(import.meta.url));
const artifacts = resolve(process.env.AQ_ARTIFACTS_DIR || join(here, '..', 'artifacts'));
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

let browser;

async function screenshot(page, name) {
  await page.screenshot({ path: join(artifacts, name), fullPage: true });
}

/** A fresh context and page, with the page's uncaught errors collected. */
async function freshPage() {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error));
  return { context, page };
}

async function signInThroughTheForm(page, username) {
  await page.goto(consoleUrl.href);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#session-user').filter({ hasText: username }).waitFor();
}

const userRows = (page) => page.locator('#user-table tbody tr');
const userNames = (page) => page.locator('#user-table tbody button.link').allTextContents();

/** Takes the target out of the group and enables it again through the API, in case a failed run left it so. */
async function restoreGroup() {
  const response = await fetch(new URL('amplifyconfiguration.json', consoleUrl));
  const { authFlowType } = configureFromAmplifyConfiguration(await response.json());
  await signIn({ username: admin, password, options: { authFlowType } });
  try {
    const members = await adminGet('/listUsersInGroup', { groupname: GROUP, limit: 60 });
    if (members.body.Users?.some((member) => member.Username === target)) {
      await adminPost('/removeUserFromGroup', { username: target, groupname: GROUP });
    }
    const details = await adminGet('/getUser', { username: target });
    if (details.body.Enabled === false) await adminPost('/enableUser', { username: target });
  } finally {
    await signOut();
  }
}

describe('the admin console in chromium', { timeout: 180_000 }, () => {
  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  after(async () => {
    await browser?.close();
  });

  test('without amplifyconfiguration.json it says how to get one', async () => {
    const { context, page } = await freshPage();
    try {
      await page.route('**/amplifyconfiguration.json', (route) => route.fulfill({ status: 404, body: 'Not found' }));
      await page.goto(consoleUrl.href);
      const alert = page.locator('#config-error');
      await alert.waitFor();
      assert.equal(await alert.getAttribute('role'), 'alert');
      assert.match(await alert.textContent(), /cargo xtask console/);
      assert.match(await alert.textContent(), /outputs\/<env>\/amplifyconfiguration\.json/);
      assert.equal(await page.locator('#sign-in').isVisible(), false);
      await screenshot(page, '00-missing-config.png');
    } finally {
      await context.close();
    }
  });

  const adminTitle = `the administrator (${admin}) lists, pages, filters, adds ${target} to ${GROUP} and back, disables and enables`;
  test(adminTitle, async () => {
    const { context, page } = await freshPage();
    try {
      await page.goto(consoleUrl.href);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await screenshot(page, '01-sign-in.png');

      await signInThroughTheForm(page, admin);
      await page.getByRole('button', { name: `Open ${admin}` }).waitFor();
      const everyone = await userNames(page);
      for (const name of [admin, user, target]) assert.ok(everyone.includes(name), `${name} is listed: ${everyone}`);
      assert.equal(await page.locator('#error').isVisible(), false, 'no error after signing in');
      await screenshot(page, '02-signed-in-user-list.png');

      // Paging with NextToken: two users a page.
      await page.getByLabel('Per page').fill('2');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.locator('#page-number').filter({ hasText: 'Page 1' }).waitFor();
      await page.waitForFunction(() => document.querySelectorAll('#user-table tbody button.link').length === 2);
      const first = await userNames(page);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.locator('#page-number').filter({ hasText: 'Page 2' }).waitFor();
      await page.waitForFunction(() => document.querySelectorAll('#user-table tbody button.link').length > 0);
      const second = await userNames(page);
      const overlap = second.filter((name) => first.includes(name));
      assert.deepEqual(overlap, [], `page 2 (${second}) differs from page 1 (${first})`);
      await screenshot(page, '03-page-2.png');
      await page.getByRole('button', { name: 'Previous' }).click();
      await page.locator('#page-number').filter({ hasText: 'Page 1' }).waitFor();
      await page.waitForFunction(() => document.querySelectorAll('#user-table tbody button.link').length > 0);
      assert.deepEqual(await userNames(page), first, 'Previous shows page 1 again');

      // The structured filter.
      await page.getByLabel('Per page').fill('10');
      await page.getByLabel('Attribute').selectOption('username');
      await page.getByLabel('Match').selectOption('^=');
      await page.getByLabel('Value').fill(target.slice(0, 3));
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.locator('#user-caption').filter({ hasText: 'matching' }).waitFor();
      const filtered = await userNames(page);
      assert.ok(filtered.includes(target), `the filter finds ${target}: ${filtered}`);
      assert.ok(filtered.every((name) => name.startsWith(target.slice(0, 3))), `only matches: ${filtered}`);
      await screenshot(page, '04-filtered.png');

      // One user: details, then into the group and out again.
      await page.getByRole('button', { name: `Open ${target}` }).click();
      await page.getByRole('heading', { name: `User ${target}` }).waitFor();
      assert.match(await page.locator('#user-facts').textContent(), /CONFIRMED/);
      assert.match(await page.locator('#attribute-table').textContent(), /sub/);
      await screenshot(page, '05-user-details.png');

      await page.getByLabel('Group', { exact: true }).selectOption(GROUP);
      await page.getByRole('button', { name: 'Add to group' }).click();
      await page.getByRole('button', { name: `Remove from ${GROUP}` }).waitFor();
      assert.equal(await page.locator('#notice').textContent(), `Success adding ${target} to ${GROUP}`);
      assert.match(await page.locator('#user-groups').textContent(), new RegExp(GROUP));
      await screenshot(page, '06-added-to-group.png');

      await page.getByRole('button', { name: `Remove from ${GROUP}` }).click();
      await page.locator('#user-groups').filter({ hasText: 'In no group.' }).waitFor();
      assert.equal(await page.locator('#notice').textContent(), `Removed ${target} from ${GROUP}`);
      await screenshot(page, '07-removed-from-group.png');

      await page.getByRole('button', { name: 'Disable user' }).click();
      await page.getByRole('button', { name: 'Enable user' }).waitFor();
      assert.equal(await page.locator('#notice').textContent(), `Disabled ${target}`);
      assert.match(await page.locator('#user-facts').textContent(), /Enabledno/);
      await page.getByRole('button', { name: 'Enable user' }).click();
      await page.getByRole('button', { name: 'Disable user' }).waitFor();
      assert.equal(await page.locator('#notice').textContent(), `Enabled ${target}`);
      assert.match(await page.locator('#user-facts').textContent(), /Enabledyes/);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      assert.equal(await userRows(page).count(), 0, 'the list is gone after signing out');
      assert.deepEqual(page.errors, [], 'no uncaught errors in the page');
    } catch (error) {
      await screenshot(page, 'failed-administrator.png').catch(() => {});
      throw error;
    } finally {
      await context.close();
      await restoreGroup();
    }
  });

  test(`a user in no group (${user}) sees the API's 403 message`, async () => {
    const { context, page } = await freshPage();
    try {
      await signInThroughTheForm(page, user);
      const alert = page.locator('#error');
      await alert.filter({ hasText: FORBIDDEN }).waitFor();
      assert.equal(await alert.getAttribute('role'), 'alert');
      assert.equal((await alert.textContent()).trim(), FORBIDDEN);
      await screenshot(page, '08-non-admin-forbidden.png');
      assert.deepEqual(page.errors, [], 'no uncaught errors in the page');
    } finally {
      await context.close();
    }
  });
});
