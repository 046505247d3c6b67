// What the Node suites share: the environment the harness sets, the outputs files, the configuration sources,
// signing in, calling the API with the token kind the configuration names, the assertions on every answer.
//
// Environment (set by the Rust e2e harness after it deployed and created the users):
//   AQ_OUTPUTS_DIR   the deployment's outputs directory (outputs/<env>/), required
//   AQ_PASSWORD      the password of every user below, required
//   AQ_ADMIN_USER    a user in the API's administering group (default alice)
//   AQ_USER          a user in no group (default bob)
//   AQ_OTHER_USERS   comma-separated users in no group (default carol,dave,erin)
//   AQ_TOKEN_KIND    the deployment's token kind, `access` or `id` (default access)
//   AQ_CORS_ORIGIN   the Access-Control-Allow-Origin the API answers a call without Origin with (default *)
//
// In a pool where users sign in with their email address, the users are email addresses.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signIn, signOut, getCurrentUser, fetchAuthSession } from 'aws-amplify/auth';
import { Hub } from 'aws-amplify/utils';
import { Amplify } from 'aws-amplify';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import {
  configureFromAmplifyConfiguration,
  configureFromAmplifyOutputs,
  authFlowTypeOf,
  tokenKindOf,
} from '../lib/amplify-config.mjs';
import { adminGet, adminPost } from '../lib/admin-api.mjs';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: the suites need a deployed environment (see clients/README.md)`);
  }
  return value;
}

function tokenKindFromEnv() {
  const kind = process.env.AQ_TOKEN_KIND || 'access';
  if (kind !== 'access' && kind !== 'id') throw new Error(`AQ_TOKEN_KIND must be access or id, not ${kind}`);
  return kind;
}

export const env = {
  outputsDir: required('AQ_OUTPUTS_DIR'),
  password: required('AQ_PASSWORD'),
  admin: process.env.AQ_ADMIN_USER || 'alice',
  user: process.env.AQ_USER || 'bob',
  others: (process.env.AQ_OTHER_USERS || 'carol,dave,erin')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean),
  /** The token kind the deployment was configured with: what the outputs must name. */
  tokenKind: tokenKindFromEnv(),
  corsOrigin: process.env.AQ_CORS_ORIGIN || '*',
};

/** Every user the harness created. */
export const allUsers = () => [env.admin, env.user, ...env.others];

/**
 * Whether users sign in with their email address. Cognito then names each user by its `sub` (what listUsers and
 * getUser answer as `Username`), and the API takes the email address, or the `sub`, wherever it takes a user name.
 */
export const signsInWithEmail = () =>
  (readOutputs('amplifyconfiguration.json').aws_cognito_username_attributes ?? []).includes('EMAIL');

const canonicalNames = new Map();

/** The pool's own name for a user the harness created (its login in a user-name pool, its `sub` in an email one). */
export async function canonical(login) {
  if (!signsInWithEmail()) return login;
  if (!canonicalNames.has(login)) {
    const response = await apiGet('/getUser', { username: login });
    assert.equal(response.status, 200, `getUser ${login}: ${JSON.stringify(response.body)}`);
    canonicalNames.set(login, response.body.Username);
  }
  return canonicalNames.get(login);
}

/** The token kind the API refuses: the other one. */
export const otherTokenKind = (kind) => (kind === 'access' ? 'id' : 'access');

export function readOutputs(file) {
  return JSON.parse(readFileSync(join(env.outputsDir, file), 'utf8'));
}

/**
 * The files a client configures aws-amplify from; the routes and errors suites run once for each. `configure()`
 * configures Amplify and returns the sign-in flow and the token kind; `expected()` what Amplify.getConfig() must
 * then hold.
 */
export const CONFIG_SOURCES = [
  {
    name: 'amplifyconfiguration.json (Gen 1)',
    configure: () => configureFromAmplifyConfiguration(readOutputs('amplifyconfiguration.json')),
    expected() {
      const config = readOutputs('amplifyconfiguration.json');
      const api = config.aws_cloud_logic_custom.find((entry) => entry.name === 'AdminQueries');
      return {
        endpoint: api.endpoint,
        region: api.region,
        userPoolId: config.aws_user_pools_id,
        userPoolClientId: config.aws_user_pools_web_client_id,
        userPoolEndpoint: config.aws_user_pools_endpoint,
      };
    },
  },
  {
    // Gen 2's documented recipe (configureFromAmplifyOutputs). The Gen 2 file names no Cognito endpoint, sign-in
    // flow or token kind: the local endpoint comes from amplify-config.v6.json, the flow and the token kind from
    // amplifyconfiguration.json, both written beside it by the same deploy.
    name: 'amplify_outputs.json (Gen 2)',
    configure() {
      const gen1 = readOutputs('amplifyconfiguration.json');
      return configureFromAmplifyOutputs(readOutputs('amplify_outputs.json'), {
        userPoolEndpoint: readOutputs('amplify-config.v6.json').Auth?.Cognito?.userPoolEndpoint,
        authFlowType: authFlowTypeOf(gen1),
        tokenKind: tokenKindOf(gen1),
      });
    },
    expected() {
      const outputs = readOutputs('amplify_outputs.json');
      return {
        endpoint: outputs.custom.API.AdminQueries.endpoint,
        region: outputs.custom.API.AdminQueries.region,
        userPoolId: outputs.auth.user_pool_id,
        userPoolClientId: outputs.auth.user_pool_client_id,
        userPoolEndpoint: readOutputs('amplify-config.v6.json').Auth?.Cognito?.userPoolEndpoint,
      };
    },
  },
];

/** What the last `useConfig` configured: the sign-in flow and the token kind every call sends. */
const current = { authFlowType: undefined, tokenKind: undefined };

/** Configures Amplify from `source` and checks the token kind it names is the deployment's (AQ_TOKEN_KIND). */
export function useConfig(source) {
  const { authFlowType, tokenKind } = source.configure();
  assert.equal(tokenKind, env.tokenKind, `${source.name} names the deployment's token kind (AQ_TOKEN_KIND)`);
  Object.assign(current, { authFlowType, tokenKind });
  return { authFlowType, tokenKind };
}

