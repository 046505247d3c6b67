// What the Node suites share: the environment the harness sets, the outputs files, signing in.
//
// Environment (set by the Rust e2e harness after it deployed and created the users):
//   AQ_OUTPUTS_DIR   the deployment's outputs directory (outputs/<env>/), required
//   AQ_PASSWORD      the password of every user below, required
//   AQ_ADMIN_USER    a user in the API's administering group (default alice)
//   AQ_USER          a user in no group (default bob)
//   AQ_OTHER_USERS   comma-separated users in no group (default carol,dave,erin)

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signIn, signOut, getCurrentUser } from 'aws-amplify/auth';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: the suites need a deployed environment (see clients/README.md)`);
  }
  return value;
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
};

/** Every user the harness created. */
export const allUsers = () => [env.admin, env.user, ...env.others];

export function readOutputs(file) {
  return JSON.parse(readFileSync(join(env.outputsDir, file), 'utf8'));
}

/** Signs `username` in with the flow the outputs name, after signing out whoever was signed in. */
export async function signInAs(username, authFlowType) {
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

/** Asserts the CORS header every answer of the API carries, errors included. */
export function assertCors(response, what) {
  assert.ok(
    response.headers['access-control-allow-origin'],
    `${what}: access-control-allow-origin missing (status ${response.status}, headers ${JSON.stringify(response.headers)})`,
  );
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
