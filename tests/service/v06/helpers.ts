/**
 * Fixtures for the v0.6 profile (PROTOCOL-v0.6.md): a real v0.6 service on a loopback port, the
 * shared test issuer minting v0.6-shaped ID-JAGs (auth_time, `resource` = `<AS>/api/`) and SETs,
 * and a tiny browser (cookie jar + form posting) for the service's own pages.
 */
import { expect } from 'vitest';
import { EVENT_ASSERTION_REVOKED, GRANT_TYPE_JWT_BEARER, TOKEN_TYPE_ID_JAG } from '../../../src-servers/protocol/constants.js';
import { GRANT_TYPE_CLAIM, SET_CONTENT_TYPE, SET_TYP } from '../../../src-servers/protocol/v0.6/constants.js';
import { call, postJson, startService, type MintOptions, type Reply, type StartOptions, type TestIssuer } from '../helpers.js';

export { call, postJson, startTestIssuer, type Reply, type TestIssuer } from '../helpers.js';

export function startV06(opts: StartOptions = {}) {
  return startService({ ...opts, config: { profile: 'v0.6', ...opts.config } });
}

/** An ID-JAG as a v0.6 provider mints it: `auth_time` now (or given), `resource` the v0.6 PRM resource. */
export function mintIdJagV06(issuer: TestIssuer, svc: { url: string }, claims: Record<string, unknown> = {}, opts: MintOptions = {}) {
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  return issuer.mintIdJag(svc.url, { resource: `${svc.url}/api/`, auth_time: now - 5, ...claims }, opts);
}

/** A SET revoking (iss, sub) at the service (PROTOCOL-v0.6.md §4, §6): the issuer's JWT signer with `typ: secevent+jwt` and no `exp`. */
export function mintSet(issuer: TestIssuer, svc: { url: string }, claims: Record<string, unknown> = {}, opts: MintOptions = {}) {
  const omit = [...('exp' in claims ? [] : ['exp']), ...(opts.omit ?? [])];
  return issuer.mintLogoutToken(svc.url, { events: { [EVENT_ASSERTION_REVOKED]: {} }, ...claims }, { ...opts, header: { typ: SET_TYP, ...opts.header }, omit });
}

export const identity = (svc: { url: string }, body: unknown) => postJson(`${svc.url}/agent/identity`, body);
export const anonymous = (svc: { url: string }) => identity(svc, { type: 'anonymous' });
export const serviceAuth = (svc: { url: string }, login_hint: unknown) => identity(svc, { type: 'service_auth', login_hint });
export const idJagRegister = (svc: { url: string }, assertion: string) =>
  identity(svc, { type: 'identity_assertion', assertion_type: TOKEN_TYPE_ID_JAG, assertion });

export const form = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  call(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString(), redirect: 'manual' });

export const exchange = (svc: { url: string }, assertion: string) =>
  form(`${svc.url}/oauth2/token`, { grant_type: GRANT_TYPE_JWT_BEARER, assertion });
export const pollClaim = (svc: { url: string }, claim_token: string) =>
  form(`${svc.url}/oauth2/token`, { grant_type: GRANT_TYPE_CLAIM, claim_token });
export const startClaimV06 = (svc: { url: string }, claim_token: string, email: string) =>
  postJson(`${svc.url}/agent/identity/claim`, { claim_token, email });
export const notify = (svc: { url: string }, set: string, contentType = SET_CONTENT_TYPE) =>
  call(`${svc.url}/agent/event/notify`, { method: 'POST', headers: { 'content-type': contentType }, body: set });
export const api = (svc: { url: string }, token: string, method = 'GET') =>
  call(`${svc.url}/api/resource`, { method, headers: { authorization: `Bearer ${token}`, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) }, ...(method === 'POST' ? { body: '{"note":"hi"}' } : {}) });

/** `{error, message}` (identity, claim, RS) with its status. */
export function expectIdentityError(r: Reply, status: number, code: string) {
  expect({ status: r.status, error: r.body?.error, text: r.text }).toMatchObject({ status, error: code });
  expect(typeof (r.body.message ?? r.body.error_description)).toBe('string');
}

/** RFC 6749 §5.2 with the no-store headers. */
export function expectTokenError(r: Reply, code: string, status = 400) {
  expect({ status: r.status, error: r.body?.error, text: r.text }).toMatchObject({ status, error: code });
  expect(typeof r.body.error_description).toBe('string');
  expect(r.headers.get('cache-control')).toBe('no-store');
  expect(r.headers.get('pragma')).toBe('no-cache');
}

/** RFC 8935 §2.4. */
export function expectEventError(r: Reply, err: string) {
  expect({ status: r.status, err: r.body?.err, text: r.text }).toMatchObject({ status: 400, err });
  expect(typeof r.body.description).toBe('string');
}

