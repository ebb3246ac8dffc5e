/**
 * PROTOCOL.md preamble, never a 5xx for bad input — the property-based fuzz beyond robustness.test.ts:
 * the provider's and the mailbox's endpoints, and bodies compressed and chunked as real clients send them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { request as httpRequest } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { HOST_HOOK_TIMEOUT_MS, spawnHost, type RunningHost } from './support/host.js';
import { expectClientError, expectNoLeak, expectOAuthError, request, type Res } from './support/http.js';
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
