// Every route of the contract's "Routes (keep)" table, and updateUserAttributes, through aws-amplify v6, signed
// in as the administrator: once configured from amplifyconfiguration.json (Gen 1) and once from
// amplify_outputs.json (Gen 2's documented recipe), sending the token kind the configuration names. Every test
// restores what it changes; signUserOut runs last in each pass because it signs the caller out.

import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from 'aws-amplify';
import { get, post } from 'aws-amplify/api';
import { fetchAuthSession } from 'aws-amplify/auth';
import { tokenOf } from '../lib/admin-api.mjs';
import {
  env,
  allUsers,
  CONFIG_SOURCES,
  useConfig,
  apiGet,
  apiPost,
  signInAs,
  assertCors,
  assertError,
  assertSessionEnded,
} from './support.mjs';

const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Walks every page of a listing route; returns the pages. */
async function allPages(path, params, key) {
  const pages = [];
  let token;
  do {
    const response = await apiGet(path, { ...params, token });
    assert.equal(response.status, 200, `${path} page ${pages.length + 1}: ${JSON.stringify(response.body)}`);
    assertCors(response, path);
    assert.ok(Array.isArray(response.body[key]), `${path} answers ${key}`);
    pages.push(response.body);
    token = response.body.NextToken;
    if (token !== undefined) assert.equal(typeof token, 'string');
    assert.ok(pages.length <= 200, `${path} should end`);
  } while (token);
  return pages;
}

async function groupMembers(groupname) {
  const pages = await allPages('/listUsersInGroup', { groupname, limit: 60 }, 'Users');
  return pages.flatMap((page) => page.Users.map((user) => user.Username));
}

async function groupsOf(username) {
  const pages = await allPages('/listGroupsForUser', { username, limit: 60 }, 'Groups');
  return pages.flatMap((page) => page.Groups.map((group) => group.GroupName));
}