function currentTokenKind() {
  assert.ok(current.tokenKind, 'useConfig(source) configures Amplify before any call');
  return current.tokenKind;
}

/** GET with the token kind the configuration names (options as for adminGet). */
export const apiGet = (path, params, options = {}) =>
  adminGet(path, params, { tokenKind: currentTokenKind(), ...options });

/** POST with the token kind the configuration names (options as for adminPost). */
export const apiPost = (path, body, options = {}) =>
  adminPost(path, body, { tokenKind: currentTokenKind(), ...options });

/** Signs `username` in with the flow the configuration names, after signing out whoever was signed in. */
export async function signInAs(username, authFlowType = current.authFlowType) {
  try {
    await getCurrentUser();
    await signOut();
  } catch {
    // nobody was signed in
  }
  const result = await signIn({ username, password: env.password, options: { authFlowType } });
  assert.equal(result.isSignedIn, true, `${username} should be signed in; next step: ${result.nextStep?.signInStep}`);
  assert.equal(result.nextStep.signInStep, 'DONE');
  return result;
}

/**
 * Asserts the CORS headers every answer of the API carries, errors included: Access-Control-Allow-Origin is the
 * configured origin (AQ_CORS_ORIGIN, `*` by default) and Access-Control-Allow-Headers is there.
 */
export function assertCors(response, what) {
  const headers = response.headers ?? {};
  const detail = `(status ${response.status ?? response.statusCode}, headers ${JSON.stringify(headers)})`;
  const origin = headers['access-control-allow-origin'];
  assert.equal(origin, env.corsOrigin, `${what}: access-control-allow-origin ${detail}`);
  assert.ok(headers['access-control-allow-headers'], `${what}: access-control-allow-headers missing ${detail}`);
}

