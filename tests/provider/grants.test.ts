import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVENT_ASSERTION_REVOKED } from '../../src-servers/protocol/constants.js';
import { AUDIENCE, call, grantConsent, login, startProvider, startReceiver, type RunningProvider } from './helpers.js';

let p: RunningProvider;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let alice: string;
const logs: string[] = [];

beforeEach(async () => {
  logs.length = 0;
  p = await startProvider({ log: (l) => logs.push(l) });
  receiver = await startReceiver();
  alice = (await login(p.base, 'alice@example.com')).session_token;
});
afterEach(async () => {
  await p.close();
  await receiver.close();
});

describe('DELETE /grants/:id', () => {
  it('sends a well-formed logout token to the revocation_uri before answering 204', async () => {
    const requestId = await grantConsent(p.base, alice, 'Always allow', { revocation_uri: receiver.url });
    const grantId = (await call('GET', `${p.base}/consent/requests/${requestId}`, { bearer: alice })).json.grant_id;

    const del = await call('DELETE', `${p.base}/grants/${grantId}`, { bearer: alice });
    expect(del.status).toBe(204);
    // Already delivered when the 204 arrives: the service heard first.
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    expect(delivery.method).toBe('POST');
    expect(delivery.url).toBe('/agent/auth/revoke');
    expect(delivery.headers['content-type']).toBe('application/logout+jwt');

    // OIDC Back-Channel Logout §2.4 as PROTOCOL.md §4 profiles it.
    expect(decodeProtectedHeader(delivery.body)).toMatchObject({ typ: 'logout+jwt', alg: 'ES256' });
    const jwks = createLocalJWKSet((await call('GET', `${p.base}/.well-known/jwks.json`)).json);
    const { payload } = await jwtVerify(delivery.body, jwks, {
      issuer: p.base,
      audience: AUDIENCE,
      typ: 'logout+jwt',
      currentDate: new Date(p.clock.ms),
    });
    expect(payload.sub).toBe('usr_alice');
    expect(typeof payload.jti).toBe('string');
    expect(payload.iat).toBe(p.clock.seconds);
    expect(payload.events).toEqual({ [EVENT_ASSERTION_REVOKED]: {} });
    expect(payload).not.toHaveProperty('nonce');

    // The grant is gone for minting, listed as revoked, and the service's answer is on record.
    const grants = (await call('GET', `${p.base}/grants`, { bearer: alice })).json.grants;
    expect(grants[0]).toMatchObject({ id: grantId, status: 'revoked' });
    expect(grants[0].revoked_at).not.toBeNull();
    const jag = await call('POST', `${p.base}/id-jag`, { bearer: alice, json: { audience: AUDIENCE } });
    expect(jag.json.error).toBe('consent_required');
    const inspected = p.handle.inspect().grants as any[];
    expect(inspected[0]).toMatchObject({ id: grantId, user: 'alice@example.com', status: 'revoked' });
    expect(inspected[0].revocation_result).toMatchObject({ uri: receiver.url, status: 200, body: '{"revoked":1}' });
    expect(logs.join('\n')).toContain('{"revoked":1}');

    // Deleting again: nothing left to delete.
    expect((await call('DELETE', `${p.base}/grants/${grantId}`, { bearer: alice })).status).toBe(404);
  });

  it('still revokes a consumed "once" grant (the credential it produced is still out there)', async () => {
    await grantConsent(p.base, alice, 'Allow once', { revocation_uri: receiver.url });
    await call('POST', `${p.base}/id-jag`, { bearer: alice, json: { audience: AUDIENCE } });
    const [grant] = (await call('GET', `${p.base}/grants`, { bearer: alice })).json.grants;
    expect(grant.status).toBe('consumed');
    expect((await call('DELETE', `${p.base}/grants/${grant.id}`, { bearer: alice })).status).toBe(204);
    expect(receiver.received).toHaveLength(1);
  });

  it('answers 204 and records the failure when the service cannot be reached', async () => {
    await receiver.close();
    const g = await call('POST', `${p.base}/grants`, { bearer: alice, json: { audience: AUDIENCE, mode: 'always', revocation_uri: receiver.url } });
    const del = await call('DELETE', `${p.base}/grants/${g.json.id}`, { bearer: alice });
    expect(del.status).toBe(204);
    const [inspected] = p.handle.inspect().grants as any[];
    expect(inspected.status).toBe('revoked');
    expect(typeof inspected.revocation_result.error).toBe('string');
    receiver = await startReceiver(); // for afterEach
  });

  it('revokes without a call when the grant names no revocation_uri', async () => {
    const g = await call('POST', `${p.base}/grants`, { bearer: alice, json: { audience: AUDIENCE, mode: 'always' } });
    expect((await call('DELETE', `${p.base}/grants/${g.json.id}`, { bearer: alice })).status).toBe(204);
    expect(receiver.received).toHaveLength(0);
  });

  it("does not let one user delete another's grant", async () => {
    const g = await call('POST', `${p.base}/grants`, { bearer: alice, json: { audience: AUDIENCE, mode: 'always', revocation_uri: receiver.url } });
    const bob = (await login(p.base, 'bob@example.com')).session_token;
    const del = await call('DELETE', `${p.base}/grants/${g.json.id}`, { bearer: bob });
    expect(del.status).toBe(404);
    expect(del.json.error).toBe('not_found');
    expect(receiver.received).toHaveLength(0);
    expect((await call('GET', `${p.base}/grants`, { bearer: alice })).json.grants[0].status).toBe('live');
  });

  it('the handle can revoke as the user would (for the studio)', async () => {
    const g = await call('POST', `${p.base}/grants`, { bearer: alice, json: { audience: AUDIENCE, mode: 'always', revocation_uri: receiver.url } });
    const result = await p.handle.revokeGrant(g.json.id);
    expect(result.revoked).toBe(true);
    expect(result.delivery?.status).toBe(200);
    expect(receiver.received).toHaveLength(1);
    expect((await p.handle.revokeGrant(g.json.id)).revoked).toBe(false);
  });

  it('validates POST /grants', async () => {
    const bad = await call('POST', `${p.base}/grants`, { bearer: alice, json: { audience: AUDIENCE, mode: 'sometimes' } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: 'invalid_request' });
    const badUri = await call('POST', `${p.base}/grants`, { bearer: alice, json: { audience: AUDIENCE, mode: 'once', revocation_uri: 'ftp://x' } });
    expect(badUri.status).toBe(400);
  });
});
