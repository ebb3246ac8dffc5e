import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { createHash } from 'node:crypto';
import {
  anonymous, api, exchange, expectIdentityError, expectTokenError, identity, idJagRegister, mintIdJagV06, serviceAuth,
  startTestIssuer, startV06, type TestIssuer,
} from './helpers.js';
import { Browser } from './browser.js';

let issuer: TestIssuer;
let svc: Awaited<ReturnType<typeof startV06>>;
beforeAll(async () => {
  issuer = await startTestIssuer();
  svc = await startV06({ trustedIssuers: [issuer.url] });
});
afterAll(async () => {
  await svc.close();
  await issuer.close();
});

const regIdOf = (sub: string) => `reg_${createHash('sha256').update(`${issuer.url}|${sub}|${svc.url}`).digest('hex').slice(0, 22)}`;

describe('POST /agent/identity bodies (PROTOCOL-v0.6.md §2)', () => {
  it('anything but the three shapes is invalid_request — the v0.1 verified_email body too', async () => {
    expectIdentityError(await identity(svc, { type: 'identity_assertion', assertion_type: 'verified_email', assertion: 'a@b.example' }), 400, 'invalid_request');
    expectIdentityError(await identity(svc, { type: 'nope' }), 400, 'invalid_request');
    expectIdentityError(await identity(svc, [1, 2]), 400, 'invalid_request');
    expectIdentityError(await identity(svc, { type: 'identity_assertion', assertion_type: 'urn:ietf:params:oauth:token-type:id-jag' }), 400, 'invalid_request');
  });

  it('unknown members are ignored', async () => {
    expect((await identity(svc, { type: 'anonymous', requested_credential_type: 'api_key', extra: 1 })).status).toBe(200);
  });

  it('a type off in config: anonymous_not_enabled, service_auth_not_enabled, issuer_not_enabled', async () => {
    const off = await startV06({ trustedIssuers: [issuer.url], config: { identityTypes: { anonymous: false, serviceAuth: false, idJag: false } } });
    try {
      expectIdentityError(await anonymous(off), 400, 'anonymous_not_enabled');
      expectIdentityError(await serviceAuth(off, 'a@b.example'), 400, 'service_auth_not_enabled');
      expectIdentityError(await idJagRegister(off, await mintIdJagV06(issuer, off)), 400, 'issuer_not_enabled');
    } finally {
      await off.close();
    }
  });
});

describe('service_auth (PROTOCOL-v0.6.md §2)', () => {
  it('answers the ceremony block and no assertion', async () => {
    const r = await serviceAuth(svc, '  Someone@Example.com ');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      registration_id: expect.stringMatching(/^reg_/), registration_type: 'service_auth', claim_url: `${svc.url}/agent/identity/claim`,
      claim_token: expect.stringMatching(/^clm_/), claim_token_expires: expect.any(String), post_claim_scopes: ['api.read', 'api.write'],
      claim: { user_code: expect.stringMatching(/^\d{6}$/), expires_in: 600, interval: 5, verification_uri: expect.stringMatching(/\/login\?return_to=%2Fclaim%3Fclaim_attempt_token%3Dcvt_/) },
    });
    expect(r.body).not.toHaveProperty('identity_assertion');
  });

  it('a bad hint is invalid_login_hint; an empty one invalid_request', async () => {
    expectIdentityError(await serviceAuth(svc, 'not an email'), 400, 'invalid_login_hint');
    expectIdentityError(await serviceAuth(svc, 'a@b'), 400, 'invalid_login_hint');
    expectIdentityError(await serviceAuth(svc, ''), 400, 'invalid_request');
    expectIdentityError(await serviceAuth(svc, 7), 400, 'invalid_request');
  });
});

