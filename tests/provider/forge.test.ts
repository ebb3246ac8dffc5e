import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mintIdJag } from '../../src-servers/provider/forge.js';
import { AUDIENCE, call, startProvider, type RunningProvider } from './helpers.js';

let p: RunningProvider;
let jwks: ReturnType<typeof createLocalJWKSet>;
beforeEach(async () => {
  p = await startProvider();
  jwks = createLocalJWKSet((await call('GET', `${p.base}/.well-known/jwks.json`)).json);
});
afterEach(() => p.close());

const verify = (t: string) => jwtVerify(t, jwks, { currentDate: new Date(p.clock.ms) });

describe('forge.mintIdJag (deliberately broken ID-JAGs for lessons)', () => {
  it('without breakage looks exactly like a real ID-JAG and verifies', async () => {
    const t = await mintIdJag(p.handle, { aud: AUDIENCE });
    const { payload, protectedHeader } = await verify(t);
    expect(protectedHeader).toEqual({ typ: 'oauth-id-jag+jwt', alg: 'ES256', kid: p.handle.signingKey().kid });
    expect(payload).toMatchObject({ iss: p.base, sub: 'usr_alice', aud: AUDIENCE, client_id: `${p.base}/agent-auth.json`, email_verified: true });
    expect(payload.exp! - payload.iat!).toBe(300);
  });

  it('bends claims: wrong audience, expired, a claim removed', async () => {
    const wrongAud = decodeJwt(await mintIdJag(p.handle, { aud: 'http://127.0.0.1:9999' }));
    expect(wrongAud.aud).toBe('http://127.0.0.1:9999');
    const t = p.clock.seconds;
    const expired = await mintIdJag(p.handle, { aud: AUDIENCE, iat: t - 900, exp: t - 600 });
    await expect(verify(expired)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    expect(decodeJwt(await mintIdJag(p.handle, { aud: AUDIENCE, jti: undefined }))).not.toHaveProperty('jti');
    await expect(mintIdJag(p.handle, {})).rejects.toThrow(/aud/);
  });

  it('breaks signatures: tampered payload, flipped signature, foreign key behind the real kid', async () => {
    const tampered = await mintIdJag(p.handle, { aud: AUDIENCE }, { tamper: true });
    expect(decodeJwt(tampered).email).toBe('mallory@example.com');
    await expect(verify(tampered)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    await expect(verify(await mintIdJag(p.handle, { aud: AUDIENCE }, { tamper: 'signature' }))).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
    const foreign = await mintIdJag(p.handle, { aud: AUDIENCE }, { signWithForeignKey: true });
    expect(decodeProtectedHeader(foreign).kid).toBe(p.handle.signingKey().kid);
    await expect(verify(foreign)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('bends headers: typ, alg none, symmetric alg', async () => {
    expect(decodeProtectedHeader(await mintIdJag(p.handle, { aud: AUDIENCE }, { headerOverrides: { typ: 'JWT' } })).typ).toBe('JWT');
    const none = await mintIdJag(p.handle, { aud: AUDIENCE }, { headerOverrides: { alg: 'none' } });
    expect(none.endsWith('.')).toBe(true);
    await expect(verify(none)).rejects.toThrow();
    const hs = await mintIdJag(p.handle, { aud: AUDIENCE }, { headerOverrides: { alg: 'HS256' } });
    expect(decodeProtectedHeader(hs).alg).toBe('HS256');
    await expect(verify(hs)).rejects.toThrow();
  });

  it('does not touch the real minting path: no grant is needed or consumed', async () => {
    await mintIdJag(p.handle, { aud: AUDIENCE });
    expect(p.handle.inspect().grants).toEqual([]);
  });
});
