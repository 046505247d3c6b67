// The reference admin console: plain modules, aws-amplify v6 for sign-in and for the API calls.
// It reads ./amplifyconfiguration.json at run time (one build serves any environment) and configures Amplify as
// the Node compatibility suite does (../lib/amplify-config.mjs).

import { signIn, confirmSignIn, signOut, getCurrentUser } from 'aws-amplify/auth';
import { configureFromAmplifyConfiguration } from '../lib/amplify-config.mjs';
import { adminGet, adminPost, messageOf } from '../lib/admin-api.mjs';

const $ = (id) => document.getElementById(id);

const state = {
  authFlowType: 'USER_SRP_AUTH',
  tokenKind: 'access',
  pageTokens: [undefined], // the token of each page seen so far; index 0 is the first page
  pageIndex: 0,
  pageSize: '10', // applied with the filter form
  filter: null,
  selected: null, // the user shown in the detail panel
  groups: [], // every group's name, from listGroups
  listRequest: 0, // the latest listUsers request; an older answer arriving later is dropped
  userRequest: 0, // the latest opening of a user; an older answer arriving later is dropped
  busy: 0, // user actions under way (<main aria-busy> while any is)
};

function show(element, visible) {
  element.hidden = !visible;
}

function showError(message) {
  $('error').textContent = message;
  show($('error'), Boolean(message));
  if (message) show($('notice'), false);
}

function showNotice(message) {
  $('notice').textContent = message;
  show($('notice'), Boolean(message));
}

/**
 * Runs an API call; shows the API's own message when it fails and returns undefined then. A success leaves the
 * alert alone: the error of an action stays up while the views refresh after it, and of two calls made together
 * neither clears the other's error. A user action clears it when it starts (userAction). `current()` says whether
 * the answer is still wanted: a stale one shows nothing.
 */
async function api(call, current = () => true) {
  try {
    const response = await call();
    if (response.status >= 300) {
      if (current()) showError(messageOf(response));
      return undefined;
    }
    return response.body;
  } catch (error) {
    if (current()) showError(error?.message ?? String(error));
    return undefined;
  }
}

const get = (path, params, current) => api(() => adminGet(path, params, { tokenKind: state.tokenKind }), current);
const post = (path, body) => api(() => adminPost(path, body, { tokenKind: state.tokenKind }));

/**
 * Runs what a person asked for (a click, a form): clears the last error and notice first, and marks <main>
 * aria-busy until it and the refresh after it (and any other action under way) are done.
 */
function userAction(handler) {
  return async (event) => {
    event?.preventDefault?.();
    showError('');
    showNotice('');
    const main = document.querySelector('main');
    state.busy += 1;
    main.setAttribute('aria-busy', 'true');
    try {
      await handler(event);
    } catch (error) {
      showError(error?.message ?? String(error));
    } finally {
      state.busy -= 1;
      main.setAttribute('aria-busy', String(state.busy > 0));
    }
  };
}

// ---- configuration ---------------------------------------------------------------------------------------------

const MISSING_CONFIG =
  'No amplifyconfiguration.json next to this page. Run `cargo xtask console`, or copy ' +
  'outputs/<env>/amplifyconfiguration.json (written by `cargo xtask deploy`) next to index.html.';

async function loadConfig() {
  let response;
  try {
    response = await fetch('./amplifyconfiguration.json', { cache: 'no-store' });
  } catch {
    throw new Error(MISSING_CONFIG);
  }
  if (!response.ok) throw new Error(MISSING_CONFIG);
  let config;
  try {
    config = await response.json();
  } catch {
    throw new Error(`amplifyconfiguration.json is not valid JSON. ${MISSING_CONFIG}`);
  }
  if (!config.aws_cloud_logic_custom?.some((entry) => entry.name === 'AdminQueries')) {
    throw new Error('amplifyconfiguration.json has no AdminQueries API in aws_cloud_logic_custom.');
  }
  return config;
}

// ---- signing in and out ----------------------------------------------------------------------------------------

async function handleSignInStep(result, username) {
  const step = result.nextStep?.signInStep;
  if (result.isSignedIn || step === 'DONE') {
    await enterApp(username);
  } else if (step === 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED') {
    show($('sign-in-form'), false);
    show($('new-password-form'), true);
    $('new-password').focus();
  } else {
    showError(`This console cannot complete the sign-in step ${step}; finish it in your app, then sign in here.`);
  }
}

