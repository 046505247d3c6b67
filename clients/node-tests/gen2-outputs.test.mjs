// amplify_outputs.json (the Gen 2 form) as aws-amplify v6 reads it. v6's parseAmplifyOutputs
// (node_modules/@aws-amplify/core/dist/esm/parseAmplifyOutputs.mjs) reads no REST API: from `custom` it takes only
// `custom.events`. So the API lives under `custom.API.AdminQueries` and the app applies Gen 2's documented recipe,
// `Amplify.configure(outputs); Amplify.configure({...config, API: {...config.API, REST: outputs.custom.API}})`
// (lib/amplify-config.mjs configureFromAmplifyOutputs). The routes and the errors suites run in full configured
// that way (CONFIG_SOURCES in support.mjs); this file checks what the recipe relies on in the file itself.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from 'aws-amplify';
import { parseAmplifyConfig } from 'aws-amplify/utils';
import { CONFIG_SOURCES, readOutputs, useConfig } from './support.mjs';

const outputs = readOutputs('amplify_outputs.json');
const gen1 = readOutputs('amplifyconfiguration.json');

describe('amplify_outputs.json (Gen 2)', () => {
  test('v6 parses auth from the Gen 2 file but no REST API (custom.API is not read)', () => {
    assert.equal(outputs.version, '1');
    const parsed = parseAmplifyConfig(outputs);
    assert.equal(parsed.Auth.Cognito.userPoolId, outputs.auth.user_pool_id);
    assert.equal(parsed.Auth.Cognito.userPoolClientId, outputs.auth.user_pool_client_id);
    assert.equal(parsed.API?.REST, undefined, 'parseAmplifyOutputs ignores custom.API');
  });

  test('custom.API.AdminQueries names the API, its endpoint and region as the Gen 1 file does', () => {
    assert.deepEqual(Object.keys(outputs.custom.API), ['AdminQueries']);
    const api = outputs.custom.API.AdminQueries;
    assert.equal(api.apiName, 'AdminQueries');
    const js = gen1.aws_cloud_logic_custom.find((entry) => entry.name === 'AdminQueries');
    assert.equal(api.endpoint, js.endpoint);
    assert.equal(api.region, js.region);
    assert.equal(outputs.auth.user_pool_id, gen1.aws_user_pools_id);
    assert.equal(outputs.auth.user_pool_client_id, gen1.aws_user_pools_web_client_id);
  });

  test('auth.groups lists every group of the deployment, each with its precedence', () => {
    const groups = Object.assign({}, ...outputs.auth.groups);
    assert.ok(Object.keys(groups).length >= 2, `the deployments the suites run on have groups: ${JSON.stringify(groups)}`);
    for (const [name, group] of Object.entries(groups)) {
      assert.equal(typeof group?.precedence, 'number', `${name} is listed with a precedence`);
    }
  });

  test("Gen 2's recipe gives Amplify the REST API", () => {
    const gen2 = CONFIG_SOURCES.find((source) => source.name.startsWith('amplify_outputs.json'));
    useConfig(gen2);
    const resources = Amplify.getConfig();
    assert.deepEqual(resources.API.REST, outputs.custom.API);
    assert.equal(resources.Auth.Cognito.userPoolId, outputs.auth.user_pool_id);
  });
});
