// Calls the Admin Queries API through aws-amplify v6's REST client, as Amplify's documentation shows:
//   post({ apiName: 'AdminQueries', path: '/addUserToGroup',
//          options: { body, headers: { 'Content-Type': 'application/json',
//                                      Authorization: `${(await fetchAuthSession()).tokens.accessToken}` } } }).response
// with the ID token instead (`tokens.idToken`) when the deployment wants ID tokens (native authorizationType NONE).
// Every call resolves to { status, headers, body } whatever the status: aws-amplify throws an ApiError for a status
// of 300 or more, whose `response` getter (core errors/APIError.mjs) holds { statusCode, headers, body } with the
// headers lower-cased (core clients/handlers/fetch.mjs) and the body as text (api-rest utils/serviceError.mjs).

import { get, post } from 'aws-amplify/api';
import { fetchAuthSession } from 'aws-amplify/auth';
import { API_NAME } from './amplify-config.mjs';

/**
 * The token of `tokenKind` ('access' or 'id', what configureFromAmplifyConfiguration returns) among a session's
 * tokens (`(await fetchAuthSession()).tokens`).
 */
export function tokenOf(tokens, tokenKind) {
  if (tokenKind !== 'access' && tokenKind !== 'id') {
    throw new Error(`tokenKind must be 'access' or 'id' (what the configuration names), not ${tokenKind}`);
  }
  return tokenKind === 'id' ? tokens.idToken : tokens.accessToken;
}

/** The caller's token as the API wants it in `Authorization` (a template literal calls the JWT's toString). */
export async function authorization(tokenKind) {
  const { tokens } = await fetchAuthSession();
  if (!tokens) throw new Error('Not signed in');
  return `${tokenOf(tokens, tokenKind)}`;
}

/** Query parameters as aws-amplify wants them: strings only, absent and empty values left out. */
function queryParamsOf(params = {}) {
  return Object.fromEntries(
    Object.entries(params)
      .filter(([, value]) => value !== undefined && value !== null && value !== '')
      .map(([key, value]) => [key, String(value)]),
  );
}

function parseBody(text) {
  if (text === undefined || text === null || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The response an ApiError carries, in the same form as a success; rethrows errors without a response. */
export function responseOfError(error) {
  const response = error?.response;
  if (!response || typeof response.statusCode !== 'number') throw error;
  return { status: response.statusCode, headers: response.headers ?? {}, body: parseBody(response.body) };
}

async function send(operation) {
  try {
    const response = await operation.response;
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers ?? {}, body: parseBody(text) };
  } catch (error) {
    return responseOfError(error);
  }
}

/**
 * GET a route with the signed-in user's token of `options.tokenKind` ('access' or 'id': required, the kind the
 * configuration names). `options.authorization` overrides the header (null: no Authorization header at all).
 */
export async function adminGet(path, queryParams, options = {}) {
  const headers = await headersFor(options);
  return send(get({ apiName: API_NAME, path, options: { queryParams: queryParamsOf(queryParams), headers } }));
}

/** POST a JSON body to a route; options as for adminGet. */
export async function adminPost(path, body, options = {}) {
  const headers = await headersFor(options);
  return send(post({ apiName: API_NAME, path, options: { body, headers } }));
}

/** The headers of a call: JSON, and `Authorization` as adminGet's options say. */
async function headersFor({ tokenKind, authorization: auth }) {
  const value = auth === undefined ? await authorization(tokenKind) : auth;
  return { 'Content-Type': 'application/json', ...(value === null ? {} : { Authorization: value }) };
}

/** The message to show a person for a failed call: the API's own `message` as it comes. */
export function messageOf(response) {
  const body = response?.body;
  if (body && typeof body === 'object' && typeof body.message === 'string') return body.message;
  if (typeof body === 'string' && body) return body;
  return `The request failed with status ${response?.status}`;
}
