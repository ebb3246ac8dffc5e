/** PROTOCOL.md §2 anonymous + §3 claim ceremony, end to end through the mailbox (§8). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_HOOK_TIMEOUT_MS, spawnHost, type RunningHost } from './support/host.js';
import { expectError, expectOk, get, parseBearerChallenge } from './support/http.js';
import {
  challenge,
  complete,
  discover,
  readResource,
  registerAnonymous,
  startClaim,
  uniqueEmail,
  writeResource,
  type Discovered,
} from './support/service.js';

let host: RunningHost;
let d: Discovered;

beforeAll(async () => {
  host = await spawnHost();
  d = await discover(host.urls.service);
}, HOST_HOOK_TIMEOUT_MS);
afterAll(async () => {
  await host?.stop();
}, 30_000);

describe('§2 anonymous registration', () => {
  it('returns the documented fields', async () => {
    const reg = await registerAnonymous(d);
    expect(reg).toMatchObject({
      registration_type: 'anonymous',
      credential_type: 'api_key',
      credential_expires: null,
      scopes: ['api.read'],
      post_claim_scopes: ['api.read', 'api.write'],
      claim_url: expect.any(String),
    });
    expect(reg.registration_id).toMatch(/^reg_/);
    expect(reg.credential).toMatch(/^sk_test_/);
    expect(reg.claim_token).toMatch(/^clm_/);
    expect(Date.parse(reg.claim_token_expires)).toBeGreaterThan(Date.now());
    expect(reg.claim_token_expires).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
  });
});

describe('§3 claim ceremony (anonymous)', () => {
  it('read-only key → claim by mail → OTP → the same key can write', async () => {
    const reg = await registerAnonymous(d);

    // Pre-claim: api.read only.
    const read = await readResource(d, reg.credential);
    expect(read.status, read.describe).toBe(200);
    expect(read.text).toContain(reg.registration_id);
    const denied = await writeResource(d, reg.credential);
    expect(denied.status, denied.describe).toBe(403);
    const params = parseBearerChallenge(denied.headers.get('www-authenticate'));
    expect(params, denied.describe).toMatchObject({ error: 'insufficient_scope', scope: 'api.write' });

    // The agent starts the claim; the user gets mail.
    const email = uniqueEmail('anon-claim');
    const { response, mail, link } = await startClaim(d, host.urls.mailbox, reg.claim_token, email);
    expect(response).toMatchObject({ registration_id: reg.registration_id, status: 'initiated', claim_attempt_id: expect.any(String) });
    expect(Date.parse(response.expires_at)).toBeGreaterThan(Date.now());
    expect(mail).toMatchObject({ id: expect.anything(), subject: expect.any(String), text: expect.any(String), html: expect.any(String), date: expect.any(String) });
    expect(mail.html, 'the link is in the html part too').toContain(link.token);
    expect(link.token).toMatch(/^cv_/);
    expect(new URL(link.url).origin).toBe(host.urls.service);

    // The link opens an HTML page that does not mint an OTP.
    const page = await get(link.url);
    expect(page.status, page.describe).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expectError(await complete(d, reg.claim_token, '000000'), 400, 'otp_not_generated');

    // The page calls challenge; the user reads the code to the agent, which completes.
    const ch = await challenge(d, link.token);
    expectOk(ch);
    expect(ch.json).toMatchObject({ type: 'otp', challenge: expect.stringMatching(/^\d{6}$/) });
    expect(Date.parse(ch.json.expires_at)).toBeGreaterThan(Date.now());
    const done = await complete(d, reg.claim_token, ch.json.challenge);
    expectOk(done);
    expect(done.json).toEqual({ registration_id: reg.registration_id, status: 'claimed' });

    // Scope changes show at once, on the same key.
    const write = await writeResource(d, reg.credential);
    expect(write.status, write.describe).toBe(201);
    const who = await readResource(d, reg.credential);
    expect(who.status).toBe(200);
    expect(who.text, 'the claimed registration now has a user email').toContain(email);
  });

  it('a second challenge rotates the code: the old one stops working', async () => {
    const reg = await registerAnonymous(d);
    const { link } = await startClaim(d, host.urls.mailbox, reg.claim_token, uniqueEmail('rotate'));
    const first = (await challenge(d, link.token)).json.challenge;
    let second = first;
    while (second === first) second = (await challenge(d, link.token)).json.challenge;
    expectError(await complete(d, reg.claim_token, first), 401, 'otp_invalid');
    expectOk(await complete(d, reg.claim_token, second));
  });

  it('exactly one of several concurrent completes with the right code succeeds', async () => {
    const reg = await registerAnonymous(d);
    const { link } = await startClaim(d, host.urls.mailbox, reg.claim_token, uniqueEmail('race'));
    const otp = (await challenge(d, link.token)).json.challenge;
    const results = await Promise.all(Array.from({ length: 8 }, () => complete(d, reg.claim_token, otp)));
    const ok = results.filter((r) => r.status === 200);
    expect(ok.length, results.map((r) => r.describe).join('\n')).toBe(1);
    for (const r of results.filter((r) => r.status !== 200)) expectError(r, 409, 'previously_claimed');
  });
});
