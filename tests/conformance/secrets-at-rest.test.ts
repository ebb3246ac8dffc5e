/**
 * PROTOCOL.md §7 — secrets at rest, checked from outside: after a real run with --data-dir, no file
 * the host wrote holds a plaintext API key, claim token, access token or logout token, and the data
 * dir is 0700 with every file in it 0600.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HOST_HOOK_TIMEOUT_MS, spawnHost, tempDir, type RunningHost } from './support/host.js';
import { startTestProvider, type TestProvider } from './support/provider.js';
import { expectOk, request } from './support/http.js';
import { challenge, complete, discover, registerAnonymous, registerIdJag, startClaim, uniqueEmail } from './support/service.js';

let host: RunningHost;
let tp: TestProvider;
const dataDir = tempDir('conformance-secrets-');
const secrets: Record<string, string> = {};
let attemptToken = '';

beforeAll(async () => {
  tp = await startTestProvider();
  host = await spawnHost({ dataDir, config: { service: { trustedIssuers: [tp.issuer] } } });
  const d = await discover(host.urls.service);
  const anon = await registerAnonymous(d);
  secrets['API key'] = anon.credential;
  secrets['claim token'] = anon.claim_token;
  const { link } = await startClaim(d, host.urls.mailbox, anon.claim_token, uniqueEmail('secrets'));
  attemptToken = link.token;
  const otp = (await challenge(d, link.token)).json.challenge;
  expectOk(await complete(d, anon.claim_token, otp));
  const assertion = await tp.mintIdJag(d.issuer);
  const reg = await registerIdJag(d, assertion, 'access_token');
  expectOk(reg);
  secrets['access token'] = reg.json.credential;
  // The provider withdraws consent: its logout token is a bearer proof too (PROTOCOL.md §4).
  const sub = JSON.parse(Buffer.from(assertion.split('.')[1], 'base64url').toString()).sub;
  const logoutToken = await tp.mintLogoutToken(d.issuer, sub);
  expectOk(await request('POST', d.revocationUri, { body: logoutToken, headers: { 'content-type': 'application/logout+jwt' } }));
  secrets['logout token'] = logoutToken;
  // Stop so every write (WAL included) is on disk.
  expect(await host.stop()).toEqual({ code: 0, signal: null });
}, HOST_HOOK_TIMEOUT_MS);
afterAll(async () => {
  await host?.stop();
  await tp?.close();
}, 30_000);

function files(): string[] {
  return readdirSync(dataDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as any).path, e.name));
}

describe('§7 secrets at rest', () => {
  it('no file in the data dir holds a plaintext API key, claim token or access token', () => {
    const found: string[] = [];
    for (const file of files()) {
      const bytes = readFileSync(file).toString('latin1');
      for (const [what, value] of Object.entries(secrets)) if (bytes.includes(value)) found.push(`${what} in ${file.slice(dataDir.length + 1)}`);
    }
    expect(found, 'plaintext secrets on disk').toEqual([]);
  });

  it('the claim-attempt token is on disk only in the user\'s inbox (the email carries it)', () => {
    const found = files()
      .filter((f) => readFileSync(f).toString('latin1').includes(attemptToken))
      .map((f) => f.slice(dataDir.length + 1))
      .filter((f) => !/^mailbox/.test(f));
    expect(found, 'plaintext claim-attempt token outside the mailbox').toEqual([]);
  });

  // Issue 14 #10: databases used to be created 0644 in a 0755 data dir.
  it('the data dir is 0700 and every file in it 0600 (databases and their WAL included)', () => {
    expect((statSync(dataDir).mode & 0o777).toString(8)).toBe('700');
    const all = files();
    expect(all.some((f) => f.endsWith('service.db'))).toBe(true);
    for (const f of all) expect((statSync(f).mode & 0o777).toString(8), f).toBe('600');
  });

  it('every file holding a private JWK is mode 0600', () => {
    const keyFiles = files().filter((f) => /"d"\s*:\s*"/.test(readFileSync(f).toString('latin1')));
    expect(keyFiles.length, 'the provider persists its signing key in the data dir').toBeGreaterThan(0);
    for (const f of keyFiles) expect((statSync(f).mode & 0o777).toString(8), f).toBe('600');
  });
});
