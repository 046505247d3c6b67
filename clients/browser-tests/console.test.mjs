// The admin console in a real browser: Chromium driven by playwright-core (no browser download): the one that
// CHROMIUM_PATH names, else a chromium on PATH (Debian's, say), else the headless Chromium that the
// @sparticuz/chromium package ships (unpacked into the system's temporary directory on first use).
//
// Environment:
//   CONSOLE_URL        where the built console is served, with amplifyconfiguration.json next to index.html (required)
//   AQ_PASSWORD        the users' password (required)
//   AQ_ADMIN_USER      a member of the administering group (default alice)
//   AQ_USER            a user in no group (default bob)
//   AQ_OTHER_USERS     comma-separated users in no group; the first is added to Editors and removed, disabled and
//                      enabled (default carol,dave,erin)
//   AQ_ARTIFACTS_DIR   where the screenshots go (default clients/artifacts)
//   CHROMIUM_PATH      the Chromium binary to drive (default: chromium on PATH, else @sparticuz/chromium's)
//
// chromium.launch gives every run a fresh temporary profile (user-data-dir) that it deletes on close; each
// scenario also gets a fresh browser context, so no session leaks from one user to the next. The console marks
// <main aria-busy="true"> while a user action (and the refresh after it) runs; the steps wait for it to end.
// The console is served with a Content-Security-Policy (and index.html carries one for static hosting): every
// page's CSP violations are collected and must stay empty.
// Calls made from Node (the API's own messages, restoring state) configure aws-amplify from the same served
// amplifyconfiguration.json and send the token kind it names.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { signIn, signOut } from 'aws-amplify/auth';
import { configureFromAmplifyConfiguration } from '../lib/amplify-config.mjs';
import { adminGet, adminPost, messageOf } from '../lib/admin-api.mjs';

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

/** The browser to drive and where it comes from: CHROMIUM_PATH, else a chromium on PATH, else @sparticuz/chromium. */
async function findChromium() {
  if (process.env.CHROMIUM_PATH) return { executablePath: process.env.CHROMIUM_PATH, from: 'CHROMIUM_PATH' };
  const names = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];
  for (const dir of (process.env.PATH || '').split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        if (statSync(candidate).isFile()) return { executablePath: candidate, from: 'PATH' };
      } catch {
        // not there
      }
    }
  }
  const { default: packaged } = await import('@sparticuz/chromium');
  return { executablePath: await packaged.executablePath(), from: '@sparticuz/chromium' };
}

let browser;
let chromiumSource;

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
  page.cspViolations = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) page.cspViolations.push(message.text());
  });
  return { context, page };
}

/** Waits until the user action under way, and the refresh after it, is done. */
const settled = (page) => page.locator('main[aria-busy="false"]').waitFor();

async function signInThroughTheForm(page, username) {
  await page.goto(consoleUrl.href);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#session-user').filter({ hasText: username }).waitFor();
  await settled(page);
  assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '', 'the password field is cleared');
}

const userRows = (page) => page.locator('#user-table tbody tr');
const userNames = (page) => page.locator('#user-table tbody button.link').allTextContents();

/** Runs `work(tokenKind)` in Node signed in as the administrator, from the console's own configuration. */
async function asAdmin(work) {
  const response = await fetch(new URL('amplifyconfiguration.json', consoleUrl));
  assert.equal(response.status, 200, 'the console serves amplifyconfiguration.json');
  const { authFlowType, tokenKind } = configureFromAmplifyConfiguration(await response.json());
  await signIn({ username: admin, password, options: { authFlowType } });
  try {
    return await work(tokenKind);
  } finally {
    await signOut();
  }
}

/** Takes the target out of the group and enables it again through the API, in case a failed run left it so. */
function restoreGroup() {
  return asAdmin(async (tokenKind) => {
    const members = await adminGet('/listUsersInGroup', { groupname: GROUP, limit: 60 }, { tokenKind });
    assert.equal(members.status, 200, `listUsersInGroup: ${messageOf(members)}`);
    if (members.body.Users.some((member) => member.Username === target)) {
      const removed = await adminPost('/removeUserFromGroup', { username: target, groupname: GROUP }, { tokenKind });
      assert.equal(removed.status, 200, `removeUserFromGroup: ${messageOf(removed)}`);
    }
    const details = await adminGet('/getUser', { username: target }, { tokenKind });
    assert.equal(details.status, 200, `getUser: ${messageOf(details)}`);
    if (details.body.Enabled === false) {
      const enabled = await adminPost('/enableUser', { username: target }, { tokenKind });
      assert.equal(enabled.status, 200, `enableUser: ${messageOf(enabled)}`);
    }
  });
}

/** The API's own answer to an administrator disabling themselves (a 409 that changes nothing). */
function selfDisableAnswer() {
  return asAdmin(async (tokenKind) => {
    const response = await adminPost('/disableUser', { username: admin }, { tokenKind });
    assert.equal(response.status, 409, `disabling oneself is refused: ${JSON.stringify(response.body)}`);
    return messageOf(response);
  });
}

