import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api, exchange, expectEventError, expectIdentityError, expectTokenError, idJagRegister, mintIdJagV06, mintSet, notify,
  pollClaim, startClaimV06, startTestIssuer, startV06, type TestIssuer,
} from './helpers.js';
import { attemptTokenOf, Browser } from './browser.js';

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

describe('SET checks in PROTOCOL-v0.6.md §4 order, {err, description}', () => {
  it('not a SET body → invalid_request', async () => {
    expectEventError(await notify(svc, ''), 'invalid_request');
    expectEventError(await notify(svc, 'not-a-jwt'), 'invalid_request');
    expectEventError(await notify(svc, await mintSet(issuer, svc), 'application/json'), 'invalid_request');
    expectEventError(await notify(svc, '{"bad json', 'application/json'), 'invalid_request');
  });
  it('untrusted or undecodable issuer → invalid_issuer', async () => {
    expectEventError(await notify(svc, await mintSet(issuer, svc, { iss: 'https://evil.example' })), 'invalid_issuer');
    expectEventError(await notify(svc, 'e30.e30.sig'), 'invalid_issuer');
  });
  it('bad signature, wrong typ, expired, nbf ahead → authentication_failed', async () => {
    expectEventError(await notify(svc, await mintSet(issuer, svc, {}, { key: await issuer.unpublishedKey() })), 'authentication_failed');
    expectEventError(await notify(svc, await mintSet(issuer, svc, {}, { header: { typ: 'logout+jwt' } })), 'authentication_failed');
    expectEventError(await notify(svc, await mintSet(issuer, svc, { exp: Math.floor(Date.now() / 1000) - 600 })), 'authentication_failed');
    expectEventError(await notify(svc, await mintSet(issuer, svc, { nbf: Math.floor(Date.now() / 1000) + 600 })), 'authentication_failed');
  });
  it('a key the issuer does not publish is a signature failure, never invalid_key (RFC 8935 lists it; PROTOCOL-v0.6.md §4: never sent)', async () => {
    const r = await notify(svc, await mintSet(issuer, svc, {}, { key: await issuer.unpublishedKey(), header: { kid: 'not-in-the-jwks' } }));
    expectEventError(r, 'authentication_failed');
    expect(r.body.err).not.toBe('invalid_key');
  });
  it('wrong aud → invalid_audience', async () => {
    expectEventError(await notify(svc, await mintSet(issuer, svc, { aud: 'https://other.example' })), 'invalid_audience');
  });
  it('no jti, no sub, bad events, replayed jti → invalid_request', async () => {
    expectEventError(await notify(svc, await mintSet(issuer, svc, {}, { omit: ['jti'] })), 'invalid_request');
    expectEventError(await notify(svc, await mintSet(issuer, svc, {}, { omit: ['sub'] })), 'invalid_request');
    expectEventError(await notify(svc, await mintSet(issuer, svc, { events: [] })), 'invalid_request');
    expectEventError(await notify(svc, await mintSet(issuer, svc, { events: {} })), 'invalid_request');
    const set = await mintSet(issuer, svc, { sub: 'nobody' });
    expect((await notify(svc, set)).status).toBe(202);
    expectEventError(await notify(svc, set), 'invalid_request');
  });
  it('another event schema is acknowledged (202) and changes nothing', async () => {
    const reg = await idJagRegister(svc, await mintIdJagV06(issuer, svc, { sub: 'other-event', email: 'oe@example.com' }));
    const r = await notify(svc, await mintSet(issuer, svc, { sub: 'other-event', events: { 'https://example.com/other': {} } }));
    expect(r.status).toBe(202);
    expect(r.text).toBe('');
    expect((await exchange(svc, reg.body.identity_assertion)).status).toBe(200);
  });
});

describe('the three effects (PR #21) and (beyond) no revival', () => {
  it('tokens die, the registration expires and loses its claim handle, the delegation goes; a new ID-JAG steps up on the same id, and the pre-SET assertion never exchanges again', async () => {
    const first = await idJagRegister(svc, await mintIdJagV06(issuer, svc, { sub: 'revoked-1', email: 'rev1@example.com' }));
    expect(first.status).toBe(200);
    const token = (await exchange(svc, first.body.identity_assertion)).body.access_token;
    expect((await api(svc, token)).status).toBe(200);

    expect((await notify(svc, await mintSet(issuer, svc, { sub: 'revoked-1' }))).status).toBe(202);
    expect((await api(svc, token)).status).toBe(401); // effect 1
    expectTokenError(await exchange(svc, first.body.identity_assertion), 'invalid_grant'); // effect 2

    // effect 3: the delegation is gone, so the JIT account's email now steps up, on the same registration id.
    const again = await idJagRegister(svc, await mintIdJagV06(issuer, svc, { sub: 'revoked-1', email: 'rev1@example.com' }));
    expect(again.status).toBe(401);
    expect(again.body.registration_id).toBe(first.body.registration_id);
    // beyond: the row is pending again, and the pre-SET assertion stays dead.
    expectTokenError(await exchange(svc, first.body.identity_assertion), 'invalid_grant');

    const b = new Browser(svc.url);
    await b.signIn('rev1@example.com');
    const page = await b.get(`/claim?claim_attempt_token=${attemptTokenOf(again.body.claim.verification_uri)}`);
    expect(page.text).toContain('data-advisory="first_time_provider"');
    expect((await b.complete(attemptTokenOf(again.body.claim.verification_uri), again.body.claim.user_code)).status).toBe(200);
    expect((await pollClaim(svc, again.body.claim_token)).status).toBe(200);
    expectTokenError(await exchange(svc, first.body.identity_assertion), 'invalid_grant'); // still dead after re-confirmation
  });

  it('a pending step-up row revoked by a SET: claim endpoint invalid_claim_token, claim grant expired_token, old link 404', async () => {
    const r = await idJagRegister(svc, await mintIdJagV06(issuer, svc, { sub: 'pending-rev', email: 'alice@service.example.com' }));
    expect(r.status).toBe(401);
    expect((await notify(svc, await mintSet(issuer, svc, { sub: 'pending-rev' }))).status).toBe(202);
    expectIdentityError(await startClaimV06(svc, r.body.claim_token, 'alice@service.example.com'), 401, 'invalid_claim_token');
    expectTokenError(await pollClaim(svc, r.body.claim_token), 'expired_token');
    const b = new Browser(svc.url);
    await b.signIn('alice@service.example.com');
    expect((await b.get(`/claim?claim_attempt_token=${attemptTokenOf(r.body.claim.verification_uri)}`)).status).toBe(404);
  });
});
