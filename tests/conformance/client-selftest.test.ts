/**
 * Self-test of the conformance client's own third-party provider: if these fail, a failure
 * elsewhere in this folder is a test bug, not an implementation bug.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { startTestProvider, type TestProvider, EVENT_REVOKED } from './support/provider.js';
import { claimLinkFrom } from './support/service.js';

let tp: TestProvider;
beforeAll(async () => {
  tp = await startTestProvider();
});
afterAll(async () => {
  await tp?.close();
});

describe('the test provider', () => {
  it('serves discovery, JWKS and a CIMD whose client_id is its own URL', async () => {
    const oc = await (await fetch(`${tp.issuer}/.well-known/openid-configuration`)).json();
    expect(oc).toMatchObject({ issuer: tp.issuer, jwks_uri: tp.jwksUri });
    const cimd = await (await fetch(tp.clientId)).json();
    expect(cimd).toMatchObject({ client_id: tp.clientId, jwks_uri: tp.jwksUri });
    const bad = (await (await fetch(tp.mismatchedClientId)).json()) as { jwks_uri?: string };
    expect(bad.jwks_uri).not.toBe(tp.jwksUri);
  });

  it('mints ID-JAGs that verify against its JWKS, and forged ones that do not', async () => {
    const jwks = createRemoteJWKSet(new URL(tp.jwksUri));
    const jag = await tp.mintIdJag('http://as.example');
    const { payload, protectedHeader } = await jwtVerify(jag, jwks, { issuer: tp.issuer, audience: 'http://as.example', typ: 'oauth-id-jag+jwt' });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: tp.kid });
    expect(payload).toMatchObject({ client_id: tp.clientId, email_verified: true, sub: expect.any(String), jti: expect.any(String) });
    expect(payload.exp! - payload.iat!).toBe(300);
    await expect(jwtVerify(await tp.mintIdJag('http://as.example', { sign: 'forged' }), jwks)).rejects.toThrow();
    expect(decodeProtectedHeader(await tp.mintIdJag('x', { sign: 'none' })).alg).toBe('none');
    expect(decodeProtectedHeader(await tp.mintIdJag('x', { sign: 'hs256' })).alg).toBe('HS256');
    const noClient = await tp.mintIdJag('x', { claims: { client_id: undefined } });
    expect(JSON.parse(Buffer.from(noClient.split('.')[1], 'base64url').toString())).not.toHaveProperty('client_id');
  });

  it('mints logout tokens with typ logout+jwt and the revoked event', async () => {
    const jwks = createRemoteJWKSet(new URL(tp.jwksUri));
    const { payload, protectedHeader } = await jwtVerify(await tp.mintLogoutToken('http://as.example', 'u1'), jwks);
    expect(protectedHeader.typ).toBe('logout+jwt');
    expect(payload).toMatchObject({ sub: 'u1', aud: 'http://as.example', events: { [EVENT_REVOKED]: {} } });
    expect(payload).not.toHaveProperty('nonce');
  });

  it('a key added later is published', async () => {
    const k = await tp.addKey();
    const jwks = createRemoteJWKSet(new URL(tp.jwksUri));
    await expect(jwtVerify(await tp.mintIdJag('a', { sign: k }), jwks)).resolves.toBeTruthy();
  });
});

describe('claim link extraction', () => {
  it('finds the link in prose and strips trailing punctuation', () => {
    const l = claimLinkFrom('Open http://127.0.0.1:1234/agent/auth/claim/view?token=cv_abc123. Thanks');
    expect(l).toEqual({ url: 'http://127.0.0.1:1234/agent/auth/claim/view?token=cv_abc123', token: 'cv_abc123' });
  });
});
