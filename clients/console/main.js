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

/** Runs an API call; shows the API's own message when it fails and returns undefined then. */
async function api(call) {
  try {
    const response = await call();
    if (response.status >= 300) {
      showError(messageOf(response));
      return undefined;
    }
    showError('');
    return response.body;
  } catch (error) {
    showError(error?.message ?? String(error));
    return undefined;
  }
}

const get = (path, params) => api(() => adminGet(path, params, { tokenKind: state.tokenKind }));
const post = (path, body) => api(() => adminPost(path, body, { tokenKind: state.tokenKind }));

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

$('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  showError('');
  const username = $('username').value.trim();
  try {
    const result = await signIn({
      username,
      password: $('password').value,
      options: { authFlowType: state.authFlowType },
    });
    await handleSignInStep(result, username);
  } catch (error) {
    showError(error?.message ?? String(error));
  }
});

$('new-password-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const result = await confirmSignIn({ challengeResponse: $('new-password').value });
    await handleSignInStep(result, $('username').value.trim());
  } catch (error) {
    showError(error?.message ?? String(error));
  }
});

$('sign-out').addEventListener('click', async () => {
  await signOut();
  state.selected = null;
  for (const id of ['session', 'users', 'user-detail', 'new-password-form']) show($(id), false);
  $('user-table').tBodies[0].replaceChildren();
  $('sign-in-form').reset();
  show($('sign-in-form'), true);
  show($('sign-in'), true);
  showError('');
  showNotice('Signed out.');
});

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
  const page = await get('/listUsers', params);
  if (request !== state.listRequest) return;
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
    open.addEventListener('click', () => openUser(user.Username));
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

$('next-page').addEventListener('click', async () => {
  if (!state.pageTokens[state.pageIndex + 1]) return;
  state.pageIndex += 1;
  await loadUsers();
});

$('previous-page').addEventListener('click', async () => {
  if (state.pageIndex === 0) return;
  state.pageIndex -= 1;
  await loadUsers();
});

function restartList() {
  state.pageTokens = [undefined];
  state.pageIndex = 0;
  return loadUsers();
}

$('filter-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const value = $('filter-value').value;
  state.filter = value
    ? { filterAttribute: $('filter-attribute').value, filterType: $('filter-type').value, filterValue: value }
    : null;
  state.pageSize = $('page-size').value;
  await restartList();
});

$('filter-clear').addEventListener('click', async () => {
  $('filter-value').value = '';
  state.filter = null;
  await restartList();
});


// ---- one user --------------------------------------------------------------------------------------------------

function fact(list, term, value) {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  list.append(dt, dd);
}

async function openUser(username) {
  const [user, groups] = await Promise.all([
    get('/getUser', { username }),
    get('/listGroupsForUser', { username, limit: 60 }),
  ]);
  if (!user || !groups) return;
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
    remove.addEventListener('click', () => changeGroup('/removeUserFromGroup', user.Username, name));
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

$('add-group-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (state.selected && $('group-select').value) {
    await changeGroup('/addUserToGroup', state.selected.Username, $('group-select').value);
  }
});

$('toggle-enabled').addEventListener('click', async () => {
  const user = state.selected;
  if (!user) return;
  const result = await post(user.Enabled ? '/disableUser' : '/enableUser', { username: user.Username });
  if (result) showNotice(result.message);
  await openUser(user.Username);
  await loadUsers();
});

$('close-detail').addEventListener('click', () => {
  state.selected = null;
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
