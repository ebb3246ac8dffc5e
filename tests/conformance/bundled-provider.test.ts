/** PROTOCOL.md §6 — the bundled provider: login, consent grants, ID-JAGs, token exchange, grant deletion. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { HOST_HOOK_TIMEOUT_MS, spawnHost, type RunningHost } from './support/host.js';
import { bearer, expectError, expectOAuthError, expectOk, get, parseBearerChallenge, postForm, postJson, request } from './support/http.js';
import { discover, ID_JAG_URN, ID_TOKEN_URN, JWT_BEARER, readResource, registerIdJag, TOKEN_EXCHANGE, type Discovered } from './support/service.js';

let host: RunningHost;
let d: Discovered;
let provider: string;

beforeAll(async () => {
  host = await spawnHost();
  provider = host.urls.provider;
  d = await discover(host.urls.service);
}, HOST_HOOK_TIMEOUT_MS);
afterAll(async () => {
  await host?.stop();
}, 30_000);

async function login(email: string) {
  const res = await postJson(`${provider}/login`, { email });
  expectOk(res);
  expect(res.json, res.describe).toMatchObject({ session_token: expect.any(String), user: expect.anything() });
  return res.json as { session_token: string; user: any; [k: string]: unknown };
}

async function grant(session: string, mode: 'once' | 'always', extra: Record<string, unknown> = {}) {
  const res = await postJson(`${provider}/grants`, { audience: d.issuer, mode, ...extra }, bearer(session));
  expect(res.status, res.describe).toBe(201);
  return res.json;
}

const idJag = (session: string, body: Record<string, unknown> = { audience: d.issuer }) => postJson(`${provider}/id-jag`, body, bearer(session));

describe('§6 provider discovery', () => {
  it('openid-configuration, JWKS with kid and max-age, CIMD naming itself', async () => {
    const oc = await get(`${provider}/.well-known/openid-configuration`);
    expectOk(oc);
    expect(oc.json).toMatchObject({ issuer: provider, jwks_uri: expect.any(String), token_endpoint: expect.any(String) });
    const jwks = await get(oc.json.jwks_uri);
    expectOk(jwks);
    expect(jwks.headers.get('cache-control'), jwks.describe).toMatch(/max-age=\d+/);
    expect(jwks.json.keys.length).toBeGreaterThan(0);
    for (const k of jwks.json.keys) {
      expect(k, 'ES256 public keys with kid').toMatchObject({ kty: 'EC', crv: 'P-256', kid: expect.any(String) });
      expect(k, 'no private part in the JWKS').not.toHaveProperty('d');
    }
    const cimd = await get(`${provider}/agent-auth.json`);
    expectOk(cimd);
    expect(cimd.json.client_id).toBe(`${provider}/agent-auth.json`);
    expect(cimd.json.jwks_uri).toBe(oc.json.jwks_uri);
  });
});

describe('§6 consent page', () => {
  it('GET /consent answers an HTML page naming the resource', async () => {
    const res = await get(`${provider}/consent?audience=${encodeURIComponent(d.issuer)}&resource_name=${encodeURIComponent('Conformance API')}`);
    expect(res.status, res.describe).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain('Conformance API');
  });
  it('escapes what it echoes', async () => {
    const res = await get(`${provider}/consent?audience=${encodeURIComponent(d.issuer)}&resource_name=${encodeURIComponent('<script>alert(1)</script>')}`);
    expect(res.status).toBeLessThan(500);
    expect(res.text).not.toContain('<script>alert(1)</script>');
  });
});

describe('§6 login → consent → ID-JAG → registration', () => {
  it('alice: a verified, consented ID-JAG registers and works', async () => {
    const s = await login('alice@example.com');
    await grant(s.session_token, 'once');
    const res = await idJag(s.session_token);
    expectOk(res);
    expect(res.json).toMatchObject({ assertion_type: ID_JAG_URN, assertion: expect.any(String), expires_in: expect.any(Number) });
    expect(res.json.expires_in).toBeLessThanOrEqual(300);

    const header = decodeProtectedHeader(res.json.assertion);
    expect(header).toMatchObject({ typ: 'oauth-id-jag+jwt', alg: 'ES256', kid: expect.any(String) });
    const jwks = createRemoteJWKSet(new URL(`${provider}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(res.json.assertion, jwks, { issuer: provider, audience: d.issuer, typ: 'oauth-id-jag+jwt' });
    expect(payload).toMatchObject({ client_id: `${provider}/agent-auth.json`, email: 'alice@example.com', email_verified: true, amr: ['mfa'] });
    expect(payload.sub && payload.jti).toBeTruthy();
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(300);

    const reg = await registerIdJag(d, res.json.assertion);
    expectOk(reg);
    expect(reg.json.registration_type).toBe('agent-provider');
    const who = await readResource(d, reg.json.credential);
    expect(who.status, who.describe).toBe(200);
    expect(who.text).toContain('alice@example.com');
  });

  it('a bundled-provider ID-JAG also works with the RFC 7523 grant', async () => {
    const s = await login('bob@example.com');
    await grant(s.session_token, 'once');
    const jag = (await idJag(s.session_token)).json.assertion;
    const res = await postForm(d.tokenEndpoint, { grant_type: JWT_BEARER, assertion: jag });
    expectOk(res);
    expect(res.json.token_type).toBe('Bearer');
    expect((await readResource(d, res.json.access_token)).status).toBe(200);
  });

  it('carol (email not verified) → 403 missing_verified_email at the provider', async () => {
    const s = await login('carol@example.com');
    await grant(s.session_token, 'always');
    expectError(await idJag(s.session_token), 403, 'missing_verified_email');
  });

  it('no grant → 403 consent_required', async () => {
    const s = await login('bob@example.com');
    const res = await idJag(s.session_token, { audience: 'http://127.0.0.1:1/never-granted' });
    expectError(res, 403, 'consent_required');
  });

  it('a "once" grant is spent by its ID-JAG', async () => {
    const s = await login('alice@example.com');
    await grant(s.session_token, 'once');
    expectOk(await idJag(s.session_token));
    expectError(await idJag(s.session_token), 403, 'consent_required');
  });

  it('an unknown user → 401 unknown_user; no session → 401', async () => {
    expectError(await postJson(`${provider}/login`, { email: 'mallory@example.com' }), 401, 'unknown_user');
    const noSession = await postJson(`${provider}/id-jag`, { audience: d.issuer });
    expect(noSession.status, noSession.describe).toBe(401);
  });

  it('deleting a grant sends a logout token: the credential stops working', async () => {
    const s = await login('bob@example.com');
    const g = await grant(s.session_token, 'always', { revocation_uri: d.revocationUri });
    const reg = await registerIdJag(d, (await idJag(s.session_token)).json.assertion, 'api_key');
    expectOk(reg);
    expect((await readResource(d, reg.json.credential)).status).toBe(200);

    const list = await get(`${provider}/grants`, bearer(s.session_token));
    expectOk(list);
    const listed = JSON.stringify(list.json);
    expect(listed).toContain(g.id);

    const del = await request('DELETE', `${provider}/grants/${encodeURIComponent(g.id)}`, { headers: bearer(s.session_token) });
    expect(del.status, del.describe).toBe(204);
    const after = await readResource(d, reg.json.credential);
    expect(after.status, after.describe).toBe(401);
    expect(parseBearerChallenge(after.headers.get('www-authenticate')).error).toBe('invalid_token');
  });
});

describe('RFC 6749 §5.1: responses carrying tokens are not cached', () => {
  it('Cache-Control: no-store on both token endpoints, /id-jag, /login and /agent/auth', async () => {
    const s = await login('alice@example.com');
    await grant(s.session_token, 'always');
    const jag = await idJag(s.session_token);
    const asToken = await postForm(d.tokenEndpoint, { grant_type: JWT_BEARER, assertion: jag.json.assertion });
    const exchange = await postForm(`${provider}/oauth2/token`, {
      grant_type: TOKEN_EXCHANGE,
      subject_token: String(s.id_token ?? s.session_token),
      subject_token_type: ID_TOKEN_URN,
      requested_token_type: ID_JAG_URN,
      audience: d.issuer,
    });
    const anon = await postJson(d.registerUri, { type: 'anonymous', requested_credential_type: 'api_key' });
    const loginRes = await postJson(`${provider}/login`, { email: 'bob@example.com' });
    for (const res of [jag, asToken, exchange, anon, loginRes]) {
      expect(res.status, res.describe).toBe(200);
      expect(res.headers.get('cache-control') ?? '', res.describe).toContain('no-store');
    }
  });
});

describe('§6 RFC 8693 token exchange at the provider', () => {
  it('exchanges the session ID token for an ID-JAG that registers', async () => {
    const s = await login('alice@example.com');
    // PROTOCOL.md §6 says subject_token is "the session's ID token" but /login only documents
    // {session_token, user}. Accept an explicit id_token, else a session_token that is a JWT.
    const idToken = [s.id_token, s.session_token].find((t) => typeof t === 'string' && t.split('.').length === 3) as string | undefined;
    expect(idToken, `AMBIGUITY: no ID token in the /login response: ${JSON.stringify(s)}`).toBeTruthy();
    await grant(s.session_token, 'always');
    const res = await postForm(`${provider}/oauth2/token`, {
      grant_type: TOKEN_EXCHANGE,
      subject_token: idToken!,
      subject_token_type: ID_TOKEN_URN,
      requested_token_type: ID_JAG_URN,
      audience: d.issuer,
      resource: d.prm.resource,
    });
    expectOk(res);
    expect(res.json).toMatchObject({ access_token: expect.any(String), issued_token_type: ID_JAG_URN, token_type: 'N_A', expires_in: expect.any(Number) });
    expect(decodeJwt(res.json.access_token)).toMatchObject({ aud: d.issuer, resource: d.prm.resource, email: 'alice@example.com' });
    const reg = await registerIdJag(d, res.json.access_token);
    expectOk(reg);
    expect((await readResource(d, reg.json.credential)).status).toBe(200);
  });

  it('a bad subject_token → RFC 6749 error envelope', async () => {
    const res = await postForm(`${provider}/oauth2/token`, {
      grant_type: TOKEN_EXCHANGE,
      subject_token: 'not-a-token',
      subject_token_type: ID_TOKEN_URN,
      requested_token_type: ID_JAG_URN,
      audience: d.issuer,
    });
    expect(res.status, res.describe).toBe(400);
    expectOAuthError(res, 400, res.json?.error);
    expect(['invalid_grant', 'invalid_request']).toContain(res.json.error);
  });
});
