// aws-amplify v6 configured from amplify-config.v6.json, v6's own ResourcesConfig shape, passed to
// Amplify.configure as is (parseAmplifyConfig returns an object with neither `aws_` keys nor `version` unchanged).
// Every deploy writes the file: a missing one fails the test (not a hook, whose failure node 20 reports as
// "cancelled"); it is also the only file that carries a local Cognito endpoint, which the Gen 2 passes need.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Amplify } from 'aws-amplify';
import { authFlowTypeOf, tokenKindOf } from '../lib/amplify-config.mjs';
import { adminGet } from '../lib/admin-api.mjs';
import { env, readOutputs, signInAs } from './support.mjs';

const file = join(env.outputsDir, 'amplify-config.v6.json');

describe('aws-amplify v6 configured from amplify-config.v6.json as is', () => {
  test('the file is there, and Amplify configured from it signs in and lists the groups', async () => {
    assert.ok(existsSync(file), `${file} is missing: \`cargo xtask deploy\` writes it beside the other outputs`);
    const v6 = readOutputs('amplify-config.v6.json');
    Amplify.configure(v6);
    assert.deepEqual(Amplify.getConfig().API.REST, v6.API.REST, 'taken as is');
    const gen1 = readOutputs('amplifyconfiguration.json');
    const tokenKind = tokenKindOf(gen1);
    assert.equal(tokenKind, env.tokenKind, "amplifyconfiguration.json names the deployment's token kind");
    await signInAs(env.admin, authFlowTypeOf(gen1));

    const response = await adminGet('/listGroups', {}, { tokenKind });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.ok(response.body.Groups.length >= 1);
  });
});
