import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestIssuer, startV06, type TestIssuer } from './helpers.js';

let issuer: TestIssuer;
let svc: Awaited<ReturnType<typeof startV06>>;
beforeAll(async () => {
  issuer = await startTestIssuer();
  svc = await startV06({ trustedIssuers: [issuer.url] });
});
afterAll(async () => {
  await svc.close();
  await issuer.close();
});

/** A small deterministic generator (mulberry32), so a failure names a reproducible seed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PATHS = ['/agent/identity', '/agent/identity/claim', '/oauth2/token', '/oauth2/revoke', '/agent/event/notify', '/login', '/logout', '/agent/identity/claim/complete', '/api/resource'];
const TYPES = ['application/json', 'application/x-www-form-urlencoded', 'application/secevent+jwt', 'text/plain', 'application/octet-stream', 'multipart/form-data; boundary=x'];
const VALUES: unknown[] = [null, true, 0, -1, 1e308, '', 'x', 'a.b.c', 'clm_x', 'cvt_' + 'A'.repeat(32), '123456', [], [1, 'a'], {}, { a: { b: [] } }, '__proto__', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'urn:workos:agent-auth:grant-type:claim'];
const FIELDS = ['type', 'login_hint', 'assertion', 'assertion_type', 'claim_token', 'email', 'grant_type', 'token', 'token_type_hint', 'claim_attempt_token', 'user_code', 'csrf_token', 'return_to', '__proto__', 'constructor'];

function body(next: () => number, type: string): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]!;
  const obj: Record<string, unknown> = {};
  for (let i = 0; i < 1 + Math.floor(next() * 4); i++) obj[pick(FIELDS)] = pick(VALUES);
  if (type.startsWith('application/json')) return next() < 0.2 ? '{"' + pick(FIELDS) : JSON.stringify(next() < 0.1 ? pick(VALUES) : obj);
  if (type.includes('urlencoded')) return Object.entries(obj).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&') + (next() < 0.3 ? `&${pick(FIELDS)}=1&${pick(FIELDS)}=2` : '');
  return next() < 0.5 ? String(pick(VALUES)) : Array.from({ length: 40 }, () => String.fromCharCode(Math.floor(next() * 256))).join('');
}

describe('v0.6 surfaces never answer 5xx to random input (PROTOCOL-v0.6.md preamble)', () => {
  it('300 random POSTs across every v0.6 endpoint, content type and body', async () => {
    const next = rng(20261201);
    const failures: string[] = [];
    for (let i = 0; i < 300; i++) {
      const path = PATHS[Math.floor(next() * PATHS.length)]!;
      const type = TYPES[Math.floor(next() * TYPES.length)]!;
      const payload = body(next, type);
      const r = await call(`${svc.url}${path}`, { method: 'POST', headers: { 'content-type': type, ...(next() < 0.3 ? { cookie: 'svc_session=' + encodeURIComponent(payload.slice(0, 20)) } : {}) }, body: payload, redirect: 'manual' });
      if (r.status >= 500) failures.push(`#${i} ${path} ${type} ${JSON.stringify(payload)} → ${r.status} ${r.text.slice(0, 120)}`);
    }
    expect(failures).toEqual([]);
  });

  it('random queries on the pages and discovery never 5xx', async () => {
    const next = rng(7);
    for (const path of ['/claim', '/login', '/.well-known/oauth-authorization-server', '/.well-known/jwks.json', '/api/resource']) {
      for (let i = 0; i < 10; i++) {
        const q = `claim_attempt_token=${encodeURIComponent(String(VALUES[Math.floor(next() * VALUES.length)]))}&return_to=${encodeURIComponent(['//x', '/\\x', 'http://e', '/ok'][i % 4]!)}&claim_attempt_token=2`;
        const r = await call(`${svc.url}${path}?${q}`, { redirect: 'manual' });
        expect(r.status, `${path}?${q}`).toBeLessThan(500);
      }
    }
  });
});
