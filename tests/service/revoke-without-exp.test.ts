/**
 * Logout tokens that carry `iat` but no `exp` (OIDC Back-Channel Logout 1.0 does not require exp;
 * the v0.1 reference's provider omits it): accepted while iat is recent, their jti remembered for
 * as long as they could be accepted, and an exp that is present still enforced (PROTOCOL.md §4).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectError, getResource, registerWithIdJag, startService, startTestIssuer, type TestIssuer, type TestService } from './helpers.js';

let issuer: TestIssuer;
let svc: TestService;
let strict: TestService;
// The service's clock; tokens are minted against it, so moving it ages them.
let clock = Date.now();
const nowSeconds = () => Math.floor(clock / 1000);

beforeAll(async () => {
  issuer = await startTestIssuer();
  svc = await startService({ trustedIssuers: [issuer.url], now: () => clock });
  strict = await startService({ trustedIssuers: [issuer.url], now: () => clock, config: { logoutTokenMaxAgeSeconds: 30, clockSkewSeconds: 0 } });
});
afterAll(async () => {
  await Promise.all([svc.close(), strict.close()]);
  await issuer.close();
});

const revoke = (s: TestService, body: string) =>
  call(`${s.url}/agent/auth/revoke`, { method: 'POST', headers: { 'content-type': 'application/logout+jwt' }, body });
const noExp = (s: TestService, sub: string, iat = nowSeconds()) =>
  issuer.mintLogoutToken(s.url, { sub }, { nowSeconds: iat, omit: ['exp'] });

async function credentialFor(s: TestService, sub: string): Promise<string> {
  const r = await registerWithIdJag(s, await issuer.mintIdJag(s.url, { sub, email: `${sub}@example.com` }, { nowSeconds: nowSeconds() }));
  expect(r.status).toBe(200);
  return r.body.credential;
}

describe('logout tokens without exp (PROTOCOL.md §4)', () => {
  it('a fresh one revokes the credentials of (iss, sub)', async () => {
    const credential = await credentialFor(svc, 'noexp-1');
    const r = await revoke(svc, await noExp(svc, 'noexp-1'));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ revoked: 1 });
    expectError(await getResource(svc, credential), 401, 'invalid_token');
  });

  it('one issued more than 5 minutes (+60 s skew) ago is expired, and revokes nothing', async () => {
    const credential = await credentialFor(svc, 'noexp-old');
    expect((await revoke(svc, await noExp(svc, 'noexp-old', nowSeconds() - 300 - 50))).status).toBe(200); // inside the skew
    const again = await credentialFor(svc, 'noexp-old');
    const r = await revoke(svc, await noExp(svc, 'noexp-old', nowSeconds() - 300 - 61));
    expectError(r, 400, 'expired');
    expect(r.body.message).toMatch(/no exp/);
    expect((await getResource(svc, again)).status).toBe(200);
    expectError(await getResource(svc, credential), 401, 'invalid_token');
  });

  it('the window is the service config key logoutTokenMaxAgeSeconds', async () => {
    await credentialFor(strict, 'noexp-strict');
    expectError(await revoke(strict, await noExp(strict, 'noexp-strict', nowSeconds() - 31)), 400, 'expired');
    expect((await revoke(strict, await noExp(strict, 'noexp-strict', nowSeconds() - 29))).status).toBe(200);
  });

  it('iat in the future, or no iat either, is invalid_request', async () => {
    expectError(await revoke(svc, await noExp(svc, 'noexp-future', nowSeconds() + 120)), 400, 'invalid_request');
    const neither = await issuer.mintLogoutToken(svc.url, { sub: 'noexp-none' }, { omit: ['exp', 'iat'] });
    expectError(await revoke(svc, neither), 400, 'invalid_request');
  });

  it('its jti is remembered for as long as the token could be accepted (iat + window + skew)', async () => {
    const start = clock;
    try {
      const token = await noExp(svc, 'noexp-replay');
      expect((await revoke(svc, token)).status).toBe(200);
      clock = start + (300 + 60 - 2) * 1000; // the last seconds it could still pass the time rule
      expectError(await revoke(svc, token), 400, 'replay_detected');
      clock = start + (300 + 60 + 1) * 1000;
      expectError(await revoke(svc, token), 400, 'expired');
    } finally {
      clock = start;
    }
  });

  it('an exp that is present is enforced, whatever iat says', async () => {
    const expired = await issuer.mintLogoutToken(svc.url, { sub: 'exp-1', iat: nowSeconds(), exp: nowSeconds() - 120 });
    expectError(await revoke(svc, expired), 400, 'expired');
    const notNumeric = await issuer.mintLogoutToken(svc.url, { sub: 'exp-1', exp: 'tomorrow' });
    expectError(await revoke(svc, notNumeric), 400, 'invalid_request');
    expect((await revoke(svc, await issuer.mintLogoutToken(svc.url, { sub: 'exp-1' }, { nowSeconds: nowSeconds() })) ).status).toBe(200);
  });
});