/** Asserts a JSON error answer: the status, the exact message, CORS. */
export function assertError(response, status, message, what) {
  assert.equal(response.status, status, `${what}: ${JSON.stringify(response.body)}`);
  assert.equal(typeof response.body, 'object', `${what}: the error body is JSON`);
  if (message !== undefined) assert.equal(response.body.message, message, what);
  else assert.equal(typeof response.body.message, 'string', what);
  assert.match(response.headers['content-type'] ?? '', /^application\/json/, `${what}: content-type`);
  assertCors(response, what);
}

/** The refresh token of the signed-in user, from aws-amplify's token store. */
export async function currentRefreshToken() {
  const tokens = await cognitoUserPoolsTokenProvider.authTokenStore.loadTokens();
  assert.ok(tokens?.refreshToken, 'signed in with a refresh token');
  return tokens.refreshToken;
}

/**
 * Asks Cognito itself (the configured userPoolEndpoint, else cognito-idp.<region>.amazonaws.com) for new tokens with
 * InitiateAuth REFRESH_TOKEN_AUTH; answers { status, errorType }.
 */
async function refreshWithCognito(refreshToken) {
  const { userPoolId, userPoolClientId, userPoolEndpoint } = Amplify.getConfig().Auth.Cognito;
  const region = userPoolId.split('_')[0];
  const response = await fetch(userPoolEndpoint ?? `https://cognito-idp.${region}.amazonaws.com/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth',
    },
    body: JSON.stringify({
      ClientId: userPoolClientId,
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    }),
  });
  const body = await response.json().catch(() => ({}));
  const errorType = (response.headers.get('x-amzn-errortype') ?? body.__type ?? '').split(':')[0].split('#').pop();
  return { status: response.status, errorType, body };
}

/**
 * Runs `signOutCall` (which calls /signUserOut for the signed-in user) and asserts that it revoked the session:
 * the refresh token Cognito took before the call is refused with NotAuthorizedException after it.
 *
 * Against AWS it also checks what an app sees: aws-amplify's forced refresh is refused with NotAuthorizedException,
 * on which it clears the tokens and fetchAuthSession answers without tokens (@aws-amplify/auth
 * TokenOrchestrator.handleErrors). aws-amplify 6.22 refreshes with GetTokensFromRefreshToken, which moto 5.2
 * does not implement (a 500 HTML page), so against a local Cognito that part is reported, not asserted.
 */
export async function assertSignOutRevokes(signOutCall, t) {
  const refreshToken = await currentRefreshToken();
  const before = await refreshWithCognito(refreshToken);
  assert.equal(before.status, 200, `the refresh token works before the sign-out: ${JSON.stringify(before.body)}`);

  await signOutCall();

  const after = await refreshWithCognito(refreshToken);
  assert.equal(after.status, 400, `the refresh token is refused after the sign-out: ${JSON.stringify(after.body)}`);
  assert.equal(after.errorType, 'NotAuthorizedException', JSON.stringify(after.body));

  const failures = [];
  const stop = Hub.listen('auth', ({ payload }) => {
    if (payload.event === 'tokenRefresh_failure') failures.push(payload.data?.error);
  });
  const session = await fetchAuthSession({ forceRefresh: true }).catch((error) => error);
  stop();
  const names = failures.map((error) => error?.name);
  if (Amplify.getConfig().Auth.Cognito.userPoolEndpoint && !names.includes('NotAuthorizedException')) {
    t.diagnostic(`aws-amplify's own refresh against the local Cognito failed with ${names} (${session})`);
    return;
  }
  assert.ok(!(session instanceof Error), `fetchAuthSession answers (${session})`);
  assert.equal(session.tokens, undefined, 'no tokens after a refused refresh');
  assert.deepEqual(names, ['NotAuthorizedException'], 'the refresh failed with NotAuthorizedException');
}