describe('ID-JAG checks in §2 order', () => {
  const cases: [string, () => Promise<string>, string][] = [
    ['not a JWT has no issuer', async () => 'garbage', 'invalid_issuer'],
    ['untrusted iss', () => mintIdJagV06(issuer, svc, { iss: 'https://evil.example' }), 'invalid_issuer'],
    ['wrong typ', () => mintIdJagV06(issuer, svc, {}, { header: { typ: 'JWT' } }), 'invalid_request'],
    ['unpublished key', async () => mintIdJagV06(issuer, svc, {}, { key: await issuer.unpublishedKey() }), 'invalid_signature'],
    ['no exp', () => mintIdJagV06(issuer, svc, {}, { omit: ['exp'] }), 'invalid_request'],
    ['iat in the future', () => mintIdJagV06(issuer, svc, { iat: Math.floor(Date.now() / 1000) + 600, exp: Math.floor(Date.now() / 1000) + 700 }), 'invalid_request'],
    ['expired', () => mintIdJagV06(issuer, svc, {}, { nowSeconds: Math.floor(Date.now() / 1000) - 1000 }), 'expired'],
    ['wrong aud', () => mintIdJagV06(issuer, svc, { aud: 'https://other.example' }), 'invalid_audience'],
    ['wrong resource (the v0.1 one)', () => mintIdJagV06(issuer, svc, { resource: `${svc.url}/api/resource` }), 'invalid_audience'],
    ['no client_id', () => mintIdJagV06(issuer, svc, {}, { omit: ['client_id'] }), 'invalid_client_id'],
    ['no sub', () => mintIdJagV06(issuer, svc, {}, { omit: ['sub'] }), 'invalid_request'],
    ['no jti', () => mintIdJagV06(issuer, svc, {}, { omit: ['jti'] }), 'invalid_request'],
    ['email_verified "true" is not true', () => mintIdJagV06(issuer, svc, { email_verified: 'true' }), 'missing_verified_email'],
  ];
  for (const [name, mint, code] of cases) {
    it(`${name} → ${code}`, async () => expectIdentityError(await idJagRegister(svc, await mint()), 400, code));
  }

  it('a replayed jti → replay_detected (burnt even when a later check failed)', async () => {
    const failing = await mintIdJagV06(issuer, svc, { sub: 'replay-1', email_verified: false });
    expectIdentityError(await idJagRegister(svc, failing), 400, 'missing_verified_email');
    expectIdentityError(await idJagRegister(svc, failing), 400, 'replay_detected');
  });

  for (const [name, authTime] of [['missing', undefined], ['stale', Math.floor(Date.now() / 1000) - 7200], ['in the future', Math.floor(Date.now() / 1000) + 600]] as const) {
    it(`auth_time ${name} → 401 login_required with max_age and WWW-Authenticate`, async () => {
      const jwt = await mintIdJagV06(issuer, svc, { sub: `auth-time-${name}`, auth_time: authTime }, authTime === undefined ? { omit: ['auth_time'] } : {});
      const r = await idJagRegister(svc, jwt);
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: 'login_required', error_description: expect.any(String), max_age: 3600 });
      expect(r.headers.get('www-authenticate')).toMatch(/^AgentAuth error="login_required", max_age="3600", error_description="[^"]+"$/);
    });
  }
});

describe('user matching (PROTOCOL-v0.6.md §2)', () => {
  it('JIT: a clean 200, the id derived from (iss, sub, aud), the assertion copying email/amr; same id next time', async () => {
    const r = await idJagRegister(svc, await mintIdJagV06(issuer, svc, { sub: 'jit-1', email: 'jit1@example.com' }));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ registration_id: regIdOf('jit-1'), registration_type: 'identity_assertion', identity_assertion: expect.any(String), assertion_expires: expect.any(String), scopes: ['api.read', 'api.write'] });
    expect(decodeJwt(r.body.identity_assertion)).toMatchObject({ sub: regIdOf('jit-1'), email: 'jit1@example.com', email_verified: true, amr: ['mfa'] });
    const again = await idJagRegister(svc, await mintIdJagV06(issuer, svc, { sub: 'jit-1', email: 'changed@example.com' }));
    expect(again.body.registration_id).toBe(regIdOf('jit-1'));
    const t = await exchange(svc, again.body.identity_assertion);
    expect(t.body.scope).toBe('api.read api.write');
    const me = await api(svc, t.body.access_token);
    expect(me.body.user).toMatchObject({ email: 'jit1@example.com', email_verified: true });
    expect(me.body.credential).toEqual({ scope: ['api.read', 'api.write'], source: 'identity_assertion', registration_id: regIdOf('jit-1'), iss: issuer.url, sub: 'jit-1', aud: svc.url });
    expect((await api(svc, t.body.access_token, 'POST')).status).toBe(201);
  });

  it('the account takeover is stopped: a verified email matching an account without delegation is 401 interaction_required', async () => {
    const r = await idJagRegister(svc, await mintIdJagV06(issuer, svc, { sub: 'attacker-1', email: 'alice@service.example.com' }));
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/^AgentAuth error="interaction_required", error_description="/);
    expect(r.body).toEqual({
      error: 'interaction_required', error_description: expect.any(String), registration_id: regIdOf('attacker-1'), registration_type: 'identity_assertion',
      claim_url: `${svc.url}/agent/identity/claim`, claim_token: expect.stringMatching(/^clm_/), claim_token_expires: expect.any(String),
      post_claim_scopes: ['api.read', 'api.write'], claim: { user_code: expect.stringMatching(/^\d{6}$/), expires_in: 600, interval: 5, verification_uri: expect.any(String) },
    });
    expect(r.body).not.toHaveProperty('identity_assertion');
  });

  it('an account auto-provisioned at /login is matched by a later ID-JAG (step-up)', async () => {
    const b = new Browser(svc.url);
    expect((await b.signIn('Carla@Example.com')).status).toBe(302);
    const r = await idJagRegister(svc, await mintIdJagV06(issuer, svc, { sub: 'carla', email: 'carla@example.com' }));
    expectIdentityError(r, 401, 'interaction_required');
  });

  it('a verified phone number matches too: the second subject with the same phone steps up', async () => {
    const phone = { email: undefined, email_verified: false, phone_number: '+15550001111', phone_number_verified: true };
    const first = await idJagRegister(svc, await mintIdJagV06(issuer, svc, { sub: 'phone-1', ...phone }, { omit: ['email'] }));
    expect(first.status).toBe(200);
    const second = await idJagRegister(svc, await mintIdJagV06(issuer, svc, { sub: 'phone-2', ...phone }, { omit: ['email'] }));
    expectIdentityError(second, 401, 'interaction_required');
  });
});
