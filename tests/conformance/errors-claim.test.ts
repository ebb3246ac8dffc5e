/** PROTOCOL.md §3 — every claim-ceremony error a client can reach, with exact status and code. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_HOOK_TIMEOUT_MS, spawnHost, type RunningHost } from './support/host.js';
import { expectError, expectOk, get, parseBearerChallenge, postJson, sleep } from './support/http.js';
import { challenge, claimLinkFrom, complete, discover, otpFor, readResource, registerAnonymous, startClaim, uniqueEmail, waitForMail, type Discovered } from './support/service.js';

let main: RunningHost, shortReg: RunningHost, shortLink: RunningHost, shortOtp: RunningHost;
let d: Discovered, dReg: Discovered, dLink: Discovered, dOtp: Discovered;

beforeAll(async () => {
  [main, shortReg, shortLink, shortOtp] = await Promise.all([
    spawnHost(),
    spawnHost({ config: { service: { registrationTtlSeconds: 1 } } }),
    spawnHost({ config: { service: { claimLinkTtlSeconds: 1 } } }),
    spawnHost({ config: { service: { otpTtlSeconds: 1 } } }),
  ]);
  [d, dReg, dLink, dOtp] = await Promise.all([main, shortReg, shortLink, shortOtp].map((h) => discover(h.urls.service)));
}, HOST_HOOK_TIMEOUT_MS);
afterAll(async () => {
  await Promise.all([main, shortReg, shortLink, shortOtp].map((h) => h?.stop()));
}, 30_000);

const wrong = (otp: string) => String((Number(otp) + 1) % 1_000_000).padStart(6, '0');

async function claimed(dd: Discovered, host: RunningHost) {
  const reg = await registerAnonymous(dd);
  const { link } = await startClaim(dd, host.urls.mailbox, reg.claim_token, uniqueEmail('claimed'));
  const otp = await otpFor(dd, link.token);
  expectOk(await complete(dd, reg.claim_token, otp));
  return { reg, link };
}

describe('POST /agent/auth/claim', () => {
  it('invalid_request for a missing or malformed field', async () => {
    const reg = await registerAnonymous(d);
    expectError(await postJson(d.claimUri, { claim_token: reg.claim_token }), 400, 'invalid_request');
    expectError(await postJson(d.claimUri, { claim_token: reg.claim_token, email: 'not an email' }), 400, 'invalid_request');
    expectError(await postJson(d.claimUri, { email: 'a@example.com' }), 400, 'invalid_request');
  });

  it('invalid_claim_token (401) for an unknown token', async () => {
    expectError(await postJson(d.claimUri, { claim_token: 'clm_unknown', email: 'a@example.com' }), 401, 'invalid_claim_token');
  });

  it('claimed_or_in_flight (409) once the registration is claimed', async () => {
    const { reg } = await claimed(d, main);
    expectError(await postJson(d.claimUri, { claim_token: reg.claim_token, email: uniqueEmail('again') }), 409, 'claimed_or_in_flight');
  });

  it('claim_expired (410) past the registration TTL, and the key stops working', async () => {
    const reg = await registerAnonymous(dReg);
    expect((await readResource(dReg, reg.credential)).status).toBe(200);
    await sleep(2_200);
    expectError(await postJson(dReg.claimUri, { claim_token: reg.claim_token, email: uniqueEmail('late') }), 410, 'claim_expired');
    const res = await readResource(dReg, reg.credential);
    expect(res.status, res.describe).toBe(401);
    expect(parseBearerChallenge(res.headers.get('www-authenticate')).error).toBe('invalid_token');
  });
});

describe('GET /agent/auth/claim/view', () => {
  it('answers HTML errors for a missing, unknown or superseded token', async () => {
    const missing = await get(`${d.claimUri}/view`);
    expect(missing.status, missing.describe).toBe(400);
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
    const unknown = await get(`${d.claimUri}/view?token=cv_unknown`);
    expect(unknown.status, unknown.describe).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^text\/html/);

    const reg = await registerAnonymous(d);
    const first = await startClaim(d, main.urls.mailbox, reg.claim_token, uniqueEmail('view1'));
    await startClaim(d, main.urls.mailbox, reg.claim_token, uniqueEmail('view2'));
    const old = await get(first.link.url);
    expect(old.status, old.describe).toBe(410);
    expect(old.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('POST /agent/auth/claim/attempt/challenge', () => {
  it('invalid_request without a token', async () => {
    expectError(await postJson(d.challengeUri, {}), 400, 'invalid_request');
  });

  it('claim_superseded (410) for the old link after a new claim; the new link works', async () => {
    const reg = await registerAnonymous(d);
    const first = await startClaim(d, main.urls.mailbox, reg.claim_token, uniqueEmail('sup1'));
    const second = await startClaim(d, main.urls.mailbox, reg.claim_token, uniqueEmail('sup2'));
    expect(second.response.claim_attempt_id).not.toBe(first.response.claim_attempt_id);
    expect(second.link.token).not.toBe(first.link.token);
    expectError(await challenge(d, first.link.token), 410, 'claim_superseded');
    const otp = await otpFor(d, second.link.token);
    expectOk(await complete(d, reg.claim_token, otp));
  });

  it('an OTP from a superseded attempt does not complete the claim', async () => {
    const reg = await registerAnonymous(d);
    const first = await startClaim(d, main.urls.mailbox, reg.claim_token, uniqueEmail('supotp1'));
    const oldOtp = await otpFor(d, first.link.token);
    await startClaim(d, main.urls.mailbox, reg.claim_token, uniqueEmail('supotp2'));
    const res = await complete(d, reg.claim_token, oldOtp);
    expect(res.status, `old OTP after supersession must not claim: ${res.describe}`).not.toBe(200);
  });

  it('claim_completed (409) once claimed', async () => {
    const { link } = await claimed(d, main);
    expectError(await challenge(d, link.token), 409, 'claim_completed');
  });

  it('claim_expired (410) past the claim link TTL', async () => {
    const reg = await registerAnonymous(dLink);
    const { link } = await startClaim(dLink, shortLink.urls.mailbox, reg.claim_token, uniqueEmail('linkttl'));
    await sleep(2_200);
    const page = await get(link.url);
    expect(page.status, page.describe).toBe(410);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expectError(await challenge(dLink, link.token), 410, 'claim_expired');
  });
});

describe('POST /agent/auth/claim/complete', () => {
  it('invalid_request, invalid_claim_token, otp_not_generated', async () => {
    const reg = await registerAnonymous(d);
    expectError(await postJson(d.completeUri, { claim_token: reg.claim_token }), 400, 'invalid_request');
    expectError(await postJson(d.completeUri, { otp: '123456' }), 400, 'invalid_request');
    expectError(await complete(d, 'clm_unknown', '123456'), 401, 'invalid_claim_token');
    expectError(await complete(d, reg.claim_token, '123456'), 400, 'otp_not_generated');
    await startClaim(d, main.urls.mailbox, reg.claim_token, uniqueEmail('notgen'));
    expectError(await complete(d, reg.claim_token, '123456'), 400, 'otp_not_generated');
  });

  it('otp_invalid (401) for a wrong code', async () => {
    const reg = await registerAnonymous(d);
    const { link } = await startClaim(d, main.urls.mailbox, reg.claim_token, uniqueEmail('wrong'));
    const otp = await otpFor(d, link.token);
    expectError(await complete(d, reg.claim_token, wrong(otp)), 401, 'otp_invalid');
    expectOk(await complete(d, reg.claim_token, otp));
  });

  it('otp_locked (429) after otpMaxAttempts (5) wrong guesses, even for the right code, until a new code', async () => {
    const reg = await registerAnonymous(d);
    const { link } = await startClaim(d, main.urls.mailbox, reg.claim_token, uniqueEmail('lock'));
    const otp = await otpFor(d, link.token);
    for (let i = 0; i < 5; i++) expectError(await complete(d, reg.claim_token, wrong(otp)), 401, 'otp_invalid');
    expectError(await complete(d, reg.claim_token, otp), 429, 'otp_locked');
    const fresh = await otpFor(d, link.token);
    expectOk(await complete(d, reg.claim_token, fresh));
  });

  it('an OTP is bound to its own registration', async () => {
    const a = await registerAnonymous(d);
    const b = await registerAnonymous(d);
    const la = await startClaim(d, main.urls.mailbox, a.claim_token, uniqueEmail('bind-a'));
    const lb = await startClaim(d, main.urls.mailbox, b.claim_token, uniqueEmail('bind-b'));
    const otpA = await otpFor(d, la.link.token);
    const otpB = await otpFor(d, lb.link.token);
    if (otpA !== otpB) expectError(await complete(d, a.claim_token, otpB), 401, 'otp_invalid');
    expectOk(await complete(d, a.claim_token, otpA));
  });

  it('tokens are not interchangeable: claim token, attempt token, API key', async () => {
    const reg = await registerAnonymous(d);
    const { link } = await startClaim(d, main.urls.mailbox, reg.claim_token, uniqueEmail('confuse'));
    const asAttempt = await challenge(d, reg.claim_token);
    expect(asAttempt.status, `a claim token is not an attempt token: ${asAttempt.describe}`).toBeGreaterThanOrEqual(400);
    expect(asAttempt.status).toBeLessThan(500);
    expectError(await complete(d, link.token, '123456'), 401, 'invalid_claim_token');
    expectError(await complete(d, reg.credential, '123456'), 401, 'invalid_claim_token');
    for (const notABearer of [reg.claim_token, link.token]) {
      const res = await readResource(d, notABearer);
      expect(res.status, res.describe).toBe(401);
    }
  });

  it('previously_claimed (409) on a second complete', async () => {
    const { reg } = await claimed(d, main);
    expectError(await complete(d, reg.claim_token, '000000'), 409, 'previously_claimed');
  });

  it('otp_expired (410) past the OTP TTL; a new code works', async () => {
    const reg = await registerAnonymous(dOtp);
    const { link } = await startClaim(dOtp, shortOtp.urls.mailbox, reg.claim_token, uniqueEmail('otpttl'));
    const otp = await otpFor(dOtp, link.token);
    await sleep(2_200);
    expectError(await complete(dOtp, reg.claim_token, otp), 410, 'otp_expired');
    expectOk(await complete(dOtp, reg.claim_token, await otpFor(dOtp, link.token)));
  });

  it('claim_expired (410) when the registration expired mid-ceremony', async () => {
    const reg = await registerAnonymous(dReg);
    const email = uniqueEmail('midttl');
    // Claim at once (the registration lives 1 s), then read the link at leisure.
    expectOk(await postJson(dReg.claimUri, { claim_token: reg.claim_token, email }));
    const link = claimLinkFrom((await waitForMail(shortReg.urls.mailbox, email)).text);
    await sleep(2_200);
    expectError(await challenge(dReg, link.token), 410, 'claim_expired');
    expectError(await complete(dReg, reg.claim_token, '123456'), 410, 'claim_expired');
  });
});
