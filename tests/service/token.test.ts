import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, getResource, postJson, startService, startTestIssuer, type Reply, type TestIssuer, type TestService } from './helpers.js';

let issuer: TestIssuer;
let svc: TestService;
beforeAll(async () => {
  issuer = await startTestIssuer();
  svc = await startService({ trustedIssuers: [issuer.url] });
});
afterAll(async () => {
  await svc.close();
  await issuer.close();
});

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const token = (form: Record<string, string>) =>
  call(`${svc.url}/oauth2/token`, { method: 'POST', body: new URLSearchParams(form) });

function expectOAuthError(r: Reply, status: number, code: string) {
  expect({ status: r.status, error: r.body?.error }).toEqual({ status, error: code });
  expect(typeof r.body.error_description).toBe('string');
  expect(r.body).not.toHaveProperty('message');
}

describe('RFC 7523 JWT-bearer grant with an ID-JAG (PROTOCOL.md §5)', () => {
  it('answers an access token, Bearer, expires_in, scope, and no refresh token', async () => {
    const r = await token({ grant_type: JWT_BEARER, assertion: await issuer.mintIdJag(svc.url) });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ access_token: expect.stringMatching(/^at_/), token_type: 'Bearer', expires_in: 3600, scope: 'api.read api.write' });
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect((await getResource(svc, r.body.access_token)).body.user.email).toBe('alice@example.com');
  });

  it('invalid_grant for an assertion that fails any check, naming the check', async () => {
    const expired = await issuer.mintIdJag(svc.url, {}, { nowSeconds: Math.floor(Date.now() / 1000) - 1000 });
    const r = await token({ grant_type: JWT_BEARER, assertion: expired });
    expectOAuthError(r, 400, 'invalid_grant');
    expect(r.body.error_description).toMatch(/^expired:/);
    const once = await issuer.mintIdJag(svc.url);
    expect((await token({ grant_type: JWT_BEARER, assertion: once })).status).toBe(200);
    const replay = await token({ grant_type: JWT_BEARER, assertion: once });
    expectOAuthError(replay, 400, 'invalid_grant');
    expect(replay.body.error_description).toMatch(/^replay_detected:/);
  });

  it('unsupported_grant_type, and invalid_request for a missing assertion or a JSON body', async () => {
    expectOAuthError(await token({ grant_type: 'client_credentials' }), 400, 'unsupported_grant_type');
    expectOAuthError(await token({ grant_type: JWT_BEARER }), 400, 'invalid_request');
    expectOAuthError(await token({}), 400, 'invalid_request');
    expectOAuthError(await postJson(`${svc.url}/oauth2/token`, { grant_type: JWT_BEARER, assertion: 'x' }), 400, 'invalid_request');
    expectOAuthError(await call(`${svc.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }), 400, 'invalid_request');
  });
});
