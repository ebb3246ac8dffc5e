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
  svc = await startV06({ trustedIssuers: [issuer.url], now: () => clock, config: { trustedIssuers: [{ iss: issuer.url, displayName: 'Test Provider Inc.' }], userCodeMaxAttempts: 3 } });
});
afterAll(async () => {
  await svc.close();
  await issuer.close();
});

async function anonymousWithCeremony(email: string) {
  const reg = (await anonymous(svc)).body;
  const started = await startClaimV06(svc, reg.claim_token, email);
  expect(started.status).toBe(200);
  return { reg, started: started.body, token: attemptTokenOf(started.body.claim_attempt.verification_uri), code: started.body.claim_attempt.user_code as string };
}

describe('the anonymous ceremony end to end (PROTOCOL-v0.6.md §3, §5)', () => {
  it('claim start → login → /claim → complete → claim grant; pre-claim tokens die, the v1 assertion gains post-claim scopes', async () => {
    const { reg, started, token, code } = await anonymousWithCeremony('alice@service.example.com');
    expect(started).toEqual({
      registration_id: reg.registration_id, claim_attempt_id: expect.stringMatching(/^cla_[A-Za-z0-9_-]{22}$/), status: 'initiated', expires_at: expect.any(String),
      claim_attempt: { user_code: expect.stringMatching(/^\d{6}$/), expires_in: 600, interval: 5, verification_uri: expect.stringMatching(new RegExp(`^${svc.url}/login\\?return_to=`)) },
    });
    expect(token).toMatch(/^cvt_[A-Za-z0-9_-]{32}$/);
    const pre = (await exchange(svc, reg.identity_assertion)).body.access_token;
    expect((await api(svc, pre)).status).toBe(200);
    expectTokenError(await pollClaim(svc, reg.claim_token), 'authorization_pending');

    const b = new Browser(svc.url);
    const first = await b.get(started.claim_attempt.verification_uri);
    expect(first.status).toBe(200); // the sign-in form
    expect(first.text).toContain('alice@service.example.com');
    const signedIn = await b.post('/login', { email: 'alice@service.example.com', return_to: `/claim?claim_attempt_token=${token}`, csrf_token: formTokens(first.text)[0] });
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get('location')).toBe(`/claim?claim_attempt_token=${token}`);
    expect(signedIn.headers.get('set-cookie')).toMatch(/svc_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=86400$/);
    const page = await b.get(signedIn.headers.get('location')!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Signed in as <strong>alice@service.example.com</strong>');
    expect(page.text).toContain('data-advisory="first_time_account"');
    expect(page.text).not.toContain('first_time_provider');
    const done = await b.complete(token, code);
    expect(done.status).toBe(200);
    expect(done.text).toContain('All set');

    expect((await api(svc, pre)).status).toBe(401); // §3: pre-claim tokens revoked
    const grant = await pollClaim(svc, reg.claim_token);
    expect(grant.status).toBe(200);
    expect(grant.body).toEqual({ access_token: expect.stringMatching(/^at_/), token_type: 'Bearer', expires_in: 3600, scope: 'api.read api.write', identity_assertion: expect.any(String), assertion_expires: expect.any(String) });
    expect(decodeJwt(grant.body.identity_assertion)).toMatchObject({ sub: reg.registration_id, email: 'alice@service.example.com', email_verified: true });
    expect(decodeJwt(grant.body.identity_assertion)).not.toHaveProperty('amr');
    expect((await api(svc, grant.body.access_token, 'POST')).status).toBe(201);
    expect((await exchange(svc, reg.identity_assertion)).body.scope).toBe('api.read api.write');
    expect((await api(svc, grant.body.access_token)).body.user).toMatchObject({ email: 'alice@service.example.com' });
    // A claimed registration: GET /claim says so before the account check; the claim endpoint 409.
    const bob = new Browser(svc.url);
    await bob.signIn('bob@service.example.com');
    const claimed = await bob.get(`/claim?claim_attempt_token=${token}`);
    expect({ status: claimed.status, outcome: outcomeOf(claimed) }).toEqual({ status: 200, outcome: 'previously_claimed' });
    expectIdentityError(await startClaimV06(svc, reg.claim_token, 'x@example.com'), 409, 'claimed_or_in_flight');
  });

  it('N concurrent completes with the right code: exactly one "All set"', async () => {
    const { token, code } = await anonymousWithCeremony('race@example.com');
    const b = new Browser(svc.url);
    await b.signIn('race@example.com');
    const page = await b.get(`/claim?claim_attempt_token=${token}`);
    const csrf = formTokens(page.text)[0];
    const replies = await Promise.all(Array.from({ length: 8 }, () => b.post('/agent/identity/claim/complete', { claim_attempt_token: token, user_code: code, csrf_token: csrf })));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
  });

  it('N concurrent claim-grant polls after completion each mint their own token; before it every one is pending', async () => {
    const { reg, token, code } = await anonymousWithCeremony('polls@example.com');
    const pending = await Promise.all(Array.from({ length: 5 }, () => pollClaim(svc, reg.claim_token)));
    expect(pending.map((r) => r.body.error)).toEqual(Array(5).fill('authorization_pending'));
    const b = new Browser(svc.url);
    await b.signIn('polls@example.com');
    expect((await b.complete(token, code)).status).toBe(200);
    const grants = await Promise.all(Array.from({ length: 5 }, () => pollClaim(svc, reg.claim_token)));
    expect(new Set(grants.map((g) => g.body.access_token)).size).toBe(5);
  });
});