describe('aws-amplify v6 configured from amplifyconfiguration.json', () => {
  const config = readOutputs('amplifyconfiguration.json');
  let authFlowType;
  let adminGroup; // the group the administrator is in
  let otherGroup; // a group nobody in the test is in, e.g. Editors

  before(async () => {
    ({ authFlowType } = configureFromAmplifyConfiguration(config));
    await signInAs(env.admin, authFlowType);
    const groups = await allPages('/listGroups', { limit: 60 }, 'Groups');
    const names = groups.flatMap((page) => page.Groups.map((group) => group.GroupName));
    [adminGroup] = await groupsOf(env.admin);
    otherGroup = names.find((name) => name !== adminGroup);
    assert.ok(adminGroup, `${env.admin} is in a group`);
    assert.ok(otherGroup, 'the pool has a second group (e.g. Editors)');
  });

  test('Amplify reads the API, the user pool and (locally) the Cognito endpoint', () => {
    const resources = Amplify.getConfig();
    const api = config.aws_cloud_logic_custom.find((entry) => entry.name === 'AdminQueries');
    assert.equal(resources.API.REST.AdminQueries.endpoint, api.endpoint);
    assert.equal(resources.API.REST.AdminQueries.region, api.region);
    assert.doesNotMatch(api.endpoint, /\/$/, 'no trailing slash (the URL is endpoint + path)');
    assert.equal(resources.Auth.Cognito.userPoolId, config.aws_user_pools_id);
    assert.equal(resources.Auth.Cognito.userPoolClientId, config.aws_user_pools_web_client_id);
    assert.equal(resources.Auth.Cognito.userPoolEndpoint, config.aws_user_pools_endpoint);
  });

  test("addUserToGroup then listUsersInGroup, exactly as Amplify's documented example", async () => {
    const username = env.others[0];
    const groupname = otherGroup;
    try {
      const addOperation = post({
        apiName: 'AdminQueries',
        path: '/addUserToGroup',
        options: {
          body: { username, groupname },
          headers: {
            'Content-Type': 'application/json',
            Authorization: `${(await fetchAuthSession()).tokens.accessToken}`,
          },
        },
      });
      const added = await addOperation.response;
      assert.equal(added.statusCode, 200);
      assert.ok(added.headers['access-control-allow-origin'], 'CORS header on success');
      assert.deepEqual(await added.body.json(), { message: `Success adding ${username} to ${groupname}` });

      const listOperation = get({
        apiName: 'AdminQueries',
        path: '/listUsersInGroup',
        options: {
          queryParams: { groupname, limit: '60' },
          headers: {
            'Content-Type': 'application/json',
            Authorization: `${(await fetchAuthSession()).tokens.accessToken}`,
          },
        },
      });
      const { body } = await listOperation.response;
      const listed = await body.json();
      assert.ok(
        listed.Users.some((user) => user.Username === username),
        `listUsersInGroup ${groupname} shows ${username}`,
      );
      assert.ok(!('$metadata' in listed), 'no SDK $metadata');
    } finally {
      await apiPost('/removeUserFromGroup', { username, groupname });
    }
    assert.ok(!(await groupMembers(groupname)).includes(username), 'state restored');
  });

  test('removeUserFromGroup takes the user out of the group', async () => {
    const username = env.others[1] ?? env.others[0];
    const groupname = otherGroup;
    try {
      const added = await apiPost('/addUserToGroup', { username, groupname });
      assert.equal(added.status, 200);
      assert.ok((await groupsOf(username)).includes(groupname), 'listGroupsForUser shows the new group');

      const removed = await apiPost('/removeUserFromGroup', { username, groupname });
      assert.equal(removed.status, 200);
      assertCors(removed, 'removeUserFromGroup');
      assert.deepEqual(removed.body, { message: `Removed ${username} from ${groupname}` });
      assert.ok(!(await groupMembers(groupname)).includes(username), 'listUsersInGroup no longer shows the user');
      assert.ok(!(await groupsOf(username)).includes(groupname), 'listGroupsForUser no longer shows the group');
    } finally {
      await apiPost('/removeUserFromGroup', { username, groupname });
    }
  });

  test('listUsers walks every page with limit and token (NextToken), every user exactly once', async () => {
    const limit = 2;
    const pages = await allPages('/listUsers', { limit }, 'Users');
    const names = pages.flatMap((page) => page.Users.map((user) => user.Username));
    for (const [index, page] of pages.entries()) {
      assert.ok(page.Users.length <= limit, `page ${index + 1} holds at most ${limit} users`);
      if (index < pages.length - 1) assert.equal(page.Users.length, limit, `page ${index + 1} is full`);
    }
    assert.equal(pages.at(-1).NextToken, undefined, 'no NextToken on the last page');
    assert.equal(new Set(names).size, names.length, `no user twice: ${names}`);
    for (const username of allUsers()) assert.ok(names.includes(username), `${username} is listed`);
    assert.ok(pages.length >= Math.ceil(allUsers().length / limit), 'several pages');

    const everyone = (await allPages('/listUsers', { limit: 60 }, 'Users')).flatMap((page) => page.Users);
    assert.deepEqual([...names].sort(), everyone.map((user) => user.Username).sort(), 'the same users as big pages');

    const alice = everyone.find((user) => user.Username === env.admin);
    assert.equal(alice.Enabled, true);
    assert.equal(alice.UserStatus, 'CONFIRMED');
    assert.match(alice.UserCreateDate, ISO_MILLIS);
    assert.match(alice.UserLastModifiedDate, ISO_MILLIS);
    assert.ok(alice.Attributes.some((attribute) => attribute.Name === 'sub'), 'Attributes as [{Name, Value}]');
  });

  test('listUsers takes the structured filter (filterAttribute, filterType, filterValue)', async () => {
    const target = env.others[0];
    const exact = await apiGet('/listUsers', { filterAttribute: 'username', filterType: '=', filterValue: target });
    assert.equal(exact.status, 200, JSON.stringify(exact.body));
    assert.deepEqual(
      exact.body.Users.map((user) => user.Username),
      [target],
    );
    const prefix = await apiGet('/listUsers', {
      filterAttribute: 'username',
      filterType: '^=',
      filterValue: target.slice(0, 2),
    });
    assert.equal(prefix.status, 200);
    const names = prefix.body.Users.map((user) => user.Username);
    assert.ok(names.includes(target));
    assert.ok(names.every((name) => name.startsWith(target.slice(0, 2))), `only matching users: ${names}`);
  });

  test('listGroups lists every group with its fields, a page at a time', async () => {
    const pages = await allPages('/listGroups', { limit: 1 }, 'Groups');
    const groups = pages.flatMap((page) => page.Groups);
    assert.ok(pages.length >= 2, 'limit=1 gives one group a page');
    const names = groups.map((group) => group.GroupName);
    assert.equal(new Set(names).size, names.length, 'no group twice');
    for (const name of [adminGroup, otherGroup]) {
      const group = groups.find((candidate) => candidate.GroupName === name);
      assert.ok(group, `${name} is listed`);
      assert.equal(group.UserPoolId, config.aws_user_pools_id);
      assert.equal(typeof group.Precedence, 'number');
      assert.match(group.CreationDate, ISO_MILLIS);
      assert.match(group.LastModifiedDate, ISO_MILLIS);
    }
  });

  test('listGroupsForUser gives each group cut down to its name and description', async () => {
    const response = await apiGet('/listGroupsForUser', { username: env.admin });
    assert.equal(response.status, 200);
    assertCors(response, 'listGroupsForUser');
    assert.ok(response.body.Groups.some((group) => group.GroupName === adminGroup));
    for (const group of response.body.Groups) {
      assert.deepEqual(
        Object.keys(group).filter((key) => key !== 'GroupName' && key !== 'Description'),
        [],
        `only GroupName and Description: ${JSON.stringify(group)}`,
      );
    }
    const none = await apiGet('/listGroupsForUser', { username: env.user });
    assert.equal(none.status, 200);
    assert.deepEqual(none.body.Groups, []);
  });

  test('getUser gives AdminGetUser output', async () => {
    const response = await apiGet('/getUser', { username: env.user });
    assert.equal(response.status, 200);
    assertCors(response, 'getUser');
    const user = response.body;
    assert.equal(user.Username, env.user);
    assert.equal(user.Enabled, true);
    assert.equal(user.UserStatus, 'CONFIRMED');
    assert.match(user.UserCreateDate, ISO_MILLIS);
    assert.ok(Array.isArray(user.UserAttributes));
    assert.ok(user.UserAttributes.some((attribute) => attribute.Name === 'sub' && attribute.Value));
    assert.ok(!('$metadata' in user), 'no SDK $metadata');
  });

  test('disableUser and enableUser: getUser shows Enabled false, then true', async () => {
    const username = env.others.at(-1);
    try {
      const disabled = await apiPost('/disableUser', { username });
      assert.equal(disabled.status, 200);
      assertCors(disabled, 'disableUser');
      assert.deepEqual(disabled.body, { message: `Disabled ${username}` });
      assert.equal((await apiGet('/getUser', { username })).body.Enabled, false);

      const enabled = await apiPost('/enableUser', { username });
      assert.equal(enabled.status, 200);
      assertCors(enabled, 'enableUser');
      assert.deepEqual(enabled.body, { message: `Enabled ${username}` });
      assert.equal((await apiGet('/getUser', { username })).body.Enabled, true);
    } finally {
      await apiPost('/enableUser', { username });
    }
  });

  test('confirmUserSignUp on an already-confirmed user', async () => {
    // The contract passes Cognito's answer on. Cognito refuses to confirm a CONFIRMED user (NotAuthorizedException,
    // "User cannot be confirmed. Current status is CONFIRMED"), which the API answers with 400, Cognito's message
    // and `code`; moto (the local emulator) confirms again and the API answers 200. Both leave the user CONFIRMED.
    const username = env.user;
    const response = await apiPost('/confirmUserSignUp', { username });
    assertCors(response, 'confirmUserSignUp');
    if (response.status === 200) {
      assert.deepEqual(response.body, { message: `Confirmed ${username} registration` });
    } else {
      assertError(response, 400, undefined, 'confirmUserSignUp on a confirmed user');
      assert.equal(response.body.code, 'NotAuthorizedException');
    }
    const user = await apiGet('/getUser', { username });
    assert.equal(user.body.UserStatus, 'CONFIRMED');
  });

  test('signUserOut signs the caller out from all devices (last: it ends the session)', async () => {
    const response = await apiPost('/signUserOut', { username: env.admin });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assertCors(response, 'signUserOut');
    assert.deepEqual(response.body, { message: `Signed out ${env.admin} from all devices` });
    // The refresh token is revoked: a forced refresh gives no tokens (Amplify clears them on
    // NotAuthorizedException) or fails.
    const session = await fetchAuthSession({ forceRefresh: true }).catch((error) => error);
    assert.ok(session instanceof Error || !session.tokens, 'the session cannot be refreshed any more');
  });
});
