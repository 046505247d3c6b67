// The API's errors as aws-amplify v6 sees them (an ApiError whose `response` carries the status, the lower-cased
// headers and the body): 403 for a user outside the administering group, 401 for bad tokens and for the token kind
// the deployment does not take, 400 for missing or invalid inputs, 404/405, each a JSON {"message"} with the CORS
// headers. Once configured from amplifyconfiguration.json (Gen 1) and once from amplify_outputs.json (Gen 2).
// Nothing here changes any state.

import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'aws-amplify/api';
import { fetchAuthSession } from 'aws-amplify/auth';
import { tokenOf } from '../lib/admin-api.mjs';
import {
  env,
  CONFIG_SOURCES,
  useConfig,
  apiGet,
  apiPost,
  otherTokenKind,
  signInAs,
  assertCors,
  assertError,
  assertSignOutRevokes,
} from './support.mjs';

const FORBIDDEN = 'User does not have permissions to perform administrative tasks';

const target = env.others[0];

/**
 * Every route of the contract's table that needs the administering group, with inputs that would succeed for an
 * administrator. signUserOut is not among them: as in Amplify (whose checkGroup lets /signUserOut through), any
 * signed-in user may call it, on themselves only.
 */
const ROUTES = [
  ['POST', '/addUserToGroup', { username: target, groupname: 'Editors' }],
  ['POST', '/removeUserFromGroup', { username: target, groupname: 'Editors' }],
  ['POST', '/confirmUserSignUp', { username: target }],
  ['POST', '/disableUser', { username: target }],
  ['POST', '/enableUser', { username: target }],
  ['POST', '/updateUserAttributes', { username: target, attributes: [{ Name: 'nickname', Value: 'forbidden' }] }],
  ['GET', '/getUser', { username: target }],
  ['GET', '/listUsers', { limit: 10 }],
  ['GET', '/listGroups', {}],
  ['GET', '/listGroupsForUser', { username: target }],
  ['GET', '/listUsersInGroup', { groupname: 'Editors' }],
];

const call = (method, path, input, options) =>
  method === 'GET' ? apiGet(path, input, options) : apiPost(path, input, options);

/** The session's token of `kind`, as an app writes it in `Authorization`. */
const tokenText = async (kind) => `${tokenOf((await fetchAuthSession()).tokens, kind)}`;

