import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import {
  anonymous, api, exchange, expectIdentityError, expectTokenError, idJagRegister, mintIdJagV06, pollClaim, postJson, serviceAuth,
  startClaimV06, startTestIssuer, startV06, type TestIssuer,
} from './helpers.js';
import { attemptTokenOf, Browser, formTokens, outcomeOf, wrongCode } from './browser.js';

let issuer: TestIssuer;
let svc: Awaited<ReturnType<typeof startV06>>;
let clock = Date.now();
beforeAll(async () => {
  issuer = await startTestIssuer();
  svc = await startV06({ trustedIssuers: [issuer.url], now: () => clock, config: { trustedIssuers: [{ iss: issuer.url, displayName: 'Test Provider Inc.' }] } });
});
afterAll(async () => {
  await svc.close();
  await issuer.close();
});

describe('the step-up ceremony (PROTOCOL-v0.6.md §2, §3)', () => {
  it('the account holder confirms: first_time_provider names the display name; delegation binds; the next ID-JAG is a clean 200', async () => {
    const r = await idJagRegister(svc, await mintIdJagV06(issuer, svc, { sub: 'victim-link', email: 'bob@service.example.com' }));
    expect(r.status).toBe(401);
    const token = attemptTokenOf(r.body.claim.verification_uri);
    const b = new Browser(svc.url);
    await b.signIn('bob@service.example.com');
    const page = await b.get(`/claim?claim_attempt_token=${token}`);
    expect(page.text).toContain('data-advisory="first_time_provider"');
    expect(page.text).toContain('Test Provider Inc.');
    expectTokenError(await pollClaim(svc, r.body.claim_token), 'authorization_pending');
    expect((await b.complete(token, r.body.claim.user_code)).status).toBe(200);
    const grant = await pollClaim(svc, r.body.claim_token);
    expect(grant.status).toBe(200);
    const next = await idJagRegister(svc, await mintIdJagV06(issuer, svc, { sub: 'victim-link', email: 'bob@service.example.com' }));
    expect(next.status).toBe(200);
    expect(next.body.registration_id).toBe(r.body.registration_id);
  });

  it('a repeat step-up replaces claim_token, attempt and code; the old ones stop working', async () => {
    const first = await idJagRegister(svc, await mintIdJagV06(issuer, svc, { sub: 'repeat', email: 'alice@service.example.com' }));
    const second = await idJagRegister(svc, await mintIdJagV06(issuer, svc, { sub: 'repeat', email: 'alice@service.example.com' }));
    expect(second.body.registration_id).toBe(first.body.registration_id);
    expectTokenError(await pollClaim(svc, first.body.claim_token), 'expired_token');
    expectIdentityError(await startClaimV06(svc, first.body.claim_token, 'alice@service.example.com'), 401, 'invalid_claim_token');
    const b = new Browser(svc.url);
    await b.signIn('alice@service.example.com');
    expect((await b.get(`/claim?claim_attempt_token=${attemptTokenOf(first.body.claim.verification_uri)}`)).status).toBe(404);
    expectTokenError(await pollClaim(svc, second.body.claim_token), 'authorization_pending');
  });

  it('(beyond) a step-up restart must name the matched account: another email is invalid_login_hint', async () => {
    const r = await idJagRegister(svc, await mintIdJagV06(issuer, svc, { sub: 'reaim', email: 'alice@service.example.com' }));
    expectIdentityError(await startClaimV06(svc, r.body.claim_token, 'attacker@example.com'), 400, 'invalid_login_hint');
    expect((await startClaimV06(svc, r.body.claim_token, 'ALICE@service.example.com')).status).toBe(200);
  });

  it('a pending step-up row exchanges no assertion (beyond), and N concurrent completes give exactly one success', async () => {
    const r = await idJagRegister(svc, await mintIdJagV06(issuer, svc, { sub: 'race-step', email: 'race-step@example.com' }));
    expect(r.status).toBe(200); // JIT first: the account now exists with a delegation
    const other = await idJagRegister(svc, await mintIdJagV06(issuer, svc, { sub: 'race-step-2', email: 'race-step@example.com' }));
    expect(other.status).toBe(401);
    const token = attemptTokenOf(other.body.claim.verification_uri);
    const b = new Browser(svc.url);
    await b.signIn('race-step@example.com');
    const csrf = formTokens((await b.get(`/claim?claim_attempt_token=${token}`)).text)[0];
    const replies = await Promise.all(Array.from({ length: 6 }, () => b.post('/agent/identity/claim/complete', { claim_attempt_token: token, user_code: other.body.claim.user_code, csrf_token: csrf })));
    expect(replies.filter((x) => x.status === 200)).toHaveLength(1);
    expect(replies.filter((x) => x.status === 409)).toHaveLength(5);
  });
});

describe('service_auth ceremony (PROTOCOL-v0.6.md §2, §3)', () => {
  it('whoever signs in with the hint (ignoring case) completes; the grant returns token + v2 assertion', async () => {
    const r = (await serviceAuth(svc, 'New.Person@Example.com')).body;
    const b = new Browser(svc.url);
    await b.signIn('new.person@example.com');
    expect((await b.complete(attemptTokenOf(r.claim.verification_uri), r.claim.user_code)).status).toBe(200);
    const grant = await pollClaim(svc, r.claim_token);
    expect(grant.body.scope).toBe('api.read api.write');
    expect((await exchange(svc, grant.body.identity_assertion)).status).toBe(200);
    expectTokenError(await pollClaim(svc, ''), 'invalid_request');
  });
});

describe('the remaining §10 outcomes', () => {
  it('the registration window closing: GET /claim and the POST answer 410 claim_expired', async () => {
    let t = Date.now();
    const short = await startV06({ now: () => t, config: { registrationTtlSeconds: 300 } }); // the window closes before code and link
    try {
      const reg = (await anonymous(short)).body;
      const started = (await startClaimV06(short, reg.claim_token, 'window@example.com')).body;
      const token = attemptTokenOf(started.claim_attempt.verification_uri);
      const b = new Browser(short.url);
      await b.signIn('window@example.com');
      const csrf = formTokens((await b.get(`/claim?claim_attempt_token=${token}`)).text)[0];
      t += 301_000;
      const get = await b.get(`/claim?claim_attempt_token=${token}`);
      expect({ status: get.status, outcome: outcomeOf(get) }).toEqual({ status: 410, outcome: 'claim_expired' });
      const post = await b.post('/agent/identity/claim/complete', { claim_attempt_token: token, user_code: started.claim_attempt.user_code, csrf_token: csrf });
      expect({ status: post.status, outcome: outcomeOf(post) }).toEqual({ status: 410, outcome: 'claim_expired' });
    } finally {
      await short.close();
    }
  });

  it('rate_limited on /agent/identity with Retry-After (beyond)', async () => {
    const limited = await startV06({ config: { rateLimits: { anonymousPerIpPerHour: 1 } } });
    try {
      expect((await anonymous(limited)).status).toBe(200);
      const r = await anonymous(limited);
      expectIdentityError(r, 429, 'rate_limited');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
