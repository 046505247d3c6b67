// aws-amplify v6 configured from amplify-config.v6.json, v6's own ResourcesConfig shape, passed to
// Amplify.configure as is (parseAmplifyConfig returns an object with neither `aws_` keys nor `version` unchanged).

import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Amplify } from 'aws-amplify';
import { authFlowTypeOf } from '../lib/amplify-config.mjs';
import { adminGet } from '../lib/admin-api.mjs';
import { env, readOutputs, signInAs } from './support.mjs';

const present = existsSync(join(env.outputsDir, 'amplify-config.v6.json'));

const skip = !present && 'no amplify-config.v6.json';

describe('aws-amplify v6 configured from amplify-config.v6.json as is', { skip }, () => {
  before(async () => {
    Amplify.configure(readOutputs('amplify-config.v6.json'));
    await signInAs(env.admin, authFlowTypeOf(readOutputs('amplifyconfiguration.json')));
  });

  test('signs in and lists the groups', async () => {
    const response = await adminGet('/listGroups', {});
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.ok(response.body.Groups.length >= 1);
  });
});
