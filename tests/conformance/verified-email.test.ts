/** PROTOCOL.md §2 identity_assertion + verified_email, then §3 through the mailbox (§8) → a credential. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_HOOK_TIMEOUT_MS, spawnHost, type RunningHost } from './support/host.js';
import { expectError, expectOk, get, request } from './support/http.js';
import {
  challenge,
  claimLinkFrom,
  complete,
  discover,
  mailIds,
  readResource,
  registerVerifiedEmail,
  uniqueEmail,
  waitForMail,
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

async function verify(requested: 'api_key' | 'access_token') {
  const email = uniqueEmail(`ve-${requested}`);
  const before = await mailIds(host.urls.mailbox);
  const res = await registerVerifiedEmail(d, email, requested);
  expectOk(res);
  expect(res.json).toMatchObject({
    registration_type: 'email-verification',
    claim_url: expect.any(String),
    post_claim_scopes: ['api.read', 'api.write'],
  });
  expect(res.json.registration_id).toMatch(/^reg_/);
  expect(res.json.claim_token).toMatch(/^clm_/);
  expect(Date.parse(res.json.claim_token_expires)).toBeGreaterThan(Date.now());
  expect(res.json, 'no credential before the email is verified').not.toHaveProperty('credential');

  // "The claim email is sent now."
  const mail = await waitForMail(host.urls.mailbox, email, { after: before });
  const link = claimLinkFrom(mail.text);
  const page = await get(link.url);
  expect(page.status, page.describe).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expectError(await complete(d, res.json.claim_token, '123456'), 400, 'otp_not_generated');

  const ch = await challenge(d, link.token);
  expectOk(ch);
  const done = await complete(d, res.json.claim_token, ch.json.challenge);
  expectOk(done);
  return { email, reg: res.json, done: done.json, describe: done.describe };
}

describe('§2/§3 verified email', () => {
  it('api_key: the completed claim hands over an sk_test_ key with the post-claim scopes', async () => {
    const { email, reg, done, describe: why } = await verify('api_key');
    expect(done, why).toMatchObject({
      registration_id: reg.registration_id,
      status: 'claimed',
      credential_type: 'api_key',
      credential_expires: null,
      scopes: reg.post_claim_scopes,
    });
    expect(done.credential).toMatch(/^sk_test_/);
    const who = await readResource(d, done.credential);
    expect(who.status, who.describe).toBe(200);
    expect(who.text).toContain(email);
    expect((await writeResource(d, done.credential)).status).toBe(201);
  });

  it('access_token: the completed claim hands over an access token with an expiry', async () => {
    const { email, done, describe: why } = await verify('access_token');
    expect(done, why).toMatchObject({ status: 'claimed', credential_type: 'access_token', credential: expect.any(String) });
    expect(Date.parse(done.credential_expires)).toBeGreaterThan(Date.now());
    expect(done).not.toHaveProperty('refresh_token');
    const who = await readResource(d, done.credential);
    expect(who.status, who.describe).toBe(200);
    expect(who.text).toContain(email);
  });

  it('a completed verification cannot be completed again', async () => {
    const { reg, done } = await verify('api_key');
    expectError(await complete(d, reg.claim_token, '000000'), 409, 'previously_claimed');
    expect((await readResource(d, done.credential)).status).toBe(200);
  });

  it('an address that is not an email is invalid_request', async () => {
    expectError(await registerVerifiedEmail(d, 'not-an-email'), 400, 'invalid_request');
  });
});

describe('§8 mailbox API', () => {
  it('lists newest first, reads one message by id, and empties the inbox', async () => {
    const first = uniqueEmail('mb1');
    const second = uniqueEmail('mb2');
    expectOk(await registerVerifiedEmail(d, first));
    await waitForMail(host.urls.mailbox, first);
    expectOk(await registerVerifiedEmail(d, second));
    const newest = await waitForMail(host.urls.mailbox, second);

    const list = await get(`${host.urls.mailbox}/messages`);
    expectOk(list);
    const ids = list.json.map((m: { id: string }) => m.id);
    const i1 = list.json.findIndex((m: { to: unknown }) => JSON.stringify(m.to).includes(first));
    const i2 = list.json.findIndex((m: { to: unknown }) => JSON.stringify(m.to).includes(second));
    expect(i2, 'newest first').toBeLessThan(i1);
    for (const m of list.json) expect(Object.keys(m)).toEqual(expect.arrayContaining(['id', 'from', 'to', 'subject', 'date', 'text', 'html']));

    const one = await get(`${host.urls.mailbox}/messages/${encodeURIComponent(newest.id)}`);
    expectOk(one);
    expect(one.json).toMatchObject({ id: newest.id, subject: newest.subject, text: newest.text });
    expect(ids).toContain(newest.id);

    const del = await request('DELETE', `${host.urls.mailbox}/messages`);
    expect(del.status, del.describe).toBeLessThan(300);
    const empty = await get(`${host.urls.mailbox}/messages`);
    expect(empty.json).toEqual([]);
    const gone = await get(`${host.urls.mailbox}/messages/${encodeURIComponent(newest.id)}`);
    expect(gone.status, gone.describe).toBe(404);
  });
});
