import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, call, exchange, idJagRegister, mintIdJagV06, pollClaim, startClaimV06, startTestIssuer, startV06, type TestIssuer } from './helpers.js';
import { attemptTokenOf, Browser, formTokens } from './browser.js';

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

const big = 'x'.repeat(200_000);
const surfaces: { path: string; envelope: 'identity' | 'token' | 'event' | 'html' }[] = [
  { path: '/agent/identity', envelope: 'identity' },
  { path: '/agent/identity/claim', envelope: 'identity' },
  { path: '/oauth2/token', envelope: 'token' },
  { path: '/oauth2/revoke', envelope: 'token' },
  { path: '/agent/event/notify', envelope: 'event' },
  { path: '/login', envelope: 'html' },
  { path: '/agent/identity/claim/complete', envelope: 'html' },
];

function expectEnvelope(r: Awaited<ReturnType<typeof call>>, envelope: string) {
  expect(r.status, r.text).toBeGreaterThanOrEqual(400);
  expect(r.status, r.text).toBeLessThan(500);
  if (envelope === 'identity') expect(r.body).toEqual({ error: expect.any(String), message: expect.any(String) });
  if (envelope === 'token') expect(r.body).toEqual({ error: expect.any(String), error_description: expect.any(String) });
  if (envelope === 'event') expect(r.body).toEqual({ err: expect.any(String), description: expect.any(String) });
  expect(r.text).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
}

describe('never a 5xx for bad input (PROTOCOL-v0.6.md preamble, beyond)', () => {
  for (const { path, envelope } of surfaces) {
    it(`${path}: malformed JSON, wrong content type, oversized body → 4xx in the ${envelope} envelope`, async () => {
      const url = `${svc.url}${path}`;
      const bad = await call(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":' });
      expectEnvelope(bad, envelope);
      if (envelope !== 'html') expect(bad.status).toBe(400);
      expectEnvelope(await call(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }), envelope);
      const huge = await call(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ big }) });
      expectEnvelope(huge, envelope);
      expect(huge.status).toBe(413);
    });
  }

  it('a wrong method is 405 with Allow; an unknown path 404 — JSON, not HTML', async () => {
    const r = await call(`${svc.url}/agent/identity`);
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    expect((await call(`${svc.url}/agent/auth`, { method: 'POST' })).status).toBe(404); // the v0.1 path does not exist here
  });

  it('token endpoint: unknown or missing grant_type → unsupported_grant_type; JSON body → invalid_request; a provider ID-JAG → invalid_grant', async () => {
    const form = (fields: Record<string, string>) => call(`${svc.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    expect((await form({})).body.error).toBe('unsupported_grant_type');
    expect((await form({ grant_type: 'password' })).body.error).toBe('unsupported_grant_type');
    expect((await form({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' })).body.error).toBe('invalid_request');
    expect((await form({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: 'x', resource: 'not a url' })).body.error).toBe('invalid_request');
    expect((await form({ grant_type: 'urn:workos:agent-auth:grant-type:claim' })).body.error).toBe('invalid_request');
    const json = await call(`${svc.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"urn:ietf:params:oauth:grant-type:jwt-bearer"}' });
    expect(json.body.error).toBe('invalid_request');
    expect((await exchange(svc, await mintIdJagV06(issuer, svc))).body.error).toBe('invalid_grant');
    expect((await exchange(svc, 'not.a.jwt')).body.error).toBe('invalid_grant');
  });
});

describe('restart on a file database keeps v0.6 state', () => {
  it('the registration, the assertion key and the session secret survive', async () => {
    const dbFile = join(mkdtempSync(join(tmpdir(), 'svc06-')), 'service.db');
    const first = await startV06({ dbFile, trustedIssuers: [issuer.url] });
    const reg = await idJagRegister(first, await mintIdJagV06(issuer, first, { sub: 'persist', email: 'persist@example.com' }));
    expect(reg.status).toBe(200);
    const anon = (await anonymous(first)).body;
    const started = (await startClaimV06(first, anon.claim_token, 'persist@example.com')).body;
    const kid = (await call(`${first.url}/.well-known/jwks.json`)).body.keys[0].kid;
    const b = new Browser(first.url);
    await b.signIn('persist@example.com');
    const cookie = b.cookieHeader!;
    const token = attemptTokenOf(started.claim_attempt.verification_uri);
    const csrf = formTokens((await b.get(`/claim?claim_attempt_token=${token}`)).text)[0];
    await first.close();

    const second = await startV06({ dbFile, trustedIssuers: [issuer.url] });
    try {
      // A new port means a new issuer; the key and the rows are what must carry over.
      expect((await call(`${second.url}/.well-known/jwks.json`)).body.keys[0].kid).toBe(kid);
      // The JIT account persisted: another subject with its email now steps up.
      const again = await idJagRegister(second, await mintIdJagV06(issuer, second, { sub: 'persist-2', email: 'persist@example.com' }));
      expect(again.status).toBe(401);
      expect(again.body.error).toBe('interaction_required');
      expect((await pollClaim(second, anon.claim_token)).body.error).toBe('authorization_pending'); // the registration persisted
      const page = await call(`${second.url}/claim?claim_attempt_token=${token}`, { headers: { cookie }, redirect: 'manual' });
      expect(page.status).toBe(200); // the session cookie still verifies and the attempt is still live
      expect(page.text).toContain('persist@example.com');
      const done = await call(`${second.url}/agent/identity/claim/complete`, {
        method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ claim_attempt_token: token, user_code: started.claim_attempt.user_code, csrf_token: csrf }).toString(),
      });
      expect(done.status).toBe(200); // and the form token from before the restart
      expect((await pollClaim(second, anon.claim_token)).status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('§7: claim tokens, attempt tokens, user_codes and access tokens are stored only as hashes', async () => {
    const reg = (await anonymous(svc)).body;
    const started = (await startClaimV06(svc, reg.claim_token, 'hashes@example.com')).body;
    const token = (await exchange(svc, reg.identity_assertion)).body.access_token;
    const code = started.claim_attempt.user_code as string;
    const secrets = [reg.claim_token, attemptTokenOf(started.claim_attempt.verification_uri), token];
    const tables = svc.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    const dump = tables.map((t) => JSON.stringify(svc.db.prepare(`SELECT * FROM "${t}"`).all())).join('\n');
    for (const secret of secrets) expect(dump.includes(secret), secret).toBe(false);
    // A 6-digit code could hide inside a hex hash by chance, so look for it as a whole JSON value (string or number).
    expect([`"${code}"`, `:${Number(code)},`, `:${Number(code)}}`].filter((v) => dump.includes(v))).toEqual([]);
    expect(dump).toContain(reg.registration_id); // the dump is real: public ids are there
  });
});
