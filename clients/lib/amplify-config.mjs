// How a client configures aws-amplify v6 from the outputs files `cargo xtask deploy` writes. Shared by the Node
// compatibility suite and the admin console, so both configure Amplify the same way.
//
// What aws-amplify v6 actually reads (checked in node_modules/@aws-amplify/core 6.19 / aws-amplify 6.22, dist/esm):
// - utils/parseAmplifyConfig.mjs (used by Amplify.configure): an object with ANY top-level key starting with `aws_`
//   goes to parseAWSExports; otherwise one whose `version` starts with "1" goes to parseAmplifyOutputs; anything
//   else is taken as a ResourcesConfig as is. So a v6-shaped `Auth`/`API` block inside a Gen 1 file is ignored.
// - parseAWSExports.mjs (Gen 1, amplifyconfiguration.json / aws-exports.js): requires `aws_project_region` (throws
//   "Invalid config parameter." without it); Auth.Cognito from `aws_user_pools_id`, `aws_user_pools_web_client_id`,
//   `aws_cognito_username_attributes` (loginWith), `aws_cognito_identity_pool_id`, mfa / password / verification
//   keys; API.REST from `aws_cloud_logic_custom: [{name, endpoint, region, service?}]` keyed by `name`. It has no
//   key for a custom Cognito endpoint: `aws_user_pools_endpoint` (our extension key) is ignored, and so are the
//   native `api` / `auth` sections. Nothing reads an auth flow type from the JS keys either.
// - parseAmplifyOutputs.mjs (Gen 2, amplify_outputs.json): auth.{user_pool_id, user_pool_client_id, username_attributes,
//   groups, password_policy, mfa_*, oauth, identity_pool_id, ...}; from `custom` it reads ONLY `custom.events`
//   (the Events API). `custom.API` is NOT read, so a REST API is invisible to it: the app has to pass
//   `REST: outputs.custom.API` itself (Gen 2's documented recipe). No endpoint override for Cognito either.
// - The custom Cognito endpoint: Auth.Cognito.userPoolEndpoint (core singleton/Auth/index.mjs warns when it is set;
//   @aws-amplify/auth passes it to createCognitoUserPoolEndpointResolver({ endpointOverride }) in every API).
// - api-rest utils/resolveApiUrl.mjs: the URL of a call is `API.REST[apiName].endpoint + path`, plain
//   concatenation (so the endpoint must not end with `/`), plus `queryParams`.
// - signIn's flow comes from its `options.authFlowType` (default USER_SRP_AUTH); the local environment's app
//   client needs USER_PASSWORD_AUTH (moto does not verify SRP), which only the native section names
//   (auth.plugins.awsCognitoAuthPlugin.Auth.Default.authenticationFlowType).

import { Amplify } from 'aws-amplify';

export const API_NAME = 'AdminQueries';

/** Adds `userPoolEndpoint` to the Cognito config Amplify holds now (a no-op without an endpoint). */
function addUserPoolEndpoint(userPoolEndpoint) {
  if (!userPoolEndpoint) return;
  const config = Amplify.getConfig();
  Amplify.configure({
    ...config,
    Auth: { ...config.Auth, Cognito: { ...config.Auth?.Cognito, userPoolEndpoint } },
  });
}

/** The sign-in flow the file names (the native section's `authenticationFlowType`), else Amplify's default. */
export function authFlowTypeOf(amplifyConfiguration) {
  return (
    amplifyConfiguration?.auth?.plugins?.awsCognitoAuthPlugin?.Auth?.Default?.authenticationFlowType ??
    'USER_SRP_AUTH'
  );
}

/**
 * Which token the API wants in `Authorization`. The native section's `authorizationType` follows the deployment's
 * token kind: AMAZON_COGNITO_USER_POOLS for access tokens, NONE for ID tokens (Amplify's Hosted UI recipe).
 */
export function tokenKindOf(amplifyConfiguration) {
  const api = amplifyConfiguration?.api?.plugins?.awsAPIPlugin?.[API_NAME];
  return api?.authorizationType === 'NONE' ? 'id' : 'access';
}

/**
 * Configures Amplify from `amplifyconfiguration.json` (Gen 1 JS keys + native sections) with Amplify's own parsing,
 * then adds the local Cognito endpoint from the extension key `aws_user_pools_endpoint` when present.
 * Returns what a client needs besides: the sign-in flow and the token kind.
 */
export function configureFromAmplifyConfiguration(amplifyConfiguration) {
  Amplify.configure(amplifyConfiguration);
  addUserPoolEndpoint(amplifyConfiguration.aws_user_pools_endpoint);
  return {
    authFlowType: authFlowTypeOf(amplifyConfiguration),
    tokenKind: tokenKindOf(amplifyConfiguration),
  };
}

/**
 * Configures Amplify from `amplify_outputs.json` (Gen 2) with Gen 2's documented recipe for a REST API:
 * `Amplify.configure(outputs); Amplify.configure({...config, API: {...config.API, REST: outputs.custom.API}})`
 * where `config = Amplify.getConfig()`.
 * The Gen 2 file has no key for a custom Cognito endpoint, a sign-in flow or the token kind the API wants: the app
 * knows them (a local environment takes the endpoint from amplify-config.v6.json, and the flow and the token kind
 * from amplifyconfiguration.json, written beside it). Returns the flow and the token kind, as
 * configureFromAmplifyConfiguration does.
 */
export function configureFromAmplifyOutputs(
  outputs,
  { userPoolEndpoint, authFlowType = 'USER_SRP_AUTH', tokenKind = 'access' } = {},
) {
  Amplify.configure(outputs);
  const config = Amplify.getConfig();
  Amplify.configure({ ...config, API: { ...config.API, REST: outputs.custom.API } });
  addUserPoolEndpoint(userPoolEndpoint);
  return { authFlowType, tokenKind };
}
