/** PROTOCOL.md §1 — discovery, as an agent that knows only the service URL sees it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_HOOK_TIMEOUT_MS, spawnHost, type RunningHost } from './support/host.js';
import { bearer, expectError, expectOk, get, parseBearerChallenge } from './support/http.js';

let host: RunningHost;
let service: string;

beforeAll(async () => {
  host = await spawnHost();
  service = host.urls.service;
}, HOST_HOOK_TIMEOUT_MS);
afterAll(async () => {
  await host?.stop();
}, 30_000);

describe('§1 discovery', () => {
  it('GET /api/resource without a credential → 401 with the exact WWW-Authenticate header', async () => {
    const res = await get(`${service}/api/resource`);
    expect(res.status, res.describe).toBe(401);
    expect(res.headers.get('www-authenticate'), res.describe).toBe(
      `Bearer resource_metadata="${service}/.well-known/oauth-protected-resource"`,
    );
  });

  it('an unknown credential → 401 with error="invalid_token" added to the same header', async () => {
    for (const token of ['sk_test_doesnotexist', 'at_doesnotexist', 'garbage']) {
      const res = await get(`${service}/api/resource`, bearer(token));
      expect(res.status, res.describe).toBe(401);
      const params = parseBearerChallenge(res.headers.get('www-authenticate'));
      expect(params, res.describe).toMatchObject({
        resource_metadata: `${service}/.well-known/oauth-protected-resource`,
        error: 'invalid_token',
      });
    }
  });

  it('protected resource metadata carries the RFC 9728 fields', async () => {
    const res = await get(`${service}/.well-known/oauth-protected-resource`);
    expectOk(res);
    const prm = res.json;
    expect(typeof prm.resource, res.describe).toBe('string');
    expect(new URL(prm.resource).origin, res.describe).toBe(service);
    expect(typeof prm.resource_name, res.describe).toBe('string');
    expect(prm.resource_name.length).toBeGreaterThan(0);
    expect(typeof prm.resource_logo_uri, res.describe).toBe('string');
    expect(() => new URL(prm.resource_logo_uri)).not.toThrow();
    expect(Array.isArray(prm.authorization_servers), res.describe).toBe(true);
    expect(prm.authorization_servers[0], 'first authorization server is ours').toBe(service);
    expect([...prm.scopes_supported].sort(), res.describe).toEqual(['api.read', 'api.write']);
    expect(prm.bearer_methods_supported, res.describe).toEqual(['header']);
  });

  it('AS metadata: issuer equals the AS base URL, jwt-bearer grant, PRM fields restated', async () => {
    const prm = (await get(`${service}/.well-known/oauth-protected-resource`)).json;
    const asBase = prm.authorization_servers[0];
    const res = await get(`${asBase}/.well-known/oauth-authorization-server`);
    expectOk(res);
    const as = res.json;
    expect(as.issuer, res.describe).toBe(asBase);
    expect(as.token_endpoint, res.describe).toBe(`${as.issuer}/oauth2/token`);
    expect(as.grant_types_supported, res.describe).toContain('urn:ietf:params:oauth:grant-type:jwt-bearer');
    for (const field of ['resource', 'resource_name', 'resource_logo_uri', 'scopes_supported', 'bearer_methods_supported']) {
      expect(as[field], `AS metadata restates PRM "${field}": ${res.describe}`).toEqual(prm[field]);
    }
  });

  it('AS metadata: the whole agent_auth block', async () => {
    const as = (await get(`${service}/.well-known/oauth-authorization-server`)).json;
    const a = as.agent_auth;
    expect(a, JSON.stringify(as)).toBeTruthy();
    expect(a.skill).toBe(`${service}/auth.md`);
    expect(a.register_uri).toBe(`${as.issuer}/agent/auth`);
    expect(a.claim_uri).toBe(`${as.issuer}/agent/auth/claim`);
    expect(a.revocation_uri).toBe(`${as.issuer}/agent/auth/revoke`);
    expect([...a.identity_types_supported].sort()).toEqual(['anonymous', 'identity_assertion']);
    expect(a.anonymous.credential_types_supported).toEqual(['api_key']);
    expect([...a.identity_assertion.assertion_types_supported].sort()).toEqual(
      ['urn:ietf:params:oauth:token-type:id-jag', 'verified_email'].sort(),
    );
    expect(a.identity_assertion.credential_types_supported).toEqual(['access_token', 'api_key']);
    expect(a.events_supported).toEqual(['https://schemas.workos.com/events/agent/auth/identity/assertion/revoked']);
  });

  it('/auth.md is served as text/markdown and names the real service URL', async () => {
    const as = (await get(`${service}/.well-known/oauth-authorization-server`)).json;
    const res = await get(as.agent_auth.skill);
    expect(res.status, res.describe).toBe(200);
    expect(res.headers.get('content-type'), res.describe).toMatch(/^text\/markdown/);
    expect(res.text, 'auth.md mentions the service URL it is served from').toContain(service);
    expect(res.text).toContain('/agent/auth');
  });

  it('unknown paths answer a JSON 404, not HTML', async () => {
    const res = await get(`${service}/no/such/path`);
    expect(res.status, res.describe).toBe(404);
    expect(res.json?.error, res.describe).toEqual(expect.any(String));
    expectError(res, 404, res.json.error);
  });
});
