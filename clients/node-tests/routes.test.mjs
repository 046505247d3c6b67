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
  assertSignOutRevokes,
  canonical,
  signsInWithEmail,
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

/** The session's token of `tokenKind`, as an app writes it in `Authorization` (a template literal). */
const bearer = async (tokenKind) => `${tokenOf((await fetchAuthSession()).tokens, tokenKind)}`;

/** Records the URL of every request aws-amplify sends through the global fetch while `run` runs. */
async function recordingRequests(run) {
  const urls = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    urls.push(new URL(input instanceof Request ? input.url : String(input)));
    return realFetch(input, init);
  };
  try {
    await run(urls);
  } finally {
    globalThis.fetch = realFetch;
  }
  return urls;
}

/** The answer of an aws-amplify operation, or a failed assertion naming the request and the API's answer. */
async function responseOf(operation, request) {
  try {
    return await operation.response;
  } catch (error) {
    const answer = error?.response ? `${error.response.statusCode} ${error.response.body}` : String(error);
    assert.fail(`${request()} was answered ${answer}`);
  }
}

for (const source of CONFIG_SOURCES) {
  describe(`aws-amplify v6 configured from ${source.name}`, () => {
    let tokenKind; // what the configuration names: every call below sends this kind of token
    let adminGroup; // the group the administrator is in
    let otherGroup; // a group nobody in the test is in, e.g. Editors

    before(async () => {
      ({ tokenKind } = useConfig(source));
      await signInAs(env.admin);
      const groups = await allPages('/listGroups', { limit: 60 }, 'Groups');
      const names = groups.flatMap((page) => page.Groups.map((group) => group.GroupName));
      [adminGroup] = await groupsOf(env.admin);
      otherGroup = names.find((name) => name !== adminGroup);
      assert.ok(adminGroup, `${env.admin} is in a group`);
      assert.ok(otherGroup, 'the pool has a second group (e.g. Editors)');
    });

    test('Amplify reads the API, the user pool and (locally) the Cognito endpoint', () => {
      const resources = Amplify.getConfig();
      const expected = source.expected();
      assert.equal(resources.API.REST.AdminQueries.endpoint, expected.endpoint);
      assert.equal(resources.API.REST.AdminQueries.region, expected.region);
      assert.doesNotMatch(expected.endpoint, /\/$/, 'no trailing slash (the URL is endpoint + path)');
      assert.equal(resources.Auth.Cognito.userPoolId, expected.userPoolId);
      assert.equal(resources.Auth.Cognito.userPoolClientId, expected.userPoolClientId);
      assert.equal(resources.Auth.Cognito.userPoolEndpoint, expected.userPoolEndpoint);
    });

    test("addUserToGroup then listUsersInGroup, exactly as Amplify's documented example", async () => {
      const username = env.others[0];
      const groupname = otherGroup;
      // The documentation's example sends `tokens.accessToken`; an ID-token deployment sends `tokens.idToken`.
      const tokenName = tokenKind === 'id' ? 'idToken' : 'accessToken';
      try {
        const addOperation = post({
          apiName: 'AdminQueries',
          path: '/addUserToGroup',
          options: {
            body: { username, groupname },
            headers: {
              'Content-Type': 'application/json',
              Authorization: `${(await fetchAuthSession()).tokens[tokenName]}`,
            },
          },
        });
        const added = await addOperation.response;
        assert.equal(added.statusCode, 200);
        assertCors(added, 'addUserToGroup (documented example)');
        assert.deepEqual(await added.body.json(), { message: `Success adding ${username} to ${groupname}` });

        const listOperation = get({
          apiName: 'AdminQueries',
          path: '/listUsersInGroup',
          options: {
            queryParams: { groupname, limit: '60' },
            headers: {
              'Content-Type': 'application/json',
              Authorization: `${(await fetchAuthSession()).tokens[tokenName]}`,
            },
          },
        });
        const listResponse = await listOperation.response;
        assert.equal(listResponse.statusCode, 200);
        assertCors(listResponse, 'listUsersInGroup (documented example)');
        const listed = await listResponse.body.json();
        const name = await canonical(username);
        assert.ok(
          listed.Users.some((user) => user.Username === name),
          `listUsersInGroup ${groupname} shows ${username}`,
        );
        assert.ok(!('$metadata' in listed), 'no SDK $metadata');
      } finally {
        await apiPost('/removeUserFromGroup', { username, groupname });
      }
      assert.ok(!(await groupMembers(groupname)).includes(await canonical(username)), 'state restored');
    });

    const pagingTitle =
      "listUsersInGroup paged as v6 apps write it: queryParams { groupname, limit: '2', token: nextToken }";
    test(pagingTitle, async () => {
      // A v6 app passes its nextToken as is, `undefined` on the first page, and v6 puts `token=undefined` in the
      // URL (api-rest resolveApiUrl sets every entry of queryParams): the API takes it as no token.
      const groupname = otherGroup;
      const members = env.others;
      assert.ok(members.length > 2, 'more members than a page holds (AQ_OTHER_USERS lists at least 3 users)');
      try {
        for (const username of members) {
          const added = await apiPost('/addUserToGroup', { username, groupname });
          assert.equal(added.status, 200, JSON.stringify(added.body));
        }
        const pages = [];
        const urls = await recordingRequests(async (requested) => {
          let nextToken;
          do {
            const operation = get({
              apiName: 'AdminQueries',
              path: '/listUsersInGroup',
              options: {
                queryParams: { groupname, limit: '2', token: nextToken },
                headers: { Authorization: await bearer(tokenKind) },
              },
            });
            const response = await responseOf(operation, () => `GET ${requested.at(-1)?.href}`);
            assert.equal(response.statusCode, 200);
            assertCors(response, `listUsersInGroup page ${pages.length + 1}`);
            const page = await response.body.json();
            pages.push(page);
            nextToken = page.NextToken;
            assert.ok(pages.length <= 20, 'the pages end');
          } while (nextToken);
        });
        const requests = urls.filter((url) => url.pathname.endsWith('/listUsersInGroup'));
        assert.equal(requests[0].searchParams.get('token'), 'undefined', 'v6 sends token=undefined on the first page');
        assert.equal(requests.length, pages.length);
        for (const [index, page] of pages.entries()) {
          assert.ok(page.Users.length <= 2, `page ${index + 1} holds at most 2 users`);
          if (index > 0) assert.equal(requests[index].searchParams.get('token'), pages[index - 1].NextToken);
        }
        assert.ok(pages.length >= 2, `${members.length} members take more than one page of 2`);
        const names = pages.flatMap((page) => page.Users.map((user) => user.Username));
        assert.equal(new Set(names).size, names.length, `no member twice: ${names}`);
        assert.deepEqual([...names].sort(), (await groupMembers(groupname)).sort(), 'every member, exactly once');
        for (const username of members) assert.ok(names.includes(await canonical(username)), `${username} is listed`);
      } finally {
        for (const username of members) await apiPost('/removeUserFromGroup', { username, groupname });
      }
      for (const username of members) {
        assert.ok(!(await groupMembers(groupname)).includes(await canonical(username)), `state restored: ${username}`);
      }
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
        assert.ok(!(await groupMembers(groupname)).includes(await canonical(username)), 'listUsersInGroup no longer shows the user');
        assert.ok(!(await groupsOf(username)).includes(groupname), 'listGroupsForUser no longer shows the group');
      } finally {
        await apiPost('/removeUserFromGroup', { username, groupname });
      }
    });

    test('listUsers walks every page with limit and token (NextToken), every user exactly once', async () => {
      // Cognito may answer a page that is not the last with fewer than `limit` users: only the union of the
      // pages is asserted, never full pages.
      const limit = 2;
      const pages = await allPages('/listUsers', { limit }, 'Users');
      const names = pages.flatMap((page) => page.Users.map((user) => user.Username));
      for (const [index, page] of pages.entries()) {
        assert.ok(page.Users.length <= limit, `page ${index + 1} holds at most ${limit} users`);
      }
      assert.equal(pages.at(-1).NextToken, undefined, 'no NextToken on the last page');
      assert.equal(new Set(names).size, names.length, `no user twice: ${names}`);
      for (const username of allUsers()) assert.ok(names.includes(await canonical(username)), `${username} is listed`);
      assert.ok(pages.length >= Math.ceil(allUsers().length / limit), 'several pages');

      const everyone = (await allPages('/listUsers', { limit: 60 }, 'Users')).flatMap((page) => page.Users);
      assert.deepEqual([...names].sort(), everyone.map((user) => user.Username).sort(), 'the same users as big pages');

      const adminName = await canonical(env.admin);
      const alice = everyone.find((user) => user.Username === adminName);
      assert.equal(alice.Enabled, true);
      assert.equal(alice.UserStatus, 'CONFIRMED');
      assert.match(alice.UserCreateDate, ISO_MILLIS);
      assert.match(alice.UserLastModifiedDate, ISO_MILLIS);
      assert.ok(alice.Attributes.some((attribute) => attribute.Name === 'sub'), 'Attributes as [{Name, Value}]');
    });

    test('listUsers takes the structured filter (filterAttribute, filterType, filterValue)', async () => {
      const target = env.others[0];
      // The attribute users are known by: their user name, or in an email pool their email address.
      const filterAttribute = signsInWithEmail() ? 'email' : 'username';
      const exact = await apiGet('/listUsers', { filterAttribute, filterType: '=', filterValue: target });
      assert.equal(exact.status, 200, JSON.stringify(exact.body));
      assertCors(exact, 'listUsers with a filter');
      assert.deepEqual(
        exact.body.Users.map((user) => user.Username),
        [await canonical(target)],
      );
      const prefix = await apiGet('/listUsers', {
        filterAttribute,
        filterType: '^=',
        filterValue: target.slice(0, 2),
      });
      assert.equal(prefix.status, 200);
      assertCors(prefix, 'listUsers with a prefix filter');
      const names = prefix.body.Users.map((user) => user.Username);
      assert.ok(names.includes(await canonical(target)));
      const known = (user) =>
        signsInWithEmail() ? user.Attributes.find((a) => a.Name === 'email')?.Value ?? '' : user.Username;
      const matched = prefix.body.Users.map(known);
      assert.ok(matched.every((name) => name.startsWith(target.slice(0, 2))), `only matching users: ${matched}`);
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
        assert.equal(group.UserPoolId, source.expected().userPoolId);
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
      assertCors(none, 'listGroupsForUser (no group)');
      assert.deepEqual(none.body.Groups, []);
    });

    test('getUser gives AdminGetUser output', async () => {
      const response = await apiGet('/getUser', { username: env.user });
      assert.equal(response.status, 200);
      assertCors(response, 'getUser');
      const user = response.body;
      assert.equal(user.Username, await canonical(env.user));
      assert.equal(user.Enabled, true);
      assert.equal(user.UserStatus, 'CONFIRMED');
      assert.match(user.UserCreateDate, ISO_MILLIS);
      assert.ok(Array.isArray(user.UserAttributes));
      assert.ok(user.UserAttributes.some((attribute) => attribute.Name === 'sub' && attribute.Value));
      assert.ok(!('$metadata' in user), 'no SDK $metadata');
    });

    test('updateUserAttributes sets an attribute that getUser then shows; the old value is put back', async () => {
      const username = env.others[1] ?? env.others[0];
      const Name = 'nickname';
      const valueOf = async () => {
        const response = await apiGet('/getUser', { username });
        assert.equal(response.status, 200, JSON.stringify(response.body));
        return response.body.UserAttributes.find((attribute) => attribute.Name === Name)?.Value;
      };
      const original = await valueOf();
      const value = `aq-test-${Date.now()}`;
      try {
        const updated = await apiPost('/updateUserAttributes', { username, attributes: [{ Name, Value: value }] });
        assert.equal(updated.status, 200, JSON.stringify(updated.body));
        assertCors(updated, 'updateUserAttributes');
        assert.deepEqual(updated.body, { message: `Success updating ${username} attributes` });
        assert.equal(await valueOf(), value, 'getUser shows the new value');
      } finally {
        // Back to the old value; an attribute the user did not have is set to "", which Cognito takes as removing
        // it (moto keeps it, empty). The default routes have no deleteUserAttributes.
        await apiPost('/updateUserAttributes', { username, attributes: [{ Name, Value: original ?? '' }] });
      }
      assert.equal((await valueOf()) ?? '', original ?? '', 'the attribute is restored');
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

    test('signUserOut signs the caller out from all devices (last: it ends the session)', async (t) => {
      await assertSignOutRevokes(async () => {
        const response = await apiPost('/signUserOut', { username: env.admin });
        assert.equal(response.status, 200, JSON.stringify(response.body));
        assertCors(response, 'signUserOut');
        assert.deepEqual(response.body, { message: `Signed out ${env.admin} from all devices` });
      }, t);
    });
  });
}