describe('claim endpoint errors (PROTOCOL-v0.6.md §3 order)', () => {
  it('body, claim_token, window, claimed', async () => {
    const reg = (await anonymous(svc)).body;
    expectIdentityError(await startClaimV06(svc, reg.claim_token, 'not-an-email'), 400, 'invalid_request');
    expectIdentityError(await postJson(`${svc.url}/agent/identity/claim`, { type: 'login_hint', claim_token: reg.claim_token, login_hint: 'a@b.example' }), 400, 'invalid_request');
    expectIdentityError(await startClaimV06(svc, 'clm_unknown', 'a@b.example'), 401, 'invalid_claim_token');
    clock += 86_401_000; // past registrationTtlSeconds
    try {
      expectIdentityError(await startClaimV06(svc, reg.claim_token, 'a@b.example'), 410, 'claim_expired');
      expectTokenError(await pollClaim(svc, reg.claim_token), 'expired_token');
      expectTokenError(await exchange(svc, reg.identity_assertion), 'invalid_grant');
    } finally {
      clock -= 86_401_000;
    }
  });

  it('restart replaces the attempt: the old link 404s, the old code no longer matches', async () => {
    const first = await anonymousWithCeremony('restart@example.com');
    const second = (await startClaimV06(svc, first.reg.claim_token, 'restart@example.com')).body;
    const b = new Browser(svc.url);
    await b.signIn('restart@example.com');
    const old = await b.get(`/claim?claim_attempt_token=${first.token}`);
    expect(old.status).toBe(404);
    expect(second.claim_attempt_id).not.toBe(first.started.claim_attempt_id);
    const newToken = attemptTokenOf(second.claim_attempt.verification_uri);
    if (first.code !== second.claim_attempt.user_code) expect((await b.complete(newToken, first.code)).status).toBe(401);
    expect((await b.complete(newToken, second.claim_attempt.user_code)).status).toBe(200);
  });
});

