import { afterEach, describe, expect, it } from 'vitest';
import { expectError, postJson, registerAnonymous, registerVerifiedEmail, registerWithIdJag, startClaim, startService, startTestIssuer, type TestService } from './helpers.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const anonymous = (svc: TestService) => postJson(`${svc.url}/agent/auth`, { type: 'anonymous', requested_credential_type: 'api_key' });

function expectRateLimited(r: Awaited<ReturnType<typeof anonymous>>) {
  expectError(r, 429, 'rate_limited');
  const retryAfter = Number(r.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(3600);
}

describe('rate limits (hourly, per IP and per tenant)', () => {
  it('per IP: anonymous registrations beyond the limit get 429 with Retry-After, until the hour turns', async () => {
    let t = Date.UTC(2030, 0, 1, 12, 0, 0);
    const svc = await startService({ now: () => t, config: { rateLimits: { anonymousPerIpPerHour: 2 } } });
    open.push(svc);
    expect((await anonymous(svc)).status).toBe(200);
    expect((await anonymous(svc)).status).toBe(200);
    const limited = await anonymous(svc);
    expectRateLimited(limited);
    expect(limited.headers.get('retry-after')).toBe('3600');
    // Identity assertions count in their own bucket.
    expect((await registerVerifiedEmail(svc, 'x@example.com')).status).toBe(200);
    t += 3_600_000;
    expect((await anonymous(svc)).status).toBe(200);
  });

  it('per tenant: the shared anonymous tenant caps anonymous keys overall', async () => {
    const svc = await startService({ config: { rateLimits: { anonymousPerTenantPerHour: 1 } } });
    open.push(svc);
    expect((await anonymous(svc)).status).toBe(200);
    expectRateLimited(await anonymous(svc));
  });

  it('per tenant: an ID-JAG issuer has its own bucket', async () => {
    const a = await startTestIssuer();
    const b = await startTestIssuer();
    open.push(a, b);
    const svc = await startService({ trustedIssuers: [a.url, b.url], config: { rateLimits: { identityAssertionPerTenantPerHour: 1 } } });
    open.push(svc);
    expect((await registerWithIdJag(svc, await a.mintIdJag(svc.url))).status).toBe(200);
    expectRateLimited(await registerWithIdJag(svc, await a.mintIdJag(svc.url)));
    expect((await registerWithIdJag(svc, await b.mintIdJag(svc.url))).status).toBe(200);
  });

  // Issue 14 #6: the bucket used to be charged before the header and signature checks.
  it('per tenant: forged ID-JAGs naming a trusted issuer do not spend its bucket (charged after the signature)', async () => {
    const a = await startTestIssuer();
    open.push(a);
    const svc = await startService({ trustedIssuers: [a.url], config: { rateLimits: { identityAssertionPerTenantPerHour: 1 } } });
    open.push(svc);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: a.url, sub: 'user-alice', aud: svc.url, client_id: a.cimdUrl, jti: 'j', iat: now, exp: now + 300, email: 'alice@example.com', email_verified: true };
    for (let i = 0; i < 3; i++) {
      expectError(await registerWithIdJag(svc, `${b64({ alg: 'none', typ: 'oauth-id-jag+jwt' })}.${b64({ ...claims, jti: `none-${i}` })}.`), 400, 'invalid_request');
      expectError(await registerWithIdJag(svc, await a.mintIdJag(svc.url, {}, { key: await a.unpublishedKey() })), 400, 'invalid_signature');
    }
    // The issuer's own first ID-JAG of the hour still registers; its second is the one over the limit.
    expect((await registerWithIdJag(svc, await a.mintIdJag(svc.url))).status).toBe(200);
    expectRateLimited(await registerWithIdJag(svc, await a.mintIdJag(svc.url)));
  });

  it('per tenant: verified-email registrations are counted by mail domain', async () => {
    const svc = await startService({ config: { rateLimits: { identityAssertionPerTenantPerHour: 1 } } });
    open.push(svc);
    expect((await registerVerifiedEmail(svc, 'a@one.example')).status).toBe(200);
    expectRateLimited(await registerVerifiedEmail(svc, 'b@one.example'));
    expect((await registerVerifiedEmail(svc, 'a@two.example')).status).toBe(200);
    expect(svc.mails).toHaveLength(2);
  });

  it('starting a claim sends mail, so it counts against the anonymous per-IP limit', async () => {
    const svc = await startService({ config: { rateLimits: { anonymousPerIpPerHour: 2 } } });
    open.push(svc);
    const reg = await registerAnonymous(svc);
    expect((await startClaim(svc, reg.claim_token, 'p@example.com')).status).toBe(200);
    expectRateLimited(await startClaim(svc, reg.claim_token, 'p@example.com'));
    expect(svc.mails).toHaveLength(1);
  });
});
