import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { startHost, type Host } from '../../src-servers/host/host.js';
import { LESSON_REISSUE_PATH } from '../../src-servers/provider/lessons.js';
import { AUDIENCE, call, login, startProvider } from './helpers.js';

/** The bundled provider's teaching endpoint: real key, one deliberate flaw, the service's check catches it. */
let host: Host;
let session: string;
let assertion: string;

const post = (url: string, body: unknown, bearer?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  host = await startHost({ inMemory: true, ports: { service: 0, provider: 0, mailbox: 0, smtp: 0 } });
  const p = host.urls.provider;
  session = ((await (await post(`${p}/login`, { email: 'alice@example.com' })).json()) as { session_token: string }).session_token;
  expect((await post(`${p}/grants`, { audience: host.urls.service, mode: 'always' }, session)).status).toBe(201);
  const r = await post(`${p}/id-jag`, { audience: host.urls.service }, session);
  assertion = ((await r.json()) as { assertion: string }).assertion;
});
afterAll(() => host?.stop());

const register = (jwt: string) =>
  post(`${host.urls.service}/agent/auth`, {
    type: 'identity_assertion',
    assertion_type: 'urn:ietf:params:oauth:token-type:id-jag',
    assertion: jwt,
    requested_credential_type: 'api_key',
  });

describe(`POST ${LESSON_REISSUE_PATH}`, () => {
  it('re-signs an issued ID-JAG already expired; the service answers expired', async () => {
    const r = await post(`${host.urls.provider}${LESSON_REISSUE_PATH}`, { assertion, lesson: 'expired' }, session);
    expect(r.status).toBe(200);
    const jwt = ((await r.json()) as { assertion: string }).assertion;
    expect(decodeJwt(jwt).exp!).toBeLessThan(Date.now() / 1000 - 3000);
    const answer = await register(jwt);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: 'expired' });
  });

  it('re-signs with the wrong audience; the service answers invalid_audience', async () => {
    const wrong = `${host.urls.service}/api/resource`;
    const r = await post(`${host.urls.provider}${LESSON_REISSUE_PATH}`, { assertion, lesson: 'wrong-audience', audience: wrong }, session);
    const jwt = ((await r.json()) as { assertion: string }).assertion;
    expect(decodeJwt(jwt).aud).toBe(wrong);
    expect(await (await register(jwt)).json()).toMatchObject({ error: 'invalid_audience' });
  });

  it('refuses tokens it did not issue to this user, and callers without a session', async () => {
    const bob = ((await (await post(`${host.urls.provider}/login`, { email: 'bob@example.com' })).json()) as { session_token: string }).session_token;
    const asBob = await post(`${host.urls.provider}${LESSON_REISSUE_PATH}`, { assertion, lesson: 'expired' }, bob);
    expect(asBob.status).toBe(400);
    expect(await asBob.json()).toMatchObject({ error: 'invalid_request' });
    const forged = assertion.slice(0, -4) + (assertion.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await post(`${host.urls.provider}${LESSON_REISSUE_PATH}`, { assertion: forged, lesson: 'expired' }, session)).status).toBe(400);
    expect((await post(`${host.urls.provider}${LESSON_REISSUE_PATH}`, { assertion, lesson: 'wrong-audience' }, session)).status).toBe(400);
    expect((await post(`${host.urls.provider}${LESSON_REISSUE_PATH}`, { assertion, lesson: 'expired' })).status).toBe(401);
  });
});

// Issue 14 finding 4b: a lesson's token carries its one flaw and is good nowhere else.
describe(`${LESSON_REISSUE_PATH} cannot mint for another service`, () => {
  it("refuses an audience that could be another service's issuer; that service is never handed a token", async () => {
    // Service B trusts this provider, but the person never consented to B.
    const b = await startHost({ inMemory: true, ports: { service: 0, provider: 0, mailbox: 0, smtp: 0 }, config: { service: { trustedIssuers: [host.urls.provider] } } });
    try {
      const refused = await post(`${host.urls.provider}/id-jag`, { audience: b.urls.service }, session);
      expect(refused.status).toBe(403); // the provider itself will not mint for B
      const service = new URL(host.urls.service);
      for (const audience of [
        b.urls.service, // another service's issuer
        `${b.urls.service}/api/resource`, // another origin, even with the lesson's path
        host.urls.service, // no flaw at all
        `${host.urls.service}/`,
        `${host.urls.service}/api/resource?x=1`,
        `http://user@${service.host}/api/resource`,
      ]) {
        const r = await post(`${host.urls.provider}${LESSON_REISSUE_PATH}`, { assertion, lesson: 'wrong-audience', audience }, session);
        expect(r.status, audience).toBe(400);
        const body = (await r.json()) as { error: string; message: string; assertion?: string };
        expect(body.error).toBe('invalid_request');
        expect(body.message).toContain('/api/resource');
        expect(body.assertion).toBeUndefined();
      }
    } finally {
      await b.stop();
    }
  });

  it('is off when the config says provider.lessons: false (404, as for any unknown path)', async () => {
    const off = await startHost({ inMemory: true, ports: { service: 0, provider: 0, mailbox: 0, smtp: 0 }, config: { provider: { lessons: false } } });
    try {
      const p = off.urls.provider;
      const s = ((await (await post(`${p}/login`, { email: 'alice@example.com' })).json()) as { session_token: string }).session_token;
      const r = await post(`${p}${LESSON_REISSUE_PATH}`, { assertion, lesson: 'expired' }, s);
      expect(r.status).toBe(404);
      expect(((await r.json()) as { error: string }).error).toBe('not_found');
    } finally {
      await off.stop();
    }
  });
});

// PROTOCOL-v0.6.md §6 — the stale auth_time lesson: a v0.6 service answers 401 login_required to it.
describe(`${LESSON_REISSUE_PATH} stale-auth-time`, () => {
  it('re-signs the ID-JAG with auth_time two hours ago and nothing else changed but jti', async () => {
    const p = await startProvider();
    try {
      const s = (await login(p.base, 'alice@example.com')).session_token;
      await call('POST', `${p.base}/grants`, { bearer: s, json: { audience: AUDIENCE, mode: 'always' } });
      p.clock.advance(30);
      const original = (await call('POST', `${p.base}/id-jag`, { bearer: s, json: { audience: AUDIENCE } })).json.assertion as string;
      const r = await call('POST', `${p.base}${LESSON_REISSUE_PATH}`, { bearer: s, json: { assertion: original, lesson: 'stale-auth-time' } });
      expect(r.status).toBe(200);
      expect(r.json.lesson).toBe('stale-auth-time');
      // Signed with the provider's real key, so only the service's freshness rule can refuse it.
      const jwks = createLocalJWKSet((await call('GET', `${p.base}/.well-known/jwks.json`)).json);
      const { payload } = await jwtVerify(r.json.assertion, jwks, { issuer: p.base, audience: AUDIENCE, typ: 'oauth-id-jag+jwt', currentDate: new Date(p.clock.ms) });
      expect(payload.auth_time).toBe(p.clock.seconds - 7200);
      const before = decodeJwt(original);
      expect(before.auth_time).toBe(p.clock.seconds - 30);
      const { jti, auth_time, ...rest } = payload;
      const { jti: jti0, auth_time: _t0, ...rest0 } = before;
      expect(rest).toEqual(rest0);
      expect(jti).not.toBe(jti0);
    } finally {
      await p.close();
    }
  });
});
