import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectError, getResource, registerWithIdJag, startService, startTestIssuer, type TestIssuer, type TestService } from './helpers.js';

let issuer: TestIssuer;
let svc: TestService;
beforeAll(async () => {
  issuer = await startTestIssuer();
  svc = await startService({ trustedIssuers: [issuer.url] });
});
afterAll(async () => {
  await svc.close();
  await issuer.close();
});

const revoke = (body: string, contentType = 'application/logout+jwt') =>
  call(`${svc.url}/agent/auth/revoke`, { method: 'POST', headers: { 'content-type': contentType }, body });

async function credentialsFor(sub: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await registerWithIdJag(svc, await issuer.mintIdJag(svc.url, { sub, email: `${sub}@example.com` }), i % 2 ? 'api_key' : 'access_token');
    expect(r.status).toBe(200);
    out.push(r.body.credential);
  }
  return out;
}

describe('revocation by logout token (PROTOCOL.md §4)', () => {
  it('revokes every credential issued for (iss, sub) at once, and only those', async () => {
    const mine = await credentialsFor('rev-1', 3);
    const theirs = await credentialsFor('rev-2', 1);
    const r = await revoke(await issuer.mintLogoutToken(svc.url, { sub: 'rev-1' }));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ revoked: 3 });
    for (const c of mine) expectError(await getResource(svc, c), 401, 'invalid_token');
    expect((await getResource(svc, theirs[0])).status).toBe(200);
    const audit = svc.handle.inspect().audit as any[];
    expect(audit.some((a) => a.type === 'registration.revoked' && a.detail.sub === 'rev-1')).toBe(true);
    // Nothing left to revoke the second time.
    expect((await revoke(await issuer.mintLogoutToken(svc.url, { sub: 'rev-1' }))).body).toEqual({ revoked: 0 });
    // The user may consent again: a new ID-JAG gives a fresh working credential.
    const back = await registerWithIdJag(svc, await issuer.mintIdJag(svc.url, { sub: 'rev-1', email: 'rev-1@example.com' }));
    expect((await getResource(svc, back.body.credential)).status).toBe(200);
  });

  it('any failure is a 400 with a §2 code, and revokes nothing', async () => {
    const [credential] = await credentialsFor('rev-keep', 1);
    const forger = await issuer.unpublishedKey();
    const stranger = await startTestIssuer();
    const sub = { sub: 'rev-keep' };
    try {
      const cases: [Promise<string> | string, string, string?][] = [
        [issuer.mintLogoutToken(svc.url, sub), 'invalid_request', 'application/json'],
        ['', 'invalid_request'],
        ['garbage', 'invalid_request'],
        [stranger.mintLogoutToken(svc.url, sub), 'invalid_issuer'],
        [issuer.mintIdJag(svc.url, sub), 'invalid_request'], // typ oauth-id-jag+jwt is not a logout token
        [issuer.mintLogoutToken(svc.url, sub, { key: forger }), 'invalid_signature'],
        [issuer.mintLogoutToken(svc.url, sub, { nowSeconds: Math.floor(Date.now() / 1000) - 1000 }), 'expired'],
        [issuer.mintLogoutToken('http://127.0.0.1:1', sub), 'invalid_audience'],
        [issuer.mintLogoutToken(svc.url, { ...sub, events: { 'https://example.com/other': {} } }), 'invalid_request'],
        [issuer.mintLogoutToken(svc.url, { ...sub, nonce: 'n-1' }), 'invalid_request'],
        [issuer.mintLogoutToken(svc.url, {}, { omit: ['sub'] }), 'invalid_request'],
      ];
      for (const [token, code, contentType] of cases) {
        expectError(await revoke(await token, contentType), 400, code);
      }
      const once = await issuer.mintLogoutToken(svc.url, { sub: 'someone-else' });
      expect((await revoke(once)).status).toBe(200);
      expectError(await revoke(once), 400, 'replay_detected');
      expect((await getResource(svc, credential)).status).toBe(200);
    } finally {
      await stranger.close();
    }
  });

  // Issue 14 #7: ID-JAGs minted before the revoke and used after it used to register (5 × 200).
  it('ID-JAGs of (iss, sub, aud) minted before the revocation are refused after it; a fresh one works', async () => {
    const now = Math.floor(Date.now() / 1000);
    const minted = await Promise.all(Array.from({ length: 5 }, () => issuer.mintIdJag(svc.url, { sub: 'rev-minted' }, { nowSeconds: now - 5 })));
    const other = await issuer.mintIdJag(svc.url, { sub: 'rev-other' }, { nowSeconds: now - 5 });
    expect((await revoke(await issuer.mintLogoutToken(svc.url, { sub: 'rev-minted' }))).status).toBe(200);

    for (const jwt of minted.slice(0, 4)) {
      const r = await registerWithIdJag(svc, jwt);
      expectError(r, 403, 'consent_required');
      expect(r.body.message).toMatch(/withdrew consent/);
    }
    // The standard grant refuses it too, in RFC 6749 §5.2 form.
    const token = await call(`${svc.url}/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: minted[4] }),
    });
    expect(token.status).toBe(400);
    expect(token.body.error).toBe('invalid_grant');
    expect(token.body.error_description).toMatch(/^consent_required: /);

    // Another user of the same provider is untouched; a newly minted ID-JAG (a fresh consent) registers.
    expect((await registerWithIdJag(svc, other)).status).toBe(200);
    const fresh = await registerWithIdJag(svc, await issuer.mintIdJag(svc.url, { sub: 'rev-minted' }));
    expect(fresh.status).toBe(200);
    expect((await getResource(svc, fresh.body.credential)).status).toBe(200);
  });
});
