/**
 * A provider the service has never seen, trusted only by config (PROTOCOL.md §2, §4, §5, §6, §9):
 * our own ES256 keys, our own CIMD, our own ID-JAGs and logout tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import { HOST_HOOK_TIMEOUT_MS, spawnHost, type RunningHost } from './support/host.js';
import { startTestProvider, type TestProvider } from './support/provider.js';
import { expectError, expectOk, parseBearerChallenge, postForm, request, type Res } from './support/http.js';
import {
  challenge,
  claimLinkFrom,
  complete,
  discover,
  JWT_BEARER,
  mailIds,
  readResource,
  registerIdJag,
  registerVerifiedEmail,
  uniqueEmail,
  waitForMail,
  writeResource,
  type Discovered,
} from './support/service.js';

let host: RunningHost;
let tp: TestProvider;
let d: Discovered;

beforeAll(async () => {
  tp = await startTestProvider();
  host = await spawnHost({ config: { service: { trustedIssuers: [tp.issuer] } } });
  d = await discover(host.urls.service);
}, HOST_HOOK_TIMEOUT_MS);
afterAll(async () => {
  await host?.stop();
  await tp?.close();
}, 30_000);

const revoke = (token: string, contentType = 'application/logout+jwt') =>
  request('POST', d.revocationUri, { body: token, headers: { 'content-type': contentType } });

function expectInvalidToken(res: Res) {
  expect(res.status, res.describe).toBe(401);
  expect(parseBearerChallenge(res.headers.get('www-authenticate')).error, res.describe).toBe('invalid_token');
}

describe('§2 registration with a third-party ID-JAG', () => {
  it('access_token: 200 agent-provider, a working credential with an expiry, no refresh token', async () => {
    const sub = 'tp-access-token-user';
    const assertion = await tp.mintIdJag(d.issuer, { claims: { sub, email: 'tp1@thirdparty.example' } });
    expect(decodeProtectedHeader(assertion)).toMatchObject({ typ: 'oauth-id-jag+jwt', alg: 'ES256', kid: tp.kid });
    const res = await registerIdJag(d, assertion, 'access_token');
    expectOk(res);
    expect(res.json, res.describe).toMatchObject({
      registration_type: 'agent-provider',
      credential_type: 'access_token',
      credential: expect.any(String),
      scopes: expect.arrayContaining(['api.read']),
    });
    expect(res.json.registration_id, res.describe).toMatch(/^reg_/);
    expect(Number.isNaN(Date.parse(res.json.credential_expires)), `credential_expires is ISO: ${res.describe}`).toBe(false);
    expect(Date.parse(res.json.credential_expires)).toBeGreaterThan(Date.now());
    expect(res.json, 'no refresh token, ever').not.toHaveProperty('refresh_token');

    const who = await readResource(d, res.json.credential);
    expect(who.status, who.describe).toBe(200);
    expect(who.text, 'the resource says who the caller is').toContain('tp1@thirdparty.example');
    expect(who.text).toContain(res.json.registration_id);
  });

  it('api_key: sk_test_ credential with credential_expires null', async () => {
    const res = await registerIdJag(d, await tp.mintIdJag(d.issuer), 'api_key');
    expectOk(res);
    expect(res.json, res.describe).toMatchObject({ registration_type: 'agent-provider', credential_type: 'api_key', credential_expires: null });
    expect(res.json.credential).toMatch(/^sk_test_/);
    expect(res.json).not.toHaveProperty('refresh_token');
    const who = await readResource(d, res.json.credential);
    expect(who.status, who.describe).toBe(200);
  });

  it('a verified asserted identity gets the scopes it reports, and they are enforced', async () => {
    const res = await registerIdJag(d, await tp.mintIdJag(d.issuer), 'api_key');
    expectOk(res);
    const write = await writeResource(d, res.json.credential);
    if (res.json.scopes.includes('api.write')) expect(write.status, write.describe).toBe(201);
    else expect(write.status, write.describe).toBe(403);
  });

  it('refetches the JWKS once when the kid is unknown (key rotation)', async () => {
    // Warm the service's JWKS cache with the first key.
    expectOk(await registerIdJag(d, await tp.mintIdJag(d.issuer)));
    const fresh = await tp.addKey();
    const res = await registerIdJag(d, await tp.mintIdJag(d.issuer, { sign: fresh }));
    expectOk(res);
  });
});

describe('§5 RFC 7523 grant at the AS token endpoint', () => {
  it('exchanges our ID-JAG for a Bearer access token that works', async () => {
    const res = await postForm(d.tokenEndpoint, { grant_type: JWT_BEARER, assertion: await tp.mintIdJag(d.issuer) });
    expectOk(res);
    expect(res.json, res.describe).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer', expires_in: expect.any(Number), scope: expect.any(String) });
    expect(res.json).not.toHaveProperty('refresh_token');
    expect(res.json.scope.split(' ')).toContain('api.read');
    const who = await readResource(d, res.json.access_token);
    expect(who.status, who.describe).toBe(200);
  });
});

describe('§4 revocation by logout token', () => {
  it('revokes every credential issued for (iss, sub, aud) at once', async () => {
    const sub = `tp-revoke-${Date.now()}`;
    const a = await registerIdJag(d, await tp.mintIdJag(d.issuer, { claims: { sub } }), 'access_token');
    const b = await registerIdJag(d, await tp.mintIdJag(d.issuer, { claims: { sub } }), 'api_key');
    const c = await postForm(d.tokenEndpoint, { grant_type: JWT_BEARER, assertion: await tp.mintIdJag(d.issuer, { claims: { sub } }) });
    expectOk(a);
    expectOk(b);
    expectOk(c);
    // A bystander (different sub, same issuer) must keep working.
    const other = await registerIdJag(d, await tp.mintIdJag(d.issuer), 'api_key');
    expectOk(other);
    const credentials = [a.json.credential, b.json.credential, c.json.access_token];
    for (const cred of credentials) expect((await readResource(d, cred)).status).toBe(200);

    const res = await revoke(await tp.mintLogoutToken(d.issuer, sub));
    expectOk(res);
    expect(res.json.revoked, res.describe).toBeGreaterThanOrEqual(1);
    expect(res.json.revoked, `three credentials were issued for this (iss, sub, aud): ${res.describe}`).toBe(3);
    for (const cred of credentials) expectInvalidToken(await readResource(d, cred));
    expect((await readResource(d, other.json.credential)).status, 'other subjects are untouched').toBe(200);
  });

  it('rejects a bad logout token with a §2 code and revokes nothing', async () => {
    const sub = `tp-keep-${Date.now()}`;
    const reg = await registerIdJag(d, await tp.mintIdJag(d.issuer, { claims: { sub } }), 'api_key');
    expectOk(reg);
    const cases: [string, Promise<string>, string][] = [
      ['nonce present', tp.mintLogoutToken(d.issuer, sub, { claims: { nonce: 'n' } }), 'invalid_request'],
      ['wrong typ', tp.mintLogoutToken(d.issuer, sub, { header: { typ: 'JWT' } }), 'invalid_request'],
      ['untrusted iss', tp.mintLogoutToken(d.issuer, sub, { claims: { iss: 'https://untrusted.example' } }), 'invalid_issuer'],
      ['forged signature', tp.mintLogoutToken(d.issuer, sub, { sign: 'forged' }), 'invalid_signature'],
      ['wrong aud', tp.mintLogoutToken(d.issuer, sub, { claims: { aud: 'https://elsewhere.example' } }), 'invalid_audience'],
      ['alg none', tp.mintLogoutToken(d.issuer, sub, { sign: 'none' }), 'invalid_request'],
    ];
    for (const [name, token, code] of cases) {
      const res = await revoke(await token);
      expectError(res, 400, code);
      expect(res.json, name).not.toHaveProperty('revoked');
    }
    const noEvent = await revoke(await tp.mintLogoutToken(d.issuer, sub, { claims: { events: { 'https://example.com/other': {} } } }));
    expect(noEvent.status, `a logout token without the revoked event: ${noEvent.describe}`).toBe(400);
    expect((await readResource(d, reg.json.credential)).status, 'nothing was revoked').toBe(200);
  });

  it('revokes only what the delegation issued, not other credentials of the same person', async () => {
    const sub = `tp-scope-${Date.now()}`;
    const email = uniqueEmail('revoke-scope');
    const viaJag = await registerIdJag(d, await tp.mintIdJag(d.issuer, { claims: { sub, email } }), 'api_key');
    expectOk(viaJag);
    // The same person, verified by the email ceremony: not issued for (iss, sub, aud).
    const before = await mailIds(host.urls.mailbox);
    const ve = await registerVerifiedEmail(d, email);
    expectOk(ve);
    const link = claimLinkFrom((await waitForMail(host.urls.mailbox, email, { after: before })).text);
    const done = await complete(d, ve.json.claim_token, (await challenge(d, link.token)).json.challenge);
    expectOk(done);

    const res = await revoke(await tp.mintLogoutToken(d.issuer, sub));
    expectOk(res);
    expect(res.json.revoked, res.describe).toBe(1);
    expectInvalidToken(await readResource(d, viaJag.json.credential));
    const kept = await readResource(d, done.json.credential);
    expect(kept.status, `the email-verified credential was not issued for the delegation: ${kept.describe}`).toBe(200);
  });

  it('a logout token for a subject with no credentials revokes nothing', async () => {
    const res = await revoke(await tp.mintLogoutToken(d.issuer, `nobody-${Date.now()}`));
    expectOk(res);
    expect(res.json).toEqual({ revoked: 0 });
  });

  it('rejects a replayed logout token', async () => {
    const sub = `tp-replay-${Date.now()}`;
    expectOk(await registerIdJag(d, await tp.mintIdJag(d.issuer, { claims: { sub } })));
    const token = await tp.mintLogoutToken(d.issuer, sub);
    expectOk(await revoke(token));
    expectError(await revoke(token), 400, 'replay_detected');
  });
});

describe('§2 user matching: prior delegation (iss, sub) → verified email → verified phone → create', () => {
  /** PROTOCOL.md §1 only says the resource "answers who the caller is (user id and email)"; accept the usual spellings. */
  async function userOf(credential: string): Promise<string> {
    const res = await readResource(d, credential);
    expect(res.status, res.describe).toBe(200);
    const id = res.json.user?.id ?? res.json.user_id ?? res.json.user?.sub;
    expect(typeof id, `no user id in ${res.describe}`).toBe('string');
    return id;
  }
  async function viaIdJag(claims: Record<string, unknown>) {
    const res = await registerIdJag(d, await tp.mintIdJag(d.issuer, { claims }), 'api_key');
    expectOk(res);
    return userOf(res.json.credential);
  }
  const phone = () => `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

  it('the same (iss, sub) is the same user even when the email changes', async () => {
    const sub = `match-sub-${Date.now()}`;
    const a = await viaIdJag({ sub, email: uniqueEmail('m1') });
    const b = await viaIdJag({ sub, email: uniqueEmail('m2') });
    expect(b).toBe(a);
  });

  it('a new sub with a known verified email joins that user', async () => {
    const email = uniqueEmail('m-email');
    const a = await viaIdJag({ email });
    const b = await viaIdJag({ email });
    expect(b).toBe(a);
    expect(await viaIdJag({ email: uniqueEmail('m-other') })).not.toBe(a);
  });

  it('a user verified by email ceremony is matched by an ID-JAG with that email', async () => {
    const email = uniqueEmail('m-ceremony');
    const before = await mailIds(host.urls.mailbox);
    const reg = await registerVerifiedEmail(d, email);
    expectOk(reg);
    const link = claimLinkFrom((await waitForMail(host.urls.mailbox, email, { after: before })).text);
    const done = await complete(d, reg.json.claim_token, (await challenge(d, link.token)).json.challenge);
    expectOk(done);
    expect(await viaIdJag({ email })).toBe(await userOf(done.json.credential));
  });

  it('without an email, a verified phone number matches; an email match beats a phone match', async () => {
    const p = phone();
    const noEmail = { email: undefined, email_verified: undefined, phone_number: p, phone_number_verified: true };
    const a = await viaIdJag(noEmail);
    expect(await viaIdJag(noEmail)).toBe(a);
    const email = uniqueEmail('m-beats-phone');
    const e = await viaIdJag({ email });
    expect(await viaIdJag({ email, phone_number: p, phone_number_verified: true })).toBe(e);
  });

  it('an unverified phone number does not match', async () => {
    const p = phone();
    const a = await viaIdJag({ email: uniqueEmail('m-ph1'), phone_number: p, phone_number_verified: true });
    const b = await viaIdJag({ email: uniqueEmail('m-ph2'), phone_number: p, phone_number_verified: false });
    expect(b).not.toBe(a);
  });
});
