/** PROTOCOL.md preamble — bad input gets a clear JSON error: 400 for malformed JSON, 413 for big bodies, never 5xx. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HOST_HOOK_TIMEOUT_MS, spawnHost, type RunningHost } from './support/host.js';
import { expectClientError, expectError, expectNoLeak, expectOAuthError, request, type Res } from './support/http.js';
import { discover, jsonPostEndpoints, tokenPostEndpoints, type Discovered } from './support/service.js';

let host: RunningHost;
let d: Discovered;
let provider: string;

beforeAll(async () => {
  host = await spawnHost();
  d = await discover(host.urls.service);
  provider = host.urls.provider;
}, HOST_HOOK_TIMEOUT_MS);
afterAll(async () => {
  await host?.stop();
}, 30_000);

const jsonEndpoints = () => jsonPostEndpoints(d, provider);
const tokenEndpoints = () => tokenPostEndpoints(d, provider);

describe('malformed JSON', () => {
  it('→ 400 invalid_request with the envelope, on every JSON endpoint', async () => {
    for (const url of jsonEndpoints()) {
      const res = await request('POST', url, { body: '{"type": "anonymous",', headers: { 'content-type': 'application/json' } });
      expectError(res, 400, 'invalid_request');
    }
  });
});

describe('oversized bodies', () => {
  it('a 100 KB body → 413 with a JSON error, on every POST endpoint', async () => {
    const big = JSON.stringify({ type: 'anonymous', requested_credential_type: 'api_key', pad: 'x'.repeat(100 * 1024) });
    for (const url of jsonEndpoints()) {
      const res = await request('POST', url, { body: big, headers: { 'content-type': 'application/json' } });
      expect(res.status, res.describe).toBe(413);
      expectClientError(res);
    }
    const form = `grant_type=x&assertion=${'a'.repeat(100 * 1024)}`;
    for (const url of tokenEndpoints()) {
      const res = await request('POST', url, { body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(res.status, res.describe).toBe(413);
      expectClientError(res);
    }
    const revoke = await request('POST', d.revocationUri, { body: 'a'.repeat(100 * 1024), headers: { 'content-type': 'application/logout+jwt' } });
    expect(revoke.status, revoke.describe).toBe(413);
    expectClientError(revoke);
  });
});

describe('wrong content type', () => {
  it('JSON endpoints refuse text/plain and form bodies with a 4xx JSON error', async () => {
    for (const url of jsonEndpoints()) {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
        const res = await request('POST', url, { body: '{"type":"anonymous","requested_credential_type":"api_key"}', headers: { 'content-type': type } });
        expectClientError(res);
      }
    }
  });

  it('the token endpoint refuses a JSON body with an RFC 6749 error', async () => {
    const res = await request('POST', d.tokenEndpoint, {
      body: JSON.stringify({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: 'a.b.c' }),
      headers: { 'content-type': 'application/json' },
    });
    expectOAuthError(res, 400, 'invalid_request');
  });

  it('the revocation endpoint refuses a JSON body', async () => {
    const res = await request('POST', d.revocationUri, { body: JSON.stringify({ logout_token: 'a.b.c' }), headers: { 'content-type': 'application/json' } });
    expectClientError(res);
  });
});

describe('ordinary client variations are accepted', () => {
  it('application/json; charset=utf-8 is JSON', async () => {
    const res = await request('POST', d.registerUri, {
      body: JSON.stringify({ type: 'anonymous', requested_credential_type: 'api_key' }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(res.status, res.describe).toBe(200);
  });

  it('the Bearer scheme is case-insensitive (RFC 7235 §2.1)', async () => {
    const reg = await request('POST', d.registerUri, { body: JSON.stringify({ type: 'anonymous', requested_credential_type: 'api_key' }), headers: { 'content-type': 'application/json' } });
    const res = await request('GET', `${d.service}/api/resource`, { headers: { authorization: `bearer ${reg.json.credential}` } });
    expect(res.status, res.describe).toBe(200);
  });
});

describe('never a 5xx', () => {
  it('random JSON values to every JSON endpoint → a 4xx JSON error or a success, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...jsonEndpoints()), fc.jsonValue({ maxDepth: 3 }), async (url, body) => {
        const res = await request('POST', url, { body: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: 'Bearer ses_bogus' } });
        expect(res.status, res.describe).toBeLessThan(500);
        if (res.status >= 400) expectClientError(res);
      }),
      { numRuns: 150 },
    );
  });

  it('random registration-shaped bodies → never 5xx', async () => {
    const field = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }));
    const body = fc.record(
      {
        type: fc.oneof(fc.constantFrom('anonymous', 'identity_assertion'), field),
        assertion_type: fc.oneof(fc.constantFrom('verified_email', 'urn:ietf:params:oauth:token-type:id-jag'), field),
        assertion: fc.oneof(fc.constantFrom('a@b.co', 'a.b.c', 'eyJhbGciOiJub25lIn0.e30.', '..'), field),
        requested_credential_type: fc.oneof(fc.constantFrom('api_key', 'access_token'), field),
        claim_token: fc.oneof(fc.constant('clm_x'), field),
        claim_attempt_token: fc.oneof(fc.constant('cv_x'), field),
        otp: fc.oneof(fc.constant('123456'), field),
        email: fc.oneof(fc.constant('x@example.com'), field),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(d.registerUri, d.claimUri, d.challengeUri, d.completeUri), body, async (url, b) => {
        const res = await request('POST', url, { body: JSON.stringify(b), headers: { 'content-type': 'application/json' } });
        expect(res.status, res.describe).toBeLessThan(500);
        if (res.status >= 400) expectClientError(res);
      }),
      { numRuns: 200 },
    );
  });

  it('random form bodies at both token endpoints and random logout tokens → never 5xx', async () => {
    const form = fc.dictionary(fc.constantFrom('grant_type', 'assertion', 'subject_token', 'subject_token_type', 'requested_token_type', 'audience', 'resource', 'x'), fc.string(), { maxKeys: 6 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...tokenEndpoints()), form, async (url, f) => {
        const res = await request('POST', url, { body: new URLSearchParams(f).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        expect(res.status, res.describe).toBeLessThan(500);
        expectOAuthError(res, res.status, res.json?.error);
      }),
      { numRuns: 100 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string(), async (token) => {
        const res = await request('POST', d.revocationUri, { body: token, headers: { 'content-type': 'application/logout+jwt' } });
        expect(res.status, res.describe).toBe(400);
        expectClientError(res);
      }),
      { numRuns: 50 },
    );
  });

  it('odd query strings and methods on GET endpoints → never 5xx', async () => {
    const urls = [
      `${d.claimUri}/view?token=`,
      `${d.claimUri}/view?token=${'%'.repeat(3)}`,
      `${d.claimUri}/view?token=a&token=b`,
      `${provider}/consent`,
      `${provider}/consent?audience=%00`,
      `${host.urls.mailbox}/messages/does-not-exist`,
      `${host.urls.mailbox}/messages/%E0%A4%A`,
      `${d.service}/api/resource?access_token=x`,
    ];
    for (const url of urls) {
      const res = await request('GET', url);
      expect(res.status, res.describe).toBeLessThan(500);
    }
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const res = await request(method, d.registerUri, { body: '{}', headers: { 'content-type': 'application/json' } });
      expect(res.status, res.describe).toBeLessThan(500);
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
  });

  it('an Authorization header that is not Bearer → 401, never 5xx', async () => {
    for (const value of ['Basic Zm9vOmJhcg==', 'Bearer', 'Bearer ', 'bearer sk_test_x', '']) {
      const res = await request('GET', `${d.service}/api/resource`, { headers: value ? { authorization: value } : {} });
      expect(res.status, res.describe).toBe(401);
    }
  });
});