$('sign-in-form').addEventListener(
  'submit',
  userAction(async () => {
    const username = $('username').value.trim();
    const password = $('password').value;
    $('password').value = ''; // the password stays in the page no longer than the sign-in takes
    const result = await signIn({ username, password, options: { authFlowType: state.authFlowType } });
    await handleSignInStep(result, username);
  }),
);

$('new-password-form').addEventListener(
  'submit',
  userAction(async () => {
    const challengeResponse = $('new-password').value;
    $('new-password').value = '';
    const result = await confirmSignIn({ challengeResponse });
    await handleSignInStep(result, $('username').value.trim());
  }),
);

$('sign-out').addEventListener(
  'click',
  userAction(async () => {
    try {
      await signOut();
    } catch (error) {
      // Still signed in as far as this page knows: keep the session and say why.
      showError(`Signing out failed: ${error?.message ?? String(error)}`);
      return;
    }
    state.selected = null;
    state.listRequest += 1; // answers still on their way are for the old session
    state.userRequest += 1;
    for (const id of ['session', 'users', 'user-detail', 'new-password-form']) show($(id), false);
    $('user-table').tBodies[0].replaceChildren();
    $('sign-in-form').reset();
    show($('sign-in-form'), true);
    show($('sign-in'), true);
    showNotice('Signed out.');
  }),
);

async function enterApp(username) {
  $('session-user').textContent = username;
  show($('session'), true);
  show($('sign-in'), false);
  show($('users'), true);
  showNotice('');
  state.pageTokens = [undefined];
  state.pageIndex = 0;
  const groups = await get('/listGroups', { limit: 60 });
  state.groups = groups ? groups.Groups.map((group) => group.GroupName) : [];
  await loadUsers();
}

// ---- the user list ---------------------------------------------------------------------------------------------

const attribute = (user, name) =>
  (user.Attributes ?? user.UserAttributes ?? []).find((entry) => entry.Name === name)?.Value ?? '';

