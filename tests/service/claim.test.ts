import { afterEach, describe, expect, it } from 'vitest';
import {
  call, challenge, claimLink, complete, expectError, getResource, postResource, registerAnonymous,
  registerVerifiedEmail, startClaim, startService, wrongCode, type TestService,
} from './helpers.js';

const open: TestService[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
async function service(opts: Parameters<typeof startService>[0] = {}) {
  const svc = await startService(opts);
  open.push(svc);
  return svc;
}

/** A movable clock: tests step time forward instead of waiting. */
function clock() {
  let t = Date.now();
  return { now: () => t, advance: (seconds: number) => void (t += seconds * 1000) };
}

describe('anonymous registration and its claim (PROTOCOL.md §2–§3)', () => {
  it('registers, reads with api.read, and after the claim the same key can write', async () => {
    const svc = await service();
    const reg = await registerAnonymous(svc);
    expect(reg).toMatchObject({
      registration_type: 'anonymous', credential_type: 'api_key', credential_expires: null,
      scopes: ['api.read'], claim_url: `${svc.url}/agent/auth/claim`, post_claim_scopes: ['api.read', 'api.write'],
    });
    expect(reg.registration_id).toMatch(/^reg_/);
    expect(reg.credential).toMatch(/^sk_test_/);
    expect(reg.claim_token).toMatch(/^clm_/);
    expect(Date.parse(reg.claim_token_expires as string)).toBeGreaterThan(Date.now());

    const me = await getResource(svc, reg.credential);
    expect(me.body).toMatchObject({ registration_id: reg.registration_id, claimed: false, user: null, scopes: ['api.read'] });
    const denied = await postResource(svc, reg.credential);
    expectError(denied, 403, 'insufficient_scope');

    const started = await startClaim(svc, reg.claim_token, 'Person@Example.com');
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ registration_id: reg.registration_id, status: 'initiated' });
    expect(started.body.claim_attempt_id).toMatch(/^ca_/);
    expect(svc.mails).toHaveLength(1);
    const mail = svc.mails[0];
    expect(mail.to).toBe('person@example.com');
    const { link, token } = claimLink(mail);
    expect(mail.html).toContain(link.replace(/&/g, '&amp;'));
    expect(token).toMatch(/^cv_/);

    // Opening the page mints nothing: the agent cannot complete yet.
    const page = await call(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toMatch(/<button[^>]*>Reveal code<\/button>/);
    expect(page.text).toContain('person@example.com');
    expect(page.headers.get('x-frame-options')).toBeNull();
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'(;|$)/) // no studio runs here: no other page may frame it (issue 15);
    expectError(await complete(svc, reg.claim_token, '000000'), 400, 'otp_not_generated');

    const code = await challenge(svc, token);
    expect(code.status).toBe(200);
    expect(code.body.type).toBe('otp');
    expect(code.body.challenge).toMatch(/^\d{6}$/);
    expect(Date.parse(code.body.expires_at)).toBeGreaterThan(Date.now());

    expectError(await complete(svc, reg.claim_token, wrongCode(code.body.challenge)), 401, 'otp_invalid');
    const done = await complete(svc, reg.claim_token, code.body.challenge);
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ registration_id: reg.registration_id, status: 'claimed' });

    // Scope changes show at once, on the very same key.
    expect((await postResource(svc, reg.credential)).status).toBe(201);
    const after = await getResource(svc, reg.credential);
    expect(after.body).toMatchObject({ claimed: true, user: { email: 'person@example.com' }, scopes: ['api.read', 'api.write'] });

    // Everything after the claim says so.
    expectError(await complete(svc, reg.claim_token, code.body.challenge), 409, 'previously_claimed');
    expectError(await challenge(svc, token), 409, 'claim_completed');
    expectError(await startClaim(svc, reg.claim_token, 'person@example.com'), 409, 'claimed_or_in_flight');
    expect((await call(link)).text).toContain('Already claimed');

    const types = svc.handle.inspect().audit.map((a: any) => a.type).reverse();
    for (const t of ['registration.created', 'credential.issued', 'claim.requested', 'otp.generated', 'otp.failed', 'claim.confirmed', 'credential.scopes_changed']) {
      expect(types).toContain(t);
    }
  });

  it('a new challenge rotates the code: the previous one stops working', async () => {
    const svc = await service();
    const reg = await registerAnonymous(svc);
    await startClaim(svc, reg.claim_token, 'p@example.com');
    const { token } = claimLink(svc.mails[0]);
    const first = (await challenge(svc, token)).body.challenge as string;
    let second = first;
    while (second === first) second = (await challenge(svc, token)).body.challenge; // 1-in-a-million repeat
    expectError(await complete(svc, reg.claim_token, first), 401, 'otp_invalid');
    expect((await complete(svc, reg.claim_token, second)).status).toBe(200);
  });

  it('a new /agent/auth/claim supersedes the old link', async () => {
    const svc = await service();
    const reg = await registerAnonymous(svc);
    await startClaim(svc, reg.claim_token, 'first@example.com');
    const old = claimLink(svc.mails[0]);
    const oldCode = (await challenge(svc, old.token)).body.challenge as string;
    const again = await startClaim(svc, reg.claim_token, 'second@example.com');
    expect(again.status).toBe(200);
    expect(svc.mails[1].to).toBe('second@example.com');

    expectError(await challenge(svc, old.token), 410, 'claim_superseded');
    expect((await call(old.link)).status).toBe(410);
    // The old link's code no longer completes: the new link has not minted one yet.
    expectError(await complete(svc, reg.claim_token, oldCode), 400, 'otp_not_generated');

    const fresh = claimLink(svc.mails[1]);
    const code = (await challenge(svc, fresh.token)).body.challenge as string;
    expect((await complete(svc, reg.claim_token, code)).status).toBe(200);
    expect((await getResource(svc, reg.credential)).body.user.email).toBe('second@example.com');
  });

  it(`locks the code after otpMaxAttempts wrong guesses until a new one is minted`, async () => {
    const svc = await service({ config: { otpMaxAttempts: 3 } });
    const reg = await registerAnonymous(svc);
    await startClaim(svc, reg.claim_token, 'p@example.com');
    const { token } = claimLink(svc.mails[0]);
    const code = (await challenge(svc, token)).body.challenge as string;
    for (let i = 0; i < 3; i++) expectError(await complete(svc, reg.claim_token, wrongCode(code)), 401, 'otp_invalid');
    // Locked: even the right code is refused now.
    expectError(await complete(svc, reg.claim_token, code), 429, 'otp_locked');
    const next = (await challenge(svc, token)).body.challenge as string;
    expect((await complete(svc, reg.claim_token, next)).status).toBe(200);
  });

  it('completes exactly once when the right code is sent ten times in parallel', async () => {
    const svc = await service();
    const reg = await registerAnonymous(svc);
    await startClaim(svc, reg.claim_token, 'p@example.com');
    const code = (await challenge(svc, claimLink(svc.mails[0]).token)).body.challenge as string;
    const replies = await Promise.all(Array.from({ length: 10 }, () => complete(svc, reg.claim_token, code)));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of replies.filter((r) => r.status !== 200)) expectError(r, 409, 'previously_claimed');
    expect(svc.handle.inspect().audit.filter((a: any) => a.type === 'claim.confirmed')).toHaveLength(1);
  });

  it('otp_expired after otpTtlSeconds; claim_expired once the link is past claimLinkTtlSeconds', async () => {
    const c = clock();
    const svc = await service({ now: c.now, config: { otpTtlSeconds: 60, claimLinkTtlSeconds: 120 } });
    const reg = await registerAnonymous(svc);
    await startClaim(svc, reg.claim_token, 'p@example.com');
    const { token, link } = claimLink(svc.mails[0]);
    const code = (await challenge(svc, token)).body.challenge as string;
    c.advance(61);
    expectError(await complete(svc, reg.claim_token, code), 410, 'otp_expired');
    c.advance(60);
    expectError(await challenge(svc, token), 410, 'claim_expired');
    expect((await call(link)).status).toBe(410);
    // The registration itself is alive: a new claim works.
    await startClaim(svc, reg.claim_token, 'p@example.com');
    const next = (await challenge(svc, claimLink(svc.mails[1]).token)).body.challenge as string;
    expect((await complete(svc, reg.claim_token, next)).status).toBe(200);
  });

  it('expires an unclaimed registration at its TTL: the key stops working and the claim says claim_expired', async () => {
    const c = clock();
    const svc = await service({ now: c.now, config: { registrationTtlSeconds: 3600 } });
    const reg = await registerAnonymous(svc);
    await startClaim(svc, reg.claim_token, 'p@example.com');
    const { token, link } = claimLink(svc.mails[0]);
    expect((await getResource(svc, reg.credential)).status).toBe(200);
    c.advance(3601);
    const dead = await getResource(svc, reg.credential);
    expectError(dead, 401, 'invalid_token');
    expect(dead.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expectError(await startClaim(svc, reg.claim_token, 'p@example.com'), 410, 'claim_expired');
    expectError(await challenge(svc, token), 410, 'claim_expired');
    expectError(await complete(svc, reg.claim_token, '123456'), 410, 'claim_expired');
    expect((await call(link)).status).toBe(410);
    const audit = svc.handle.inspect().audit as any[];
    expect(audit.filter((a) => a.type === 'registration.expired' && a.registration_id === reg.registration_id)).toHaveLength(1);
  });

  it('a registration made after a lookup that found none pending still expires at its TTL (issue 19: the expiry check is a comparison until one is due)', async () => {
    const c = clock();
    const svc = await service({ now: c.now, config: { registrationTtlSeconds: 60 } });
    expectError(await getResource(svc, 'sk_test_nobody'), 401, 'invalid_token'); // looked for due registrations: none
    const reg = await registerAnonymous(svc);
    c.advance(30);
    const later = await registerAnonymous(svc);
    expect((await getResource(svc, reg.credential)).status).toBe(200);
    c.advance(31);
    expectError(await getResource(svc, reg.credential), 401, 'invalid_token');
    const status = (id: string) => (svc.handle.inspect().registrations as any[]).find((r) => r.id === id).status;
    expect(status(reg.registration_id)).toBe('expired');
    expect(status(later.registration_id)).toBe('pending');
    expect((await getResource(svc, later.credential)).status).toBe(200);
    c.advance(30);
    expectError(await getResource(svc, later.credential), 401, 'invalid_token');
    expect(status(later.registration_id)).toBe('expired');
    const audit = svc.handle.inspect().audit as any[];
    expect(audit.filter((a) => a.type === 'registration.expired').map((a) => a.registration_id).sort()).toEqual([reg.registration_id, later.registration_id].sort());
  });

  it('sweep() expires due registrations without any request', async () => {
    const c = clock();
    const svc = await service({ now: c.now, config: { registrationTtlSeconds: 60 } });
    const reg = await registerAnonymous(svc);
    c.advance(61);
    svc.handle.sweep();
    const row = (svc.handle.inspect().registrations as any[]).find((r) => r.id === reg.registration_id);
    expect(row.status).toBe('expired');
    expect((svc.handle.inspect().credentials as any[]).find((x) => x.registration_id === reg.registration_id).revoked_at).not.toBeNull();
  });

  it('claim errors: invalid_request, invalid_claim_token', async () => {
    const svc = await service();
    const reg = await registerAnonymous(svc);
    expectError(await startClaim(svc, reg.claim_token, 'not an email'), 400, 'invalid_request');
    expectError(await startClaim(svc, 'clm_nope', 'p@example.com'), 401, 'invalid_claim_token');
    expectError(await complete(svc, 'clm_nope', '123456'), 401, 'invalid_claim_token');
    expectError(await complete(svc, reg.claim_token, '12345'), 400, 'invalid_request');
    expectError(await challenge(svc, 'cv_nope'), 400, 'invalid_request');
  });

  it('claim page error pages are HTML: 400 without a token, 404 for an unknown one', async () => {
    const svc = await service();
    const missing = await call(`${svc.url}/agent/auth/claim/view`);
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
    const unknown = await call(`${svc.url}/agent/auth/claim/view?token=cv_nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('not valid');
  });
});

describe('verified-email registration (PROTOCOL.md §2–§3)', () => {
  it('mails the claim link at registration; complete returns the credential', async () => {
    const svc = await service();
    const r = await registerVerifiedEmail(svc, 'Dana@Example.com');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ registration_type: 'email-verification', claim_url: `${svc.url}/agent/auth/claim`, post_claim_scopes: ['api.read', 'api.write'] });
    expect(r.body.claim_token).toMatch(/^clm_/);
    expect(r.body).not.toHaveProperty('credential');
    expect(svc.mails).toHaveLength(1);
    expect(svc.mails[0].to).toBe('dana@example.com');

    // This registration's claim is already in flight; /agent/auth/claim is for anonymous ones.
    expectError(await startClaim(svc, r.body.claim_token, 'dana@example.com'), 409, 'claimed_or_in_flight');

    const code = (await challenge(svc, claimLink(svc.mails[0]).token)).body.challenge as string;
    const done = await complete(svc, r.body.claim_token, code);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ registration_id: r.body.registration_id, status: 'claimed', credential_type: 'api_key', credential_expires: null, scopes: ['api.read', 'api.write'] });
    expect(done.body.credential).toMatch(/^sk_test_/);
    const me = await getResource(svc, done.body.credential);
    expect(me.body).toMatchObject({ registration_type: 'email-verification', claimed: true, user: { email: 'dana@example.com' } });
    expect((await postResource(svc, done.body.credential)).status).toBe(201);
  });

  it('issues an access token when asked', async () => {
    const svc = await service();
    const r = await registerVerifiedEmail(svc, 'erin@example.com', 'access_token');
    const code = (await challenge(svc, claimLink(svc.mails[0]).token)).body.challenge as string;
    const done = await complete(svc, r.body.claim_token, code);
    expect(done.body.credential).toMatch(/^at_/);
    expect(Date.parse(done.body.credential_expires)).toBeGreaterThan(Date.now());
  });

  it('invalid_request for something that is not an email; server_error (nothing half-made) when mail fails', async () => {
    const svc = await service();
    expectError(await registerVerifiedEmail(svc, 'nobody'), 400, 'invalid_request');
    const broken = await service({ sendMail: async () => { throw new Error('SMTP down'); } });
    expectError(await registerVerifiedEmail(broken, 'x@example.com'), 500, 'server_error');
    expect(broken.logs.join('\n')).toContain('SMTP down');
  });

  it('verified_email_not_enabled and anonymous_not_enabled follow the config', async () => {
    const svc = await service({ config: { identityTypes: { verifiedEmail: false, anonymous: false } } });
    expectError(await registerVerifiedEmail(svc, 'x@example.com'), 400, 'verified_email_not_enabled');
    const anon = await call(`${svc.url}/agent/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"anonymous"}' });
    expectError(anon, 400, 'anonymous_not_enabled');
  });

  it('unsupported_credential_type: anonymous registrations issue only API keys', async () => {
    const svc = await service();
    const r = await call(`${svc.url}/agent/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"anonymous","requested_credential_type":"access_token"}' });
    expectError(r, 400, 'unsupported_credential_type');
  });
});
