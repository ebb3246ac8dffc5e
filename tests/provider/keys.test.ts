import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { AUDIENCE, call, Clock, grantConsent, login, startProvider, type RunningProvider } from './helpers.js';

let p: RunningProvider | undefined;
let dir: string | undefined;
afterEach(async () => {
  await p?.close();
  p = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const kids = async (base: string) => ((await call('GET', `${base}/.well-known/jwks.json`)).json.keys as { kid: string }[]).map((k) => k.kid);

async function mint(base: string, session: string) {
  return (await call('POST', `${base}/id-jag`, { bearer: session, json: { audience: AUDIENCE } })).json.assertion as string;
}

describe('signing keys', () => {
  it('rotates: the new kid signs, the old stays published until its tokens expire, then is pruned', async () => {
    p = await startProvider();
    const { session_token } = await login(p.base, 'alice@example.com');
    await grantConsent(p.base, session_token, 'Always allow');
    const [oldKid] = await kids(p.base);
    const oldToken = await mint(p.base, session_token);
    expect(decodeProtectedHeader(oldToken).kid).toBe(oldKid);

    const { kid: newKid } = await p.handle.rotateKeys();
    expect(newKid).not.toBe(oldKid);
    expect(await kids(p.base)).toEqual([oldKid, newKid]);
    const newToken = await mint(p.base, session_token);
    expect(decodeProtectedHeader(newToken).kid).toBe(newKid);

    // A verifier fetching the JWKS now still verifies the token signed before the rotation.
    const jwks = createLocalJWKSet((await call('GET', `${p.base}/.well-known/jwks.json`)).json);
    await expect(jwtVerify(oldToken, jwks, { currentDate: new Date(p.clock.ms) })).resolves.toBeTruthy();
    await expect(jwtVerify(newToken, jwks, { currentDate: new Date(p.clock.ms) })).resolves.toBeTruthy();

    // ID tokens signed by the old key live an hour, so it stays past the ID-JAG lifetime...
    p.clock.advance(600);
    expect(await kids(p.base)).toEqual([oldKid, newKid]);
    // ...and is pruned once the longest-lived token it signed has expired (plus skew).
    p.clock.advance(3600);
    expect(await kids(p.base)).toEqual([newKid]);
    const inspected = p.handle.inspect().keys;
    expect(inspected).toEqual([expect.objectContaining({ kid: newKid, signing: true, retiredAt: null })]);
  });

  it('persists keys with mode 0600 and reloads them, with sessions and grants, after a restart', async () => {
    dir = mkdtempSync(join(tmpdir(), 'provider-'));
    const files = { dbFile: join(dir, 'provider.db'), keysFile: join(dir, 'keys', 'provider-keys.json') };
    const clock = new Clock();
    p = await startProvider({ ...files, clock });
    const { session_token } = await login(p.base, 'alice@example.com');
    await grantConsent(p.base, session_token, 'Always allow');
    const { kid: rotated } = await p.handle.rotateKeys();
    const before = await kids(p.base);
    const token = await mint(p.base, session_token);

    expect(statSync(files.keysFile).mode & 0o777).toBe(0o600);
    const onDisk = readFileSync(files.keysFile, 'utf8');
    expect(onDisk).toContain(rotated);
    expect(onDisk).not.toContain(session_token);

    await p.close();
    p = await startProvider({ ...files, clock });
    expect(await kids(p.base)).toEqual(before);
    // Same signing key after the restart, and the old token still verifies against the new process.
    expect(decodeProtectedHeader(await mint(p.base, session_token)).kid).toBe(rotated);
    const jwks = createLocalJWKSet((await call('GET', `${p.base}/.well-known/jwks.json`)).json);
    await expect(jwtVerify(token, jwks, { currentDate: new Date(clock.ms) })).resolves.toBeTruthy();
    // The session token and the grant survived (the database is a file).
    const grants = await call('GET', `${p.base}/grants`, { bearer: session_token });
    expect(grants.status).toBe(200);
    expect(grants.json.grants).toHaveLength(1);
    expect(statSync(files.keysFile).mode & 0o777).toBe(0o600);
  });

  it('refuses to start on an unreadable keys file rather than silently replacing the keys', async () => {
    dir = mkdtempSync(join(tmpdir(), 'provider-'));
    const keysFile = join(dir, 'provider-keys.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(keysFile, '{"keys": "nope"}', { mode: 0o600 });
    await expect(startProvider({ keysFile })).rejects.toThrow(/keys file/);
  });
});
