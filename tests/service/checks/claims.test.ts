/**
 * One test per failure mode of each claim and header rule in src-servers/service/checks/ (as jose
 * tests its verifier), each asserting the typed error code; the HTTP tests in ../idJag.test.ts pin
 * the order. Every token is a real ES256 JWT signed with jose.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_ASSERTION_REVOKED, LOGOUT_TOKEN_TYP, ID_JAG_TYP } from '../../../src-servers/protocol/constants.js';
import { checkAudience } from '../../../src-servers/service/checks/audience.js';
import { checkFormat } from '../../../src-servers/service/checks/format.js';
import { checkHeader } from '../../../src-servers/service/checks/header.js';
import { checkIssuer } from '../../../src-servers/service/checks/issuer.js';
import { checkLogoutEvent } from '../../../src-servers/service/checks/logoutEvent.js';
import { checkPolicy } from '../../../src-servers/service/checks/policy.js';
import { checkReplay } from '../../../src-servers/service/checks/replay.js';
import { checkTimes } from '../../../src-servers/service/checks/times.js';
import { checkVerifiedIdentity } from '../../../src-servers/service/checks/verifiedIdentity.js';
import { AS, codeOf, ISSUER, mint, newKey, NOW, presented, RESOURCE, testEnv, type Keys } from './support.js';

let key: Keys;
beforeAll(async () => {
  key = await newKey('k1');
});
const now = Math.floor(NOW / 1000);
const b64 = (o: unknown) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');

describe('checkFormat (PROTOCOL.md §2 row 1)', () => {
  it.each([
    ['two parts', () => 'abc.def'],
    ['four parts', async () => `${await mint(key)}.x`],
    ['not base64url', () => 'a+b.c/d.e'],
    ['a header that is not JSON', () => `${b64('not json')}.${b64({ iss: ISSUER })}.sig`],
    ['claims that are not a JSON object', () => `${b64({ alg: 'ES256' })}.${b64('[1,2]')}.sig`],
    ['empty', () => ''],
  ])('invalid_request: %s', async (_name, jwt) => {
    const value = await jwt();
    expect(await codeOf(() => checkFormat(value))).toBe('invalid_request');
  });
  it('passes a signed JWT and decodes it', async () => {
    expect(checkFormat(await mint(key)).claims.iss).toBe(ISSUER);
  });
});

describe('checkIssuer (row 2)', () => {
  it.each([
    ['an issuer not on the trust list', { iss: 'https://evil.example' }],
    ['a trusted issuer with a trailing slash (exact comparison)', { iss: `${ISSUER}/` }],
    ['no iss', { iss: undefined }],
    ['a non-string iss', { iss: 42 }],
  ])('invalid_issuer: %s', async (_name, claims) => {
    const { env } = testEnv({ published: [key] });
    const token = await presented(key, claims);
    expect(await codeOf(() => checkIssuer(token, env))).toBe('invalid_issuer');
  });
  it('passes a trusted issuer and returns it', async () => {
    const { env } = testEnv({ published: [key] });
    expect(checkIssuer(await presented(key), env)).toBe(ISSUER);
  });
});

describe('checkHeader (row 3)', () => {
  it.each([
    ['typ JWT (an ID token)', { typ: 'JWT' }],
    ['no typ', { typ: undefined }],
    ['typ logout+jwt (a logout token)', { typ: LOGOUT_TOKEN_TYP }],
  ])('invalid_request: %s', async (_name, header) => {
    const token = await presented(key, {}, header);
    if (header.typ === undefined) delete token.header.typ;
    expect(await codeOf(() => checkHeader(token, ID_JAG_TYP))).toBe('invalid_request');
  });
  it.each(['none', 'HS256', 'HS512', undefined])('invalid_request: alg %s', async (alg) => {
    const token = await presented(key);
    token.header = { ...token.header, alg: alg as string };
    expect(await codeOf(() => checkHeader(token, ID_JAG_TYP))).toBe('invalid_request');
  });
  it('passes typ with the application/ prefix in any case (RFC 7515 §4.1.9)', async () => {
    const token = await presented(key, {}, { typ: 'Application/OAuth-ID-JAG+JWT' });
    expect(await codeOf(() => checkHeader(token, ID_JAG_TYP))).toBeUndefined();
  });
});

describe('checkTimes (row 5)', () => {
  it.each([
    ['expired beyond the skew', { exp: now - 61, iat: now - 400 }, 'expired'],
    ['expired exactly at the skew boundary', { exp: now - 60, iat: now - 400 }, 'expired'],
    ['no exp', { exp: undefined }, 'invalid_request'],
    ['a string exp', { exp: String(now + 300) }, 'invalid_request'],
    ['no iat', { iat: undefined }, 'invalid_request'],
    ['iat beyond the skew in the future', { iat: now + 61, exp: now + 400 }, 'invalid_request'],
    ['nbf beyond the skew in the future', { nbf: now + 61 }, 'invalid_request'],
    ['a non-numeric nbf', { nbf: 'soon' }, 'invalid_request'],
  ])('%s → %s', async (_name, claims, code) => {
    const { env } = testEnv({ published: [key] });
    const token = await presented(key, claims);
    expect(await codeOf(() => checkTimes(token, env))).toBe(code);
  });
  it('passes a token expired within the skew, and one issued within the skew ahead', async () => {
    const { env } = testEnv({ published: [key] });
    expect(await codeOf(async () => checkTimes(await presented(key, { exp: now - 59, iat: now - 400 }), env))).toBeUndefined();
    expect(await codeOf(async () => checkTimes(await presented(key, { iat: now + 59 }), env))).toBeUndefined();
  });
});

describe('checkAudience (rows 6–7)', () => {
  it.each([
    ['another service as aud', { aud: 'https://other.example' }, true],
    ['no aud', { aud: undefined }, true],
    ['two audiences', { aud: [AS, 'https://other.example'] }, true],
    ['aud with a trailing slash', { aud: `${AS}/` }, true],
    ['a resource that is not our API', { resource: 'https://other.example/api' }, true],
  ])('invalid_audience: %s', async (_name, claims, checkResource) => {
    const { env } = testEnv({ published: [key] });
    const token = await presented(key, claims);
    expect(await codeOf(() => checkAudience(token, env, { checkResource }))).toBe('invalid_audience');
  });
  it('passes our issuer as a string or a one-element array, and our resource', async () => {
    const { env } = testEnv({ published: [key] });
    for (const claims of [{}, { aud: [AS] }, { resource: RESOURCE }]) {
      expect(await codeOf(async () => checkAudience(await presented(key, claims), env, { checkResource: true }))).toBeUndefined();
    }
  });
  it('ignores resource where the rule does not apply (logout tokens)', async () => {
    const { env } = testEnv({ published: [key] });
    const token = await presented(key, { resource: 'https://other.example/api' });
    expect(await codeOf(() => checkAudience(token, env, { checkResource: false }))).toBeUndefined();
  });
});

describe('checkReplay (row 9)', () => {
  it.each([
    ['no sub', { sub: undefined }],
    ['an empty sub', { sub: '' }],
    ['no jti', { jti: undefined }],
    ['an empty jti', { jti: '' }],
  ])('invalid_request: %s', async (_name, claims) => {
    const { env } = testEnv({ published: [key] });
    const token = await presented(key, claims);
    expect(await codeOf(() => checkReplay(token, ISSUER, env))).toBe('invalid_request');
  });
  it('replay_detected: the same jti twice from one issuer', async () => {
    const { env } = testEnv({ published: [key] });
    const token = await presented(key, { jti: 'jti-1' });
    expect(await codeOf(() => checkReplay(token, ISSUER, env))).toBeUndefined();
    expect(await codeOf(() => checkReplay(token, ISSUER, env))).toBe('replay_detected');
  });
  it('passes the same jti from another issuer (jti is unique per issuer, RFC 7519 §4.1.7)', async () => {
    const { env } = testEnv({ published: [key] });
    const token = await presented(key, { jti: 'jti-1' });
    checkReplay(token, ISSUER, env);
    expect(await codeOf(() => checkReplay(token, 'https://other.example', env))).toBeUndefined();
  });
});

describe('checkVerifiedIdentity (row 10)', () => {
  it.each([
    ['email_verified false', { email_verified: false }],
    ['email_verified "true" (a string)', { email_verified: 'true' }],
    ['no verification claims', { email_verified: undefined }],
    ['phone_number_verified false', { email_verified: undefined, phone_number: '+15550100', phone_number_verified: false }],
  ])('missing_verified_email: %s', async (_name, claims) => {
    const token = await presented(key, claims);
    expect(await codeOf(() => checkVerifiedIdentity(token))).toBe('missing_verified_email');
  });
  it('passes a verified phone number alone', async () => {
    const token = await presented(key, { email_verified: undefined, phone_number: '+15550100', phone_number_verified: true });
    expect(await codeOf(() => checkVerifiedIdentity(token))).toBeUndefined();
  });
});

describe('checkPolicy (row 11)', () => {
  it.each([
    ['amr without mfa', { amr: ['pwd'] }],
    ['no amr', { amr: undefined }],
    ['amr as a string', { amr: 'mfa' }],
  ])('insufficient_user_authentication with requireMfa: %s', async (_name, claims) => {
    const { env } = testEnv({ published: [key], config: { requireMfa: true } });
    const token = await presented(key, claims);
    expect(await codeOf(() => checkPolicy(token, env))).toBe('insufficient_user_authentication');
  });
  it('passes anything when MFA is not required', async () => {
    const { env } = testEnv({ published: [key] });
    expect(await codeOf(async () => checkPolicy(await presented(key, { amr: undefined }), env))).toBeUndefined();
  });
});

describe('checkLogoutEvent (PROTOCOL.md §4)', () => {
  it.each([
    ['no events', { events: undefined }],
    ['events as an array', { events: [EVENT_ASSERTION_REVOKED] }],
    ['another event', { events: { 'http://schemas.openid.net/event/backchannel-logout': {} } }],
    ['a nonce (an ID token)', { events: { [EVENT_ASSERTION_REVOKED]: {} }, nonce: 'n' }],
  ])('invalid_request: %s', async (_name, claims) => {
    const token = await presented(key, claims, { typ: LOGOUT_TOKEN_TYP });
    expect(await codeOf(() => checkLogoutEvent(token))).toBe('invalid_request');
  });
  it('passes the revocation event without a nonce', async () => {
    const token = await presented(key, { events: { [EVENT_ASSERTION_REVOKED]: {} } }, { typ: LOGOUT_TOKEN_TYP });
    expect(await codeOf(() => checkLogoutEvent(token))).toBeUndefined();
  });
});