const when = (iso) => (iso ? iso.replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC') : '');

function cell(content) {
  const td = document.createElement('td');
  if (content instanceof Node) td.append(content);
  else td.textContent = content;
  return td;
}

async function loadUsers() {
  const params = { limit: state.pageSize, token: state.pageTokens[state.pageIndex], ...state.filter };
  const request = ++state.listRequest;
  const current = () => request === state.listRequest;
  const page = await get('/listUsers', params, current);
  if (!current()) return;
  const body = $('user-table').tBodies[0];
  body.replaceChildren();
  $('previous-page').disabled = state.pageIndex === 0;
  $('next-page').disabled = true;
  $('page-number').textContent = `Page ${state.pageIndex + 1}`;
  if (!page) return;
  for (const user of page.Users) {
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'link';
    open.textContent = user.Username;
    open.setAttribute('aria-label', `Open ${user.Username}`);
    open.addEventListener('click', userAction(() => openUser(user.Username)));
    const row = document.createElement('tr');
    row.append(
      cell(open),
      cell(attribute(user, 'email')),
      cell(user.UserStatus ?? ''),
      cell(user.Enabled ? 'yes' : 'no'),
      cell(when(user.UserCreateDate)),
    );
    body.append(row);
  }
  if (page.Users.length === 0) {
    const row = document.createElement('tr');
    const empty = cell('No users.');
    empty.colSpan = 5;
    row.append(empty);
    body.append(row);
  }
  state.pageTokens[state.pageIndex + 1] = page.NextToken;
  $('next-page').disabled = !page.NextToken;
  const { filterAttribute, filterType, filterValue } = state.filter ?? {};
  const filtered = state.filter ? ` matching ${filterAttribute} ${filterType} "${filterValue}"` : '';
  $('user-caption').textContent = `Users${filtered}, page ${state.pageIndex + 1}`;
}

$('next-page').addEventListener(
  'click',
  userAction(async () => {
    if (!state.pageTokens[state.pageIndex + 1]) return;
    state.pageIndex += 1;
    await loadUsers();
  }),
);

$('previous-page').addEventListener(
  'click',
  userAction(async () => {
    if (state.pageIndex === 0) return;
    state.pageIndex -= 1;
    await loadUsers();
  }),
);

function restartList() {
  state.pageTokens = [undefined];
  state.pageIndex = 0;
  return loadUsers();
}

$('filter-form').addEventListener(
  'submit',
  userAction(async () => {
    const value = $('filter-value').value;
    state.filter = value
      ? { filterAttribute: $('filter-attribute').value, filterType: $('filter-type').value, filterValue: value }
      : null;
    state.pageSize = $('page-size').value;
    await restartList();
  }),
);

$('filter-clear').addEventListener(
  'click',
  userAction(async () => {
    $('filter-value').value = '';
    state.filter = null;
    await restartList();
  }),
);

// ---- one user --------------------------------------------------------------------------------------------------

function fact(list, term, value) {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  list.append(dt, dd);
}

async function openUser(username) {
  const request = ++state.userRequest;
  const current = () => request === state.userRequest;
  const [user, groups] = await Promise.all([
    get('/getUser', { username }, current),
    get('/listGroupsForUser', { username, limit: 60 }, current),
  ]);
  if (!current() || !user || !groups) return;
  state.selected = user;
  $('user-detail-title').textContent = `User ${user.Username}`;

  const facts = $('user-facts');
  facts.replaceChildren();
  fact(facts, 'Status', user.UserStatus ?? '');
  fact(facts, 'Enabled', user.Enabled ? 'yes' : 'no');
  fact(facts, 'Created', when(user.UserCreateDate));
  fact(facts, 'Last modified', when(user.UserLastModifiedDate));

  const attributes = $('attribute-table').tBodies[0];
  attributes.replaceChildren();
  for (const { Name, Value } of user.UserAttributes ?? []) {
    const row = document.createElement('tr');
    row.append(cell(Name), cell(Value));
    attributes.append(row);
  }

  const memberOf = groups.Groups.map((group) => group.GroupName);
  const list = $('user-groups');
  list.replaceChildren();
  for (const name of memberOf) {
    const item = document.createElement('li');
    const label = document.createElement('span');
    label.textContent = name;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = `Remove from ${name}`;
    remove.addEventListener(
      'click',
      userAction(() => changeGroup('/removeUserFromGroup', user.Username, name)),
    );
    item.append(label, ' ', remove);
    list.append(item);
  }
  if (memberOf.length === 0) {
    const item = document.createElement('li');
    item.textContent = 'In no group.';
    list.append(item);
  }

  const select = $('group-select');
  select.replaceChildren();
  for (const name of state.groups.filter((group) => !memberOf.includes(group))) {
    const option = document.createElement('option');
    option.value = name;
    option.textContent = name;
    select.append(option);
  }
  $('add-group-form').querySelector('button').disabled = select.options.length === 0;

  $('toggle-enabled').textContent = user.Enabled ? 'Disable user' : 'Enable user';
  show($('user-detail'), true);
}

async function changeGroup(path, username, groupname) {
  const result = await post(path, { username, groupname });
  if (result) showNotice(result.message);
  await openUser(username);
}

$('add-group-form').addEventListener(
  'submit',
  userAction(async () => {
    if (state.selected && $('group-select').value) {
      await changeGroup('/addUserToGroup', state.selected.Username, $('group-select').value);
    }
  }),
);

$('toggle-enabled').addEventListener(
  'click',
  userAction(async () => {
    const user = state.selected;
    if (!user) return;
    const result = await post(user.Enabled ? '/disableUser' : '/enableUser', { username: user.Username });
    if (result) showNotice(result.message);
    await openUser(user.Username);
    await loadUsers();
  }),
);

$('close-detail').addEventListener('click', () => {
  state.selected = null;
  state.userRequest += 1; // a user still loading does not open the panel again
  show($('user-detail'), false);
});

// ---- start -----------------------------------------------------------------------------------------------------

async function start() {
  let config;
  try {
    config = await loadConfig();
  } catch (error) {
    show($('loading'), false);
    $('config-error').textContent = error.message;
    show($('config-error'), true);
    return;
  }
  ({ authFlowType: state.authFlowType, tokenKind: state.tokenKind } = configureFromAmplifyConfiguration(config));
  show($('loading'), false);
  try {
    const { username } = await getCurrentUser();
    await enterApp(username);
  } catch {
    show($('sign-in'), true);
  }
}

start();
