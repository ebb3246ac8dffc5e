import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectError, getResource, postJson, startService, type TestService } from './helpers.js';

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
});
afterAll(() => svc.close());

describe('discovery (PROTOCOL.md §1)', () => {
  it('401 without a credential points at the protected resource metadata, with no error code', async () => {
    const r = await call(`${svc.url}/api/resource`);
    expectError(r, 401, 'invalid_token');
    expect(r.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${svc.url}/.well-known/oauth-protected-resource"`);
  });

  it('401 with an unknown credential adds error="invalid_token"', async () => {
    const r = await getResource(svc, 'sk_test_unknown');
    expectError(r, 401, 'invalid_token');
    expect(r.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${svc.url}/.well-known/oauth-protected-resource", error="invalid_token"`,
    );
  });

  it('403 with too few scopes names the scope (RFC 6750 §3)', async () => {
    const reg = (await postJson(`${svc.url}/agent/auth`, { type: 'anonymous', requested_credential_type: 'api_key' })).body;
    const r = await postJson(`${svc.url}/api/resource`, {}, { authorization: `Bearer ${reg.credential}` });
    expectError(r, 403, 'insufficient_scope');
    expect(r.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${svc.url}/.well-known/oauth-protected-resource", error="insufficient_scope", scope="api.write"`,
    );
  });

  it('serves RFC 9728 protected resource metadata', async () => {
    const r = await call(`${svc.url}/.well-known/oauth-protected-resource`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      resource: `${svc.url}/api/resource`,
      authorization_servers: [svc.url],
      scopes_supported: ['api.read', 'api.write'],
      bearer_methods_supported: ['header'],
    });
    expect(typeof r.body.resource_name).toBe('string');
    const logo = await call(r.body.resource_logo_uri);
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
  });

  it('serves RFC 8414 metadata with the agent_auth block', async () => {
    const r = await call(`${svc.url}/.well-known/oauth-authorization-server`);
    expect(r.status).toBe(200);
    expect(r.body.issuer).toBe(svc.url);
    expect(r.body.token_endpoint).toBe(`${svc.url}/oauth2/token`);
    expect(r.body.grant_types_supported).toContain('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(r.body.resource).toBe(`${svc.url}/api/resource`);
    expect(r.body.scopes_supported).toEqual(['api.read', 'api.write']);
    expect(r.body.agent_auth).toEqual({
      skill: `${svc.url}/auth.md`,
      register_uri: `${svc.url}/agent/auth`,
      claim_uri: `${svc.url}/agent/auth/claim`,
      revocation_uri: `${svc.url}/agent/auth/revoke`,
      identity_types_supported: ['anonymous', 'identity_assertion'],
      anonymous: { credential_types_supported: ['api_key'] },
      identity_assertion: {
        assertion_types_supported: ['urn:ietf:params:oauth:token-type:id-jag', 'verified_email'],
        credential_types_supported: ['access_token', 'api_key'],
      },
      events_supported: ['https://schemas.workos.com/events/agent/auth/identity/assertion/revoked'],
    });
  });

  it('lists only the identity types that are turned on', async () => {
    const only = await startService({ config: { identityTypes: { anonymous: false, idJag: false } } });
    try {
      const r = await call(`${only.url}/.well-known/oauth-authorization-server`);
      expect(r.body.agent_auth.identity_types_supported).toEqual(['identity_assertion']);
      expect(r.body.agent_auth.identity_assertion.assertion_types_supported).toEqual(['verified_email']);
      expect(r.body.agent_auth).not.toHaveProperty('anonymous');
      expect(r.body.grant_types_supported).toEqual([]);
    } finally {
      await only.close();
    }
  });

  it('serves AUTH.md as text/markdown with this host\'s URLs filled in', async () => {
    const r = await call(`${svc.url}/auth.md`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(r.text).not.toContain('{{');
    expect(r.text).toContain(`curl -i ${svc.url}/api/resource`);
    expect(r.text).toContain(`${svc.url}/agent/auth/claim/complete`);
  });

  it('unknown routes are a JSON 404; a wrong method is a JSON 405 with Allow', async () => {
    expectError(await call(`${svc.url}/nope`), 404, 'not_found');
    const r = await call(`${svc.url}/agent/auth`);
    expectError(r, 405, 'method_not_allowed');
    expect(r.headers.get('allow')).toBe('POST');
  });
});