describe('the pages (PROTOCOL-v0.6.md §3 table)', () => {
  it('no session: /claim and the POST redirect to /login with return_to; a bad form is 400 before the session', async () => {
    const { token, code } = await anonymousWithCeremony('pages@example.com');
    const anon = new Browser(svc.url);
    const r = await anon.get(`/claim?claim_attempt_token=${token}`);
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe(`/login?return_to=${encodeURIComponent(`/claim?claim_attempt_token=${token}`)}`);
    expect((await anon.post('/agent/identity/claim/complete', { claim_attempt_token: token, user_code: 'abc' })).status).toBe(400);
    expect((await anon.post('/agent/identity/claim/complete', { claim_attempt_token: token, user_code: code })).status).toBe(400); // no form token: not our page
    const b = new Browser(svc.url);
    await b.signIn('pages@example.com');
    const page = await b.get(`/claim?claim_attempt_token=${token}`);
    const csrf = formTokens(page.text)[0];
    const noSession = await anon.post('/agent/identity/claim/complete', { claim_attempt_token: token, user_code: code, csrf_token: csrf });
    expect(noSession.status).toBe(302);
    expect((await b.get('/claim?claim_attempt_token=cvt_' + 'A'.repeat(32))).status).toBe(404);
  });

  it('wrong account is 403 on GET and POST', async () => {
    const { token, code } = await anonymousWithCeremony('right@example.com');
    const right = new Browser(svc.url);
    await right.signIn('right@example.com');
    const csrf = formTokens((await right.get(`/claim?claim_attempt_token=${token}`)).text)[0];
    const wrong = new Browser(svc.url);
    await wrong.signIn('bob@service.example.com');
    const get = await wrong.get(`/claim?claim_attempt_token=${token}`);
    expect(get.status).toBe(403);
    expect(get.text).toContain('Wrong account');
    expect((await wrong.post('/agent/identity/claim/complete', { claim_attempt_token: token, user_code: code, csrf_token: csrf })).status).toBe(403);

    // The way out: the page's sign-out comes back to this link, so the person can sign in as the right account.
    const signOut = /<form method="post" action="\/logout">([\s\S]*?)<\/form>/.exec(get.text);
    expect(signOut, 'the wrong-account page has a sign-out form').not.toBeNull();
    const fields = Object.fromEntries([...signOut![1].matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2].replaceAll('&amp;', '&')]));
    expect(fields.return_to).toBe(`/claim?claim_attempt_token=${token}`);
    const out = await wrong.post('/logout', fields);
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe(`/login?return_to=${encodeURIComponent(`/claim?claim_attempt_token=${token}`)}`);
    expect((await wrong.get(`/claim?claim_attempt_token=${token}`)).status).toBe(302); // signed out: the link asks to sign in again
  });

  it('wrong codes are 401 with the form again; after userCodeMaxAttempts the attempt is locked (429), right code included; the grant is expired_token; a restart unlocks', async () => {
    const { reg, token, code } = await anonymousWithCeremony('lock@example.com');
    const b = new Browser(svc.url);
    await b.signIn('lock@example.com');
    const csrf = formTokens((await b.get(`/claim?claim_attempt_token=${token}`)).text)[0];
    for (let i = 0; i < 3; i++) {
      const r = await b.complete(token, wrongCode(code));
      expect(r.status).toBe(401);
      expect(r.text).toContain('name="user_code"');
    }
    expect((await b.get(`/claim?claim_attempt_token=${token}`)).status).toBe(429);
    const page = await b.get(`/claim?claim_attempt_token=${token}`);
    expect(page.text).toContain('user_code_locked');
    // the right code, posted through the form the page showed before the lockout
    const locked = await b.post('/agent/identity/claim/complete', { claim_attempt_token: token, user_code: code, csrf_token: csrf });
    expect({ status: locked.status, outcome: outcomeOf(locked) }).toEqual({ status: 429, outcome: 'user_code_locked' });
    expectTokenError(await pollClaim(svc, reg.claim_token), 'expired_token');
    const again = (await startClaimV06(svc, reg.claim_token, 'lock@example.com')).body;
    expect((await b.complete(attemptTokenOf(again.claim_attempt.verification_uri), again.claim_attempt.user_code)).status).toBe(200);
  });

  it('code expiry: POST 410 and grant expired_token; link expiry: GET 410; a restart revives', async () => {
    const { reg, token, code } = await anonymousWithCeremony('expiry@example.com');
    const b = new Browser(svc.url);
    await b.signIn('expiry@example.com');
    const csrf = formTokens((await b.get(`/claim?claim_attempt_token=${token}`)).text)[0];
    clock += 601_000;
    try {
      const post = await b.post('/agent/identity/claim/complete', { claim_attempt_token: token, user_code: code, csrf_token: csrf });
      expect(post.status).toBe(410);
      expect(outcomeOf(post)).toBe('user_code_expired');
      expectTokenError(await pollClaim(svc, reg.claim_token), 'expired_token');
      const get = await b.get(`/claim?claim_attempt_token=${token}`);
      expect(get.status).toBe(410);
      expect(outcomeOf(get)).toBe('link_expired');
      const again = (await startClaimV06(svc, reg.claim_token, 'expiry@example.com')).body;
      expect((await b.complete(attemptTokenOf(again.claim_attempt.verification_uri), again.claim_attempt.user_code)).status).toBe(200);
    } finally {
      clock -= 601_000;
    }
  });

  it('/login: return_to must be a local path; a non-email is 400; signed in → 302; /logout ends the session', async () => {
    const b = new Browser(svc.url);
    const page = await b.get('/login?return_to=//evil.example/x');
    expect(page.text).toContain('name="return_to" value="/"');
    expect((await b.post('/login', { email: 'nope', return_to: '/', csrf_token: formTokens(page.text)[0] })).status).toBe(400);
    expect((await b.post('/login', { email: 'a@b.example', return_to: '/' })).status).toBe(400); // no form token
    expect((await b.signIn('dora@example.com', '/claim?x=1')).headers.get('location')).toBe('/claim?x=1');
    const again = await b.get('/login?return_to=%2Fsomewhere');
    expect(again.status).toBe(302);
    expect(again.headers.get('location')).toBe('/somewhere');
    const { token } = await anonymousWithCeremony('dora@example.com');
    const real = await b.get(`/claim?claim_attempt_token=${token}`);
    const out = await b.post('/logout', { csrf_token: formTokens(real.text)[1] });
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe('/login');
    expect((await b.get(`/claim?claim_attempt_token=${token}`)).status).toBe(302);
  });
});
