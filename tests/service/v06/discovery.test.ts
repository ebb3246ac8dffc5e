import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calculateJwkThumbprint, jwtVerify, createLocalJWKSet } from 'jose';
import { anonymous, api, call, exchange, expectTokenError, form, startV06 } from './helpers.js';

let svc: Awaited<ReturnType<typeof startV06>>;
beforeAll(async () => {
  svc = await startV06();
});
afterAll(() => svc.close());

describe('v0.6 discovery (PROTOCOL-v0.6.md §1)', () => {
  it('PRM: exactly the six members, resource <AS>/api/, cacheable for 300 s', async () => {
    const r = await call(`${svc.url}/.well-known/oauth-protected-resource`);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('public, max-age=300');
    expect(r.body).toEqual({
      resource: `${svc.url}/api/`, resource_name: expect.any(String), resource_logo_uri: expect.stringMatching(/^http/),
      authorization_servers: [svc.url], scopes_supported: ['api.read', 'api.write'], bearer_methods_supported: ['header'],
    });
  });

  it('AS metadata: exactly the table, nothing of v0.1', async () => {
    const r = await call(`${svc.url}/.well-known/oauth-authorization-server`);
    expect(r.headers.get('cache-control')).toBe('public, max-age=300');
    expect(r.body).toEqual({
      resource: `${svc.url}/api/`, authorization_servers: [svc.url], scopes_supported: ['api.read', 'api.write'], bearer_methods_supported: ['header'],
      issuer: svc.url,
      token_endpoint: `${svc.url}/oauth2/token`, revocation_endpoint: `${svc.url}/oauth2/revoke`,
      grant_types_supported: ['urn:ietf:params:oauth:grant-type:jwt-bearer', 'urn:workos:agent-auth:grant-type:claim'],
      jwks_uri: `${svc.url}/.well-known/jwks.json`,
      agent_auth: {
        skill: `${svc.url}/auth.md`,
        identity_endpoint: `${svc.url}/agent/identity`, claim_endpoint: `${svc.url}/agent/identity/claim`, events_endpoint: `${svc.url}/agent/event/notify`,
        identity_types_supported: ['anonymous', 'identity_assertion', 'service_auth'],
        identity_assertion: { assertion_types_supported: ['urn:ietf:params:oauth:token-type:id-jag'] },
        events_supported: ['https://schemas.workos.com/events/agent/auth/identity/assertion/revoked'],
      },
    });
  });

  it('a type turned off in config leaves identity_types_supported (beyond)', async () => {
    const off = await startV06({ config: { identityTypes: { serviceAuth: false, anonymous: false } } });
    try {
      const r = await call(`${off.url}/.well-known/oauth-authorization-server`);
      expect(r.body.agent_auth.identity_types_supported).toEqual(['identity_assertion']);
    } finally {
      await off.close();
    }
  });

  it('JWKS: the ES256 key that signs service assertions, kid = RFC 7638 thumbprint', async () => {
    const r = await call(`${svc.url}/.well-known/jwks.json`);
    expect(r.headers.get('cache-control')).toBe('public, max-age=300');
    expect(r.body.keys).toHaveLength(1);
    const [key] = r.body.keys;
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(key.d).toBeUndefined();
    expect(key.kid).toBe(await calculateJwkThumbprint({ kty: key.kty, crv: key.crv, x: key.x, y: key.y }));
  });
});

describe('anonymous → token → API (PROTOCOL-v0.6.md §2, §5, §1)', () => {
  it('the v1 assertion is ES256, iss = aud = issuer, sub = registration_id, verifiable with the JWKS', async () => {
    const reg = await anonymous(svc);
    expect(reg.status).toBe(200);
    expect(reg.body).toEqual({
      registration_id: expect.stringMatching(/^reg_[A-Za-z0-9_-]{22}$/), registration_type: 'anonymous',
      identity_assertion: expect.any(String), assertion_expires: expect.any(String), pre_claim_scopes: ['api.read'],
      claim_url: `${svc.url}/agent/identity/claim`, claim_token: expect.stringMatching(/^clm_[A-Za-z0-9_-]{26}$/),
      claim_token_expires: expect.any(String), post_claim_scopes: ['api.read', 'api.write'],
    });
    const jwks = (await call(`${svc.url}/.well-known/jwks.json`)).body;
    const { payload, protectedHeader } = await jwtVerify(reg.body.identity_assertion, createLocalJWKSet(jwks), { issuer: svc.url, audience: svc.url });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'oauth-id-jag+jwt', kid: jwks.keys[0].kid });
    expect(payload.sub).toBe(reg.body.registration_id);
    expect(payload.jti).toMatch(/^jti_[0-9a-f-]{36}$/);
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(payload).not.toHaveProperty('email');
    expect(new Date(reg.body.assertion_expires).getTime()).toBe(payload.exp! * 1000);
  });

  it('exchanges for an at_ token with api.read only; GET works, POST is 403 insufficient_scope', async () => {
    const reg = await anonymous(svc);
    const t = await exchange(svc, reg.body.identity_assertion);
    expect(t.status).toBe(200);
    expect(t.headers.get('cache-control')).toBe('no-store');
    expect(t.headers.get('pragma')).toBe('no-cache');
    expect(t.body).toEqual({ access_token: expect.stringMatching(/^at_[A-Za-z0-9_-]{32}$/), token_type: 'Bearer', expires_in: 3600, scope: 'api.read' });
    const get = await api(svc, t.body.access_token);
    expect(get.status).toBe(200);
    expect(get.body).toMatchObject({ user: null, credential: { scope: ['api.read'], source: 'anonymous', registration_id: reg.body.registration_id } });
    const post = await api(svc, t.body.access_token, 'POST');
    expect(post.status).toBe(403);
    expect(post.body.error).toBe('insufficient_scope');
    expect(post.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${svc.url}/.well-known/oauth-protected-resource", error="insufficient_scope", scope="api.write"`);
  });

  it('the RS: no token → 401 unauthorized with resource_metadata; a dead token adds error="invalid_token"', async () => {
    const none = await call(`${svc.url}/api/resource`);
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
    expect(none.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${svc.url}/.well-known/oauth-protected-resource"`);
    const dead = await api(svc, 'at_nothing');
    expect(dead.status).toBe(401);
    expect(dead.body.error).toBe('unauthorized');
    expect(dead.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('/oauth2/revoke kills the token at the RS; the assertion still exchanges; unknown tokens get the same 200', async () => {
    const reg = await anonymous(svc);
    const t = await exchange(svc, reg.body.identity_assertion);
    const r = await form(`${svc.url}/oauth2/revoke`, { token: t.body.access_token, token_type_hint: 'access_token' });
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect((await api(svc, t.body.access_token)).status).toBe(401);
    expect((await form(`${svc.url}/oauth2/revoke`, { token: 'at_unknown' })).status).toBe(200);
    expect((await exchange(svc, reg.body.identity_assertion)).status).toBe(200);
    expectTokenError(await form(`${svc.url}/oauth2/revoke`, { token: 'x', token_type_hint: 'refresh_token' }), 'invalid_request');
    expectTokenError(await form(`${svc.url}/oauth2/revoke`, {}), 'invalid_request');
  });
});
