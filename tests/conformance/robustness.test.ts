/** PROTOCOL.md preamble — bad input gets a clear JSON error: 400 for malformed JSON, 413 for big bodies, never 5xx. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { request as httpRequest } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { HOST_HOOK_TIMEOUT_MS, spawnHost, type RunningHost } from './support/host.js';
import { expectError, expectNoLeak, expectOAuthError, request, type Res } from './support/http.js';
import { discover, type Discovered } from './support/service.js';

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

/** Every JSON POST endpoint a client can reach. */
const jsonEndpoints = () => [d.registerUri, d.claimUri, d.challengeUri, d.completeUri, `${provider}/login`, `${provider}/grants`, `${provider}/id-jag`];
const tokenEndpoints = () => [d.tokenEndpoint, `${provider}/oauth2/token`];

function expectClientError(res: Res) {
  expect(res.status, res.describe).toBeGreaterThanOrEqual(400);
  expect(res.status, res.describe).toBeLessThan(500);
  expect(res.headers.get('content-type') ?? '', res.describe).toMatch(/^application\/json/);
  expect(typeof res.json?.error, res.describe).toBe('string');
  expectNoLeak(res);
}

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

/**
 * Issue 14: the fuzz reaches the provider's and the mailbox's endpoints too, and bodies as clients
 * really send them — compressed (gzip, deflate, br, an unknown or corrupt coding) and chunked in
 * random pieces. Every answer is a success or a 4xx; a 4xx from an API is the JSON envelope.
 */
describe('never a 5xx: provider and mailbox endpoints, compressed and chunked bodies', () => {
  let session = '';
  beforeAll(async () => {
    const login = await request('POST', `${provider}/login`, { body: '{"email":"alice@example.com"}', headers: { 'content-type': 'application/json' } });
    session = login.json.session_token;
  });

  /** A POST through node:http, the body in the given pieces: without a Content-Length it goes chunked (RFC 9112 §7.1). */
  function sendPieces(url: string, headers: Record<string, string>, pieces: Buffer[]): Promise<Res> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST', headers, timeout: 10_000 }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: any;
          try { json = JSON.parse(text); } catch { json = undefined; }
          const h = new Headers(Object.entries(r.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)] as [string, string]])));
          resolve({ status: r.statusCode ?? 0, headers: h, text, json, describe: `POST ${url} ${JSON.stringify(headers)} <${pieces.length} pieces>\n→ ${r.statusCode} ${text.slice(0, 300)}` });
        });
      });
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error('timeout')));
      for (const p of pieces) req.write(p);
      req.end();
    });
  }

  const encoders: Record<string, (b: Buffer) => Buffer> = {
    identity: (b) => b,
    gzip: (b) => gzipSync(b),
    deflate: (b) => deflateSync(b),
    br: (b) => brotliCompressSync(b),
    'gzip-corrupt': (b) => { const z = gzipSync(b); return z.subarray(0, Math.max(1, z.length - 4)); },
    'x-unknown': (b) => b,
  };
  const wire = (coding: string) => (coding === 'gzip-corrupt' ? 'gzip' : coding);

  /** Split a buffer at random cut points (fc-chosen fractions). */
  const split = (b: Buffer, cuts: number[]) => {
    const at = [...new Set(cuts.map((c) => Math.floor(c * b.length)))].sort((x, y) => x - y);
    const out: Buffer[] = [];
    let prev = 0;
    for (const i of at) { if (i > prev) { out.push(b.subarray(prev, i)); prev = i; } }
    out.push(b.subarray(prev));
    return out.filter((p) => p.length > 0);
  };

  it('random bodies, compressed and chunked, to every endpoint that reads one → a JSON 4xx or a success, never 5xx', async () => {
    const targets = () => [
      ...jsonEndpoints().map((url) => ({ url, type: 'application/json' })),
      { url: `${provider}/consent/requests`, type: 'application/json' },
      { url: `${provider}/lessons/id-jag`, type: 'application/json' },
      ...tokenEndpoints().map((url) => ({ url, type: 'application/x-www-form-urlencoded' })),
      { url: d.revocationUri, type: 'application/logout+jwt' },
    ];
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
      fc.dictionary(fc.constantFrom('grant_type', 'assertion', 'audience', 'email', 'type'), fc.string({ maxLength: 40 }), { maxKeys: 4 }).map((o) => new URLSearchParams(o).toString()),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...targets()), body, fc.constantFrom(...Object.keys(encoders)),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }), fc.boolean(),
        async (target, text, coding, cuts, withSession) => {
          const bytes = encoders[coding](Buffer.from(text));
          const headers: Record<string, string> = { 'content-type': target.type, ...(withSession ? { authorization: `Bearer ${session}` } : {}) };
          if (coding !== 'identity') headers['content-encoding'] = wire(coding);
          const res = await sendPieces(target.url, headers, split(bytes, cuts));
          expect(res.status, res.describe).toBeLessThan(500);
          if (res.status >= 400) {
            if (target.url.endsWith('/oauth2/token')) expectOAuthError(res, res.status, res.json?.error);
            else expectClientError(res);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('random methods, paths, queries and bodies on the provider and the mailbox → never 5xx', async () => {
    const mailbox = host.urls.mailbox;
    const segment = fc.oneof(fc.constantFrom('cr_x', 'grt_x', 'msg_x', '..', '%2e%2e', '%E0%A4%A', '%00', 'approve', 'deny', 'html'), fc.webSegment());
    const path = fc.tuple(
      fc.constantFrom(
        `${provider}/login`, `${provider}/grants`, `${provider}/id-jag`, `${provider}/oauth2/token`, `${provider}/consent`,
        `${provider}/consent/requests`, `${provider}/consent/approve`, `${provider}/consent/deny`, `${provider}/lessons/id-jag`,
        `${provider}/.well-known/jwks.json`, `${provider}/agent-auth.json`, provider,
        `${mailbox}/messages`, mailbox,
      ),
      fc.array(segment, { maxLength: 2 }),
      fc.oneof(fc.constant(''), fc.webQueryParameters().map((q) => `?${q}`), fc.constantFrom('?request=cr_x', '?audience=%00', '?links=post', '?audience=http://127.0.0.1:1&resource_name=<b>')),
    ).map(([base, segs, query]) => `${base}${segs.map((s) => `/${s}`).join('')}${query}`);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH'), path,
        fc.option(fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)), { nil: undefined }),
        fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=latin-9'),
        fc.constantFrom('none', 'bogus', 'session'),
        async (method, url, body, type, auth) => {
          const headers: Record<string, string> = {};
          if (body !== undefined && method !== 'GET') headers['content-type'] = type;
          if (auth === 'bogus') headers.authorization = 'Bearer ses_bogus';
          if (auth === 'session') headers.authorization = `Bearer ${session}`;
          // DELETE /messages empties this suite's own inbox: harmless here, and a real endpoint to fuzz.
          const res = await request(method, url, { body: method === 'GET' ? undefined : body, headers });
          expect(res.status, res.describe).toBeLessThan(500);
          const html = (res.headers.get('content-type') ?? '').startsWith('text/html');
          if (res.status >= 400 && !html && !url.includes('/oauth2/token')) expectClientError(res);
        },
      ),
      { numRuns: 250 },
    );
  });
});