for (const source of CONFIG_SOURCES) {
  describe(`configured from ${source.name}`, () => {
    let tokenKind; // what the configuration names
    before(() => {
      ({ tokenKind } = useConfig(source));
    });

    describe(`a user in no group (${env.user})`, () => {
      before(() => signInAs(env.user));

      test('the ApiError that aws-amplify throws carries the response: status, headers, body', async () => {
        const error = await get({
          apiName: 'AdminQueries',
          path: '/listUsers',
          options: {
            headers: {
              'Content-Type': 'application/json',
              Authorization: await tokenText(tokenKind),
            },
          },
        }).response.then(
          () => assert.fail('a 403 should reject'),
          (rejection) => rejection,
        );
        assert.equal(error.name, 'UnknownError', 'no code in a 403 body: Amplify names it UnknownError');
        assert.equal(error.message, FORBIDDEN, "Amplify's error message is the body's message");
        assert.equal(error.response.statusCode, 403);
        assertCors(error.response, 'the ApiError of a 403');
        assert.deepEqual(JSON.parse(error.response.body), { message: FORBIDDEN });
      });

      for (const [method, path, input] of ROUTES) {
        test(`403 on ${method} ${path} with the contract's message and CORS`, async () => {
          assertError(await call(method, path, input), 403, FORBIDDEN, path);
        });
      }

      test('signUserOut: 400 for another user, 200 for oneself (last: it ends the session)', async (t) => {
        const other = await apiPost('/signUserOut', { username: env.admin });
        assertError(other, 400, 'only the user can sign themselves out', 'signUserOut for another user');
        await assertSignOutRevokes(async () => {
          const self = await apiPost('/signUserOut', { username: env.user });
          assert.equal(self.status, 200, JSON.stringify(self.body));
          assertCors(self, 'signUserOut');
          assert.deepEqual(self.body, { message: `Signed out ${env.user} from all devices` });
        }, t);
      });
    });

    describe('bad tokens', () => {
      before(() => signInAs(env.user));

      test('401 for a malformed token, with CORS', async () => {
        const response = await apiGet('/listUsers', {}, { authorization: 'not-a-token' });
        assertError(response, 401, 'Unauthorized', 'bad token');
      });

      test('401 for a forged token (a real token with its signature changed)', async () => {
        const [header, payload] = (await tokenText(tokenKind)).split('.');
        const forged = `${header}.${payload}.${'A'.repeat(342)}`;
        assertError(await apiGet('/listUsers', {}, { authorization: forged }), 401, 'Unauthorized', 'forged token');
      });

      test("401 for the seed example's mistake (the token's payload, an object, in Authorization)", async () => {
        const token = tokenOf((await fetchAuthSession()).tokens, tokenKind);
        const response = await apiPost(
          '/addUserToGroup',
          { username: target, groupname: 'Editors' },
          { authorization: `${token.payload}` },
        );
        assertError(response, 401, 'Unauthorized', '[object Object]');
      });

      test('401 without an Authorization header', async () => {
        assertError(await apiGet('/listGroups', {}, { authorization: null }), 401, 'Unauthorized', 'no header');
      });

      test('401 for the token kind the deployment does not take', async () => {
        const other = otherTokenKind(tokenKind);
        const response = await apiGet('/listUsers', {}, { tokenKind: other });
        assertError(response, 401, 'Unauthorized', `${other} token where the API takes ${tokenKind} tokens`);
      });

      test('the CORS preflight allows Authorization and Content-Type', async () => {
        const origin = env.corsOrigin === '*' ? 'http://localhost:5173' : env.corsOrigin;
        const response = await fetch(`${source.expected().endpoint}/addUserToGroup`, {
          method: 'OPTIONS',
          headers: {
            Origin: origin,
            'Access-Control-Request-Method': 'POST',
            'Access-Control-Request-Headers': 'authorization,content-type',
          },
        });
        assert.ok(response.ok, `preflight status ${response.status}`);
        assert.equal(response.headers.get('access-control-allow-origin'), env.corsOrigin);
        const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase();
        assert.match(allowed, /authorization/);
        assert.match(allowed, /content-type/);
        assert.match(response.headers.get('access-control-allow-methods') ?? '', /POST/);
      });
    });

    describe(`the administrator (${env.admin}): invalid requests`, () => {
      before(() => signInAs(env.admin));

      const missing = [
        ['POST', '/addUserToGroup', { username: target }, 'username and groupname are required'],
        ['POST', '/addUserToGroup', {}, 'username and groupname are required'],
        ['POST', '/removeUserFromGroup', { groupname: 'Editors' }, 'username and groupname are required'],
        ['POST', '/confirmUserSignUp', {}, 'username is required'],
        ['POST', '/disableUser', { username: '' }, 'username is required'],
        ['POST', '/enableUser', { username: null }, 'username is required'],
        ['POST', '/updateUserAttributes', { username: target }, 'username and attributes are required'],
        ['GET', '/getUser', {}, 'username is required'],
        ['GET', '/listGroupsForUser', {}, 'username is required'],
        ['GET', '/listUsersInGroup', {}, 'groupname is required'],
        ['POST', '/signUserOut', {}, 'username is required'],
      ];
      for (const [method, path, input, message] of missing) {
        test(`400 on ${method} ${path} ${JSON.stringify(input)}: ${message}`, async () => {
          assertError(await call(method, path, input), 400, message, path);
        });
      }

      test('400 for a limit out of range', async () => {
        const response = await apiGet('/listUsers', { limit: 61 });
        assertError(response, 400, 'limit must be an integer between 0 and 60', 'limit=61');
      });

      test('400 naming the field for a value of the wrong JSON type', async () => {
        const response = await apiPost('/disableUser', { username: 5 });
        assertError(response, 400, undefined, 'username: 5');
        assert.match(response.body.message, /username/);
      });

      test("400 with Cognito's message and code for an unknown user", async () => {
        const response = await apiGet('/getUser', { username: 'no-such-user-aq-js' });
        assertError(response, 400, undefined, 'unknown user');
        assert.equal(response.body.code, 'UserNotFoundException');
      });

      test('400 when signing out another user', async () => {
        const response = await apiPost('/signUserOut', { username: env.user });
        assertError(response, 400, 'only the user can sign themselves out', 'signUserOut for another user');
      });

      test('409 when disabling oneself', async () => {
        const response = await apiPost('/disableUser', { username: env.admin });
        assertError(response, 409, 'You cannot disable yourself: ask another administrator', 'disable oneself');
        assert.equal((await apiGet('/getUser', { username: env.admin })).body.Enabled, true);
      });

      test('JSON 404 for an unknown route and 405 for a wrong method', async () => {
        const unknown = await apiGet('/noSuchRoute', {});
        assertError(unknown, 404, undefined, 'unknown route');
        const wrongMethod = await apiGet('/addUserToGroup', {});
        assertError(wrongMethod, 405, undefined, 'GET on a POST route');
      });

      test('a Bearer prefix is accepted as well', async () => {
        const response = await apiGet('/listGroups', {}, { authorization: `Bearer ${await tokenText(tokenKind)}` });
        assert.equal(response.status, 200);
        assertCors(response, 'Bearer');
      });
    });
  });
}