describe('the admin console in chromium', { timeout: 180_000 }, () => {
  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    chromiumSource = await findChromium();
    browser = await chromium.launch({
      executablePath: chromiumSource.executablePath,
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

  test('the console is served with a Content-Security-Policy that the browser enforces', async (t) => {
    t.diagnostic(`browser: Chromium ${browser.version()} from ${chromiumSource.from} (${chromiumSource.executablePath})`);
    const config = await (await fetch(new URL('amplifyconfiguration.json', consoleUrl))).json();
    const { context, page } = await freshPage();
    try {
      const response = await page.goto(consoleUrl.href);
      const policy = response.headers()['content-security-policy'];
      assert.ok(policy, 'the page comes with a Content-Security-Policy header');
      const directives = Object.fromEntries(
        policy.split(';').map((directive) => {
          const [name, ...sources] = directive.trim().split(/\s+/);
          return [name, sources];
        }),
      );
      assert.deepEqual(directives['default-src'], ["'none'"], policy);
      assert.deepEqual(directives['script-src'], ["'self'"], policy);
      assert.deepEqual(directives['style-src'], ["'self'"], policy);
      // Exactly the console itself, the API and Cognito, as the environment's configuration names them.
      const api = new URL(config.aws_cloud_logic_custom[0].endpoint).origin;
      const cognito = config.aws_user_pools_endpoint
        ? new URL(config.aws_user_pools_endpoint).origin
        : `https://cognito-idp.${config.aws_cognito_region}.amazonaws.com`;
      assert.deepEqual([...directives['connect-src']].sort(), ["'self'", api, cognito].sort(), policy);
      // index.html carries the policy for static hosting, which cannot know the hosts in advance.
      const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      assert.match(meta, /script-src 'self';/);
      assert.match(meta, /connect-src 'self' https:\/\/\*\.amazonaws\.com /);

      // Enforced: a connection to a host the header does not name, and an injected inline script, are refused.
      const violation = (attempt) =>
        page.evaluate(
          (attempt) =>
            new Promise((resolve) => {
              document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true });
              setTimeout(() => resolve('no violation'), 5_000);
              if (attempt === 'connect') {
                fetch('http://127.0.0.1:9/').catch(() => {});
              } else {
                const script = document.createElement('script');
                script.textContent = 'window.injected = true';
                document.head.append(script);
              }
            }),
          attempt,
        );
      assert.equal(await violation('connect'), 'connect-src');
      assert.equal(await violation('inline script'), 'script-src-elem');
      assert.equal(await page.evaluate(() => window.injected), undefined, 'the injected inline script did not run');
      await page.locator('#sign-in').waitFor();
      assert.deepEqual(page.errors, [], 'no uncaught errors in the page');
    } finally {
      await context.close();
    }
  });

  const adminTitle =
    `the administrator (${admin}) lists, pages, filters, adds ${target} to ${GROUP} and back, disables and ` +
    'enables, is refused disabling themselves, signs out';
  test(adminTitle, async (t) => {
    const selfDisableMessage = await selfDisableAnswer();
    const { context, page } = await freshPage();
    let failure;
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

      // Paging with NextToken: at most two users a page. Cognito may answer a short page before the last, so only
      // "at most two", "not the same users" and "Previous gives page 1 back" are asserted.
      await page.getByLabel('Per page').fill('2');
      await page.getByRole('button', { name: 'Apply' }).click();
      await settled(page);
      await page.locator('#page-number').filter({ hasText: 'Page 1' }).waitFor();
      const first = await userNames(page);
      assert.ok(first.length >= 1 && first.length <= 2, `page 1 holds one or two users: ${first}`);
      assert.equal(await page.getByRole('button', { name: 'Next' }).isEnabled(), true, 'more users than a page');
      await page.getByRole('button', { name: 'Next' }).click();
      await settled(page);
      await page.locator('#page-number').filter({ hasText: 'Page 2' }).waitFor();
      const second = await userNames(page);
      assert.ok(second.length <= 2, `page 2 holds at most two users: ${second}`);
      const overlap = second.filter((name) => first.includes(name));
      assert.deepEqual(overlap, [], `page 2 (${second}) differs from page 1 (${first})`);
      await screenshot(page, '03-page-2.png');
      await page.getByRole('button', { name: 'Previous' }).click();
      await settled(page);
      await page.locator('#page-number').filter({ hasText: 'Page 1' }).waitFor();
      assert.deepEqual(await userNames(page), first, 'Previous shows page 1 again');

      // The structured filter.
      await page.getByLabel('Per page').fill('10');
      await page.getByLabel('Attribute').selectOption('username');
      await page.getByLabel('Match').selectOption('^=');
      await page.getByLabel('Value').fill(target.slice(0, 3));
      await page.getByRole('button', { name: 'Apply' }).click();
      await settled(page);
      await page.locator('#user-caption').filter({ hasText: 'matching' }).waitFor();
      const filtered = await userNames(page);
      assert.ok(filtered.includes(target), `the filter finds ${target}: ${filtered}`);
      assert.ok(filtered.every((name) => name.startsWith(target.slice(0, 3))), `only matches: ${filtered}`);
      await screenshot(page, '04-filtered.png');

      // One user: details, then into the group and out again.
      await page.getByRole('button', { name: `Open ${target}` }).click();
      await settled(page);
      await page.getByRole('heading', { name: `User ${target}` }).waitFor();
      assert.match(await page.locator('#user-facts').textContent(), /CONFIRMED/);
      assert.match(await page.locator('#attribute-table').textContent(), /sub/);
      await screenshot(page, '05-user-details.png');

      await page.getByLabel('Group', { exact: true }).selectOption(GROUP);
      await page.getByRole('button', { name: 'Add to group' }).click();
      await settled(page);
      await page.getByRole('button', { name: `Remove from ${GROUP}` }).waitFor();
      assert.equal(await page.locator('#notice').textContent(), `Success adding ${target} to ${GROUP}`);
      assert.match(await page.locator('#user-groups').textContent(), new RegExp(GROUP));
      await screenshot(page, '06-added-to-group.png');

      await page.getByRole('button', { name: `Remove from ${GROUP}` }).click();
      await settled(page);
      await page.locator('#user-groups').filter({ hasText: 'In no group.' }).waitFor();
      assert.equal(await page.locator('#notice').textContent(), `Removed ${target} from ${GROUP}`);
      await screenshot(page, '07-removed-from-group.png');

      await page.getByRole('button', { name: 'Disable user' }).click();
      await settled(page);
      await page.getByRole('button', { name: 'Enable user' }).waitFor();
      assert.equal(await page.locator('#notice').textContent(), `Disabled ${target}`);
      assert.match(await page.locator('#user-facts').textContent(), /Enabledno/);
      await screenshot(page, '08-disabled.png');

      await page.getByRole('button', { name: 'Enable user' }).click();
      await settled(page);
      await page.getByRole('button', { name: 'Disable user' }).waitFor();
      assert.equal(await page.locator('#notice').textContent(), `Enabled ${target}`);
      assert.match(await page.locator('#user-facts').textContent(), /Enabledyes/);
      await screenshot(page, '09-enabled.png');

      // Disabling oneself: the API refuses (409) and the console shows its message as it comes, still there after
      // the refresh that follows the action.
      await page.getByRole('button', { name: 'Clear' }).click();
      await settled(page);
      await page.getByRole('button', { name: `Open ${admin}` }).click();
      await settled(page);
      await page.getByRole('heading', { name: `User ${admin}` }).waitFor();
      await page.getByRole('button', { name: 'Disable user' }).click();
      await settled(page);
      const alert = page.locator('#error');
      assert.equal(await alert.isVisible(), true, 'the API error is shown after the refresh');
      assert.equal(await alert.getAttribute('role'), 'alert');
      assert.equal(await alert.textContent(), selfDisableMessage, "the API's message, verbatim");
      assert.equal(await page.locator('#notice').isVisible(), false, 'no success notice');
      assert.match(await page.locator('#user-facts').textContent(), /Enabledyes/, `${admin} is still enabled`);
      assert.equal(await page.getByRole('button', { name: 'Disable user' }).isVisible(), true);
      await screenshot(page, '10-disable-self-refused.png');

      await page.getByRole('button', { name: 'Sign out' }).click();
      await settled(page);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      assert.equal(await userRows(page).count(), 0, 'the list is gone after signing out');
      assert.equal(await page.locator('#session').isVisible(), false, 'no session shown');
      assert.equal(await page.locator('#error').isVisible(), false, 'signing out clears the error');
      assert.equal(await page.locator('#notice').textContent(), 'Signed out.');
      await screenshot(page, '11-signed-out.png');
      assert.deepEqual(page.errors, [], 'no uncaught errors in the page');
      assert.deepEqual(page.cspViolations, [], 'nothing the console does is refused by its Content-Security-Policy');
    } catch (error) {
      failure = error;
      await screenshot(page, 'failed-administrator.png').catch(() => {});
      throw error;
    } finally {
      await context.close().catch(() => {});
      try {
        await restoreGroup();
      } catch (restoreError) {
        // Throwing here would replace the test's own failure: report the restore's next to it instead.
        if (!failure) throw restoreError;
        t.diagnostic(`restoreGroup failed as well: ${restoreError?.stack ?? restoreError}`);
      }
    }
  });

  test(`a user in no group (${user}) sees the API's 403 message`, async () => {
    const { context, page } = await freshPage();
    try {
      await signInThroughTheForm(page, user);
      const alert = page.locator('#error');
      await alert.filter({ hasText: FORBIDDEN }).waitFor();
      assert.equal(await alert.getAttribute('role'), 'alert');
      assert.equal(await alert.textContent(), FORBIDDEN);
      await screenshot(page, '12-non-admin-forbidden.png');
      assert.deepEqual(page.errors, [], 'no uncaught errors in the page');
      assert.deepEqual(page.cspViolations, [], 'nothing the console does is refused by its Content-Security-Policy');
    } catch (error) {
      await screenshot(page, 'failed-non-admin.png').catch(() => {});
      throw error;
    } finally {
      await context.close();
    }
  });
});
