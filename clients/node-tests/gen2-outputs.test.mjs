// aws-amplify v6 configured from amplify_outputs.json (the Gen 2 form). v6's parseAmplifyOutputs
// (node_modules/@aws-amplify/core/dist/esm/parseAmplifyOutputs.mjs) reads no REST API: from `custom` it takes only
// `custom.events`. So the API lives under `custom.API.AdminQueries` and the app applies Gen 2's documented recipe,
// `Amplify.configure(outputs); Amplify.configure({...config, API: {...config.API, REST: outputs.custom.API}})`.
// The Gen 2 file has no key for a custom Cognito endpoint or a sign-in flow: locally, the endpoint comes from
// amplify-config.v6.json and the flow from amplifyconfiguration.json, both written beside it.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Amplify } from 'aws-amplify';
import { parseAmplifyConfig } from 'aws-amplify/utils';
import { configureFromAmplifyOutputs, authFlowTypeOf } from '../lib/amplify-config.mjs';
import { adminGet, adminPost } from '../lib/admin-api.mjs';
import { env, readOutputs, signInAs, assertCors } from './support.mjs';

const outputs = readOutputs('amplify_outputs.json');
const v6File = join(env.outputsDir, 'amplify-config.v6.json');
const userPoolEndpoint = existsSync(v6File)
  ? readOutputs('amplify-config.v6.json').Auth?.Cognito?.userPoolEndpoint
  : undefined;
const authFlowType = authFlowTypeOf(readOutputs('amplifyconfiguration.json'));

describe('aws-amplify v6 configured from amplify_outputs.json (Gen 2)', () => {
  test('v6 parses auth from the Gen 2 file but no REST API (custom.API is not read)', () => {
    const parsed = parseAmplifyConfig(outputs);
    assert.equal(parsed.Auth.Cognito.userPoolId, outputs.auth.user_pool_id);
    assert.equal(parsed.Auth.Cognito.userPoolClientId, outputs.auth.user_pool_client_id);
    assert.equal(parsed.API?.REST, undefined, 'parseAmplifyOutputs ignores custom.API');
    assert.deepEqual(Object.keys(outputs.custom.API), ['AdminQueries']);
    assert.equal(outputs.custom.API.AdminQueries.apiName, 'AdminQueries');
  });

  describe("Gen 2's documented recipe", () => {
    const username = env.others[0];
    let groupname;

    before(async () => {
      configureFromAmplifyOutputs(outputs, { userPoolEndpoint });
      const resources = Amplify.getConfig();
      assert.equal(resources.API.REST.AdminQueries.endpoint, outputs.custom.API.AdminQueries.endpoint);
      await signInAs(env.admin, authFlowType);
      // Gen 2 lists the groups in the file itself: pick one the administrator is not in.
      const mine = await adminGet('/listGroupsForUser', { username: env.admin });
      const adminGroups = mine.body.Groups.map((group) => group.GroupName);
      groupname = outputs.auth.groups.map((entry) => Object.keys(entry)[0]).find((name) => !adminGroups.includes(name));
      assert.ok(groupname, 'amplify_outputs.json lists a second group');
    });

    after(async () => {
      if (groupname) await adminPost('/removeUserFromGroup', { username, groupname });
    });

    test('sign in, addUserToGroup, listUsersInGroup shows the user, removeUserFromGroup', async () => {
      const added = await adminPost('/addUserToGroup', { username, groupname });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      assertCors(added, 'addUserToGroup');
      assert.deepEqual(added.body, { message: `Success adding ${username} to ${groupname}` });

      const listed = await adminGet('/listUsersInGroup', { groupname, limit: 60 });
      assert.equal(listed.status, 200);
      assert.ok(listed.body.Users.some((user) => user.Username === username), `${username} is in ${groupname}`);

      const removed = await adminPost('/removeUserFromGroup', { username, groupname });
      assert.equal(removed.status, 200);
      assert.deepEqual(removed.body, { message: `Removed ${username} from ${groupname}` });
      const after = await adminGet('/listUsersInGroup', { groupname, limit: 60 });
      assert.ok(!after.body.Users.some((user) => user.Username === username), 'state restored');
    });
  });
});
