import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src-servers/protocol/constants.js';
import { call, expectError, startService, startTestIssuer, type TestIssuer, type TestService } from './helpers.js';

let svc: TestService;
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
  svc = await startService({ trustedIssuers: [issuer.url] });
});
afterAll(async () => {
  await svc.close();
  await issuer.close();
});

const POST_ENDPOINTS = [
  '/agent/auth', '/agent/auth/claim', '/agent/auth/claim/attempt/challenge', '/agent/auth/claim/complete',
  '/agent/auth/revoke', '/oauth2/token', '/api/resource',
];

function expectNoLeak(text: string) {
  expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/); // a stack frame
  expect(text).not.toMatch(/<html/i);
}

describe('a Host the service does not answer to (DNS rebinding)', () => {
  it('is 421 misdirected_request in the JSON envelope, before any route', async () => {
    const { request } = await import('node:http');
    const port = Number(new URL(svc.url).port);
    const r = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/resource', headers: { host: `evil.example:${port}` } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(r.status).toBe(421);
    expect(JSON.parse(r.text)).toMatchObject({ error: 'misdirected_request' });
    expect(r.text.includes('misdirected_request')).toBe(true);
  });
});

describe('bad input never gets a 5xx, HTML or a stack trace', () => {
  it('malformed JSON is 400 invalid_request on every JSON endpoint', async () => {
    for (const path of POST_ENDPOINTS.slice(0, 4)) {
      const r = await call(`${svc.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": "anonymous",' });
      expectError(r, 400, 'invalid_request');
      expectNoLeak(r.text);
    }
  });

  it('a JSON body that is not an object, or the wrong content type, is 400 invalid_request', async () => {
    for (const [body, type] of [['"anonymous"', 'application/json'], ['[1,2]', 'application/json'], ['null', 'application/json'], ['type=anonymous', 'application/x-www-form-urlencoded'], ['{"type":"anonymous"}', 'text/plain']]) {
      const r = await call(`${svc.url}/agent/auth`, { method: 'POST', headers: { 'content-type': type }, body });
      expectError(r, 400, 'invalid_request');
    }
    expectError(await call(`${svc.url}/agent/auth`, { method: 'POST' }), 400, 'invalid_request');
  });

  it('an oversized body is 413 with the JSON envelope, announced or chunked', async () => {
    const big = JSON.stringify({ type: 'anonymous', pad: 'x'.repeat(MAX_BODY_BYTES) });
    for (const path of POST_ENDPOINTS) {
      const r = await call(`${svc.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
      expect(r.status).toBe(413);
      expect(r.body.error).toBe(path === '/oauth2/token' ? 'invalid_request' : 'payload_too_large');
      expectNoLeak(r.text);
    }
    // Without Content-Length (a stream), the parser's limit still applies.
    const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(big)); c.close(); } });
    const r = await call(`${svc.url}/agent/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    expectError(r, 413, 'payload_too_large');
  });

  it('unsupported charsets and bad encodings are 400, not 415 or 500', async () => {
    const charset = await call(`${svc.url}/agent/auth`, { method: 'POST', headers: { 'content-type': 'application/json; charset=klingon' }, body: '{}' });
    expectError(charset, 400, 'invalid_request');
    const gzip = await call(`${svc.url}/agent/auth`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: 'not gzip' });
    expectError(gzip, 400, 'invalid_request');
  });

  it('fuzz: random bodies and content types on every POST endpoint answer < 500 with an error envelope', async () => {
    const contentTypes = fc.constantFrom(
      'application/json', 'application/x-www-form-urlencoded', 'application/logout+jwt', 'text/plain',
      'application/json; charset=utf-8', 'multipart/form-data; boundary=x', 'application/merge-patch+json', '',
    );
    const jsonish = fc.oneof(
      fc.json(),
      fc.string(),
      fc.record({
        type: fc.constantFrom('anonymous', 'identity_assertion', 'x', ''),
        assertion_type: fc.constantFrom('verified_email', 'urn:ietf:params:oauth:token-type:id-jag', 'x'),
        assertion: fc.oneof(fc.string(), fc.constant('a.b.c'), fc.emailAddress()),
        requested_credential_type: fc.constantFrom('api_key', 'access_token', 'x'),
        claim_token: fc.oneof(fc.string(), fc.constant('clm_x')),
        claim_attempt_token: fc.string(),
        email: fc.oneof(fc.emailAddress(), fc.string()),
        otp: fc.oneof(fc.string(), fc.integer({ min: 0, max: 999999 }).map((n) => String(n).padStart(6, '0'))),
        grant_type: fc.constantFrom('urn:ietf:params:oauth:grant-type:jwt-bearer', 'x'),
      }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
      fc.string().map((s) => `grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=${encodeURIComponent(s)}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...POST_ENDPOINTS), contentTypes, jsonish, async (path, type, body) => {
        const headers: Record<string, string> = type ? { 'content-type': type } : {};
        const r = await call(`${svc.url}${path}`, { method: 'POST', headers, body });
        expect(r.status).toBeGreaterThanOrEqual(200);
        expect(r.status).toBeLessThan(500);
        if (r.status >= 400) {
          expect(r.headers.get('content-type')).toMatch(/^application\/json/);
          expect(typeof r.body.error).toBe('string');
          expect(typeof (r.body.message ?? r.body.error_description)).toBe('string');
          expectNoLeak(r.text);
        }
      }),
      { numRuns: 300 },
    );
    expect(svc.logs).toEqual([]); // nothing reached the "unexpected error" path
  });
});
