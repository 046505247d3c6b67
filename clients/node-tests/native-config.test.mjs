// The native-client form inside amplifyconfiguration.json: what amplify-swift and amplify-android read (and
// require) for a REST API with user-pool auth and for Cognito auth. No network: this checks the file only.
//
// Sources read (public repositories, aws-amplify/amplify-swift and aws-amplify/amplify-android):
// - API, Swift: AmplifyPlugins/API/Sources/AWSAPIPlugin/Configuration/
//     AWSAPICategoryPluginConfiguration+EndpointConfig.swift: per API name, requires string `endpoint` (a URL),
//     `endpointType` and `authorizationType` (else pluginConfigurationError); `region` optional; `apiKey` optional.
//     AWSAPICategoryPluginEndpointType.swift: endpointType raw values "REST" | "GraphQL".
//     AWSAuthorizationType (AWSPluginsCore): "AMAZON_COGNITO_USER_POOLS", "NONE", "AWS_IAM", "API_KEY", ...
// - API, Android: aws-api/src/main/java/com/amplifyframework/api/aws/AWSApiPluginConfigurationReader.java:
//     ConfigKey REQUIRED endpointType, endpoint, region, authorizationType; OPTIONAL apiKey.
//     EndpointType.java: "GraphQL" | "REST". AuthorizationType.java: enum names (AMAZON_COGNITO_USER_POOLS, ...).
// - Auth, Swift: AmplifyPlugins/Auth/Sources/AWSCognitoAuthPlugin/Support/Helpers/ConfigurationHelper.swift:
//     CognitoUserPool.Default.{PoolId, AppClientId, Region} all required strings (else no user pool), optional
//     Endpoint, AppClientSecret, PinpointAppId, MigrationEnabled; Auth.Default.{authenticationFlowType,
//     passwordProtectionSettings, usernameAttributes, signupAttributes, verificationMechanisms, OAuth}.
//     Support/Utils/EndpointResolving+ValidationStep.swift: `Endpoint` must have NO scheme and no path (https only).
// - Auth, Android: aws-auth-cognito/.../statemachine/codegen/data/UserPoolConfiguration.kt: Region, PoolId,
//     AppClientId, AppClientSecret, Endpoint (validated as a bare host name: no scheme, no port, no path; https is
//     prepended); aws-auth-cognito/.../auth/cognito/AuthConfiguration.kt: Auth.Default.{authenticationFlowType
//     (an AuthFlowType name, else USER_SRP_AUTH), signupAttributes, usernameAttributes, verificationMechanisms,
//     passwordProtectionSettings, OAuth}.
// - Auth, Flutter (Dart, amplify-flutter): CognitoUserPoolConfig `endpoint` is `Uri.parse`d, a full URL.
//
// So the local environment's `CognitoUserPool.Default.Endpoint` (http://127.0.0.1:<port>, moto) is usable by the
// Dart (Flutter) client and by aws-amplify JS (through aws_user_pools_endpoint), but amplify-swift and
// amplify-android refuse it when they configure (a scheme and a port; they only speak https to a bare host): native
// iOS/Android apps cannot use the local environment, whatever the file says. AWS environments write no Endpoint.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { env, readOutputs } from './support.mjs';

const config = readOutputs('amplifyconfiguration.json');
const local = typeof config.aws_user_pools_endpoint === 'string';

describe('the native (Swift / Android) form in amplifyconfiguration.json', () => {
  test(`api.plugins.awsAPIPlugin.AdminQueries: REST, every required key, auth for ${env.tokenKind} tokens`, () => {
    const api = config.api?.plugins?.awsAPIPlugin?.AdminQueries;
    assert.ok(api, 'api.plugins.awsAPIPlugin.AdminQueries exists (the API name must be exactly AdminQueries)');
    for (const key of ['endpointType', 'endpoint', 'region', 'authorizationType']) {
      assert.equal(typeof api[key], 'string', `${key} is a string (required by amplify-android and amplify-swift)`);
    }
    assert.equal(api.endpointType, 'REST');
    // It follows the deployment's token kind (AQ_TOKEN_KIND): token = "access" writes AMAZON_COGNITO_USER_POOLS
    // (API Gateway wants an access token, the libraries attach the user pool token themselves); token = "id" writes
    // NONE (Amplify's Hosted UI recipe: the app adds the ID token with an interceptor).
    const expected = { access: 'AMAZON_COGNITO_USER_POOLS', id: 'NONE' }[env.tokenKind];
    assert.equal(api.authorizationType, expected, `authorizationType for token = "${env.tokenKind}"`);
    assert.ok(!('apiKey' in api), 'no apiKey for user-pool auth');
    const url = new URL(api.endpoint);
    assert.match(url.protocol, /^https?:$/);
    assert.doesNotMatch(api.endpoint, /\/$/, 'no trailing slash');
    const js = config.aws_cloud_logic_custom.find((entry) => entry.name === 'AdminQueries');
    assert.equal(api.endpoint, js.endpoint, 'the same endpoint as the JS keys');
    assert.equal(api.region, js.region);
    assert.equal(api.region, config.aws_project_region);
  });

  test('auth.plugins.awsCognitoAuthPlugin: CognitoUserPool.Default with PoolId, AppClientId, Region', () => {
    const auth = config.auth?.plugins?.awsCognitoAuthPlugin;
    assert.ok(auth, 'auth.plugins.awsCognitoAuthPlugin exists');
    const pool = auth.CognitoUserPool?.Default;
    assert.ok(pool, 'CognitoUserPool.Default exists');
    assert.equal(pool.PoolId, config.aws_user_pools_id);
    assert.equal(pool.AppClientId, config.aws_user_pools_web_client_id);
    assert.equal(pool.Region, config.aws_cognito_region);
    assert.ok(pool.PoolId.startsWith(`${pool.Region}_`), 'the pool id starts with its region');
    assert.ok(!('AppClientSecret' in pool), 'a public (browser / mobile) client has no secret');
    if (local) {
      assert.equal(pool.Endpoint, config.aws_user_pools_endpoint, 'the local Cognito endpoint (Flutter reads it)');
    } else {
      assert.ok(!('Endpoint' in pool), 'AWS environments use Cognito itself: no Endpoint');
    }
  });

  test('auth.plugins.awsCognitoAuthPlugin: Auth.Default settings the libraries read', () => {
    const settings = config.auth.plugins.awsCognitoAuthPlugin.Auth?.Default;
    assert.ok(settings, 'Auth.Default exists');
    // amplify-android AuthFlowType names (an unknown name silently falls back to USER_SRP_AUTH).
    const flows = [
      'USER_SRP_AUTH',
      'USER_PASSWORD_AUTH',
      'CUSTOM_AUTH',
      'CUSTOM_AUTH_WITH_SRP',
      'CUSTOM_AUTH_WITHOUT_SRP',
      'USER_AUTH',
    ];
    assert.ok(flows.includes(settings.authenticationFlowType), `a known flow: ${settings.authenticationFlowType}`);
    if (local) assert.equal(settings.authenticationFlowType, 'USER_PASSWORD_AUTH', 'moto does not verify SRP');
    assert.ok(Array.isArray(settings.usernameAttributes));
    assert.ok(Array.isArray(settings.signupAttributes));
    assert.ok(Array.isArray(settings.verificationMechanisms));
    assert.equal(typeof settings.passwordProtectionSettings?.passwordPolicyMinLength, 'number');
    assert.ok(Array.isArray(settings.passwordProtectionSettings.passwordPolicyCharacters));
  });
});
