import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, login, startProvider, type RunningProvider } from './helpers.js';
import { createLocalJWKSet, jwtVerify } from 'jose';

let p: RunningProvider;
beforeEach(async () => {
  p = await startProvider();
});
afterEach(() => p.close());

describe('sign-in', () => {
  it('signs in a seeded user with a session token, the user and an ID token', async () => {
    const r = await call('POST', `${p.base}/login`, { json: { email: 'alice@example.com' } });
    expect(r.status).toBe(200);
    expect(r.json.session_token).toMatch(/^ses_/);
    expect(r.json.user).toEqual({ id: 'usr_alice', email: 'alice@example.com', name: 'Alice Example', email_verified: true, amr: ['mfa'] });
    // A normal OIDC ID token for our agent client (OIDC Core §2).
    const jwks = (await call('GET', `${p.base}/.well-known/jwks.json`)).json;
    const { payload, protectedHeader } = await jwtVerify(r.json.id_token, createLocalJWKSet(jwks), {
      issuer: p.base,
      audience: `${p.base}/agent-auth.json`,
      currentDate: new Date(p.clock.ms),
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({ sub: 'usr_alice', email: 'alice@example.com', email_verified: true, amr: ['mfa'] });
  });

  it('matches emails case-insensitively and knows bob and carol', async () => {
    expect((await login(p.base, 'ALICE@example.com')).user.id).toBe('usr_alice');
    const bob = await call('POST', `${p.base}/login`, { json: { email: 'bob@example.com' } });
    expect(bob.json.user).toMatchObject({ email_verified: true, amr: ['pwd'] });
    const carol = await call('POST', `${p.base}/login`, { json: { email: 'carol@example.com' } });
    expect(carol.json.user).toMatchObject({ email_verified: false });
  });

  it('answers 401 unknown_user for anyone else', async () => {
    const r = await call('POST', `${p.base}/login`, { json: { email: 'mallory@example.com' } });
    expect(r.status).toBe(401);
    expect(r.json.error).toBe('unknown_user');
    expect(typeof r.json.message).toBe('string');
  });

  it('stores session tokens only as hashes', async () => {
    const { session_token } = await login(p.base, 'alice@example.com');
    const dump = JSON.stringify(p.db.prepare('SELECT * FROM sessions').all());
    expect(dump).not.toContain(session_token);
  });
});

describe('discovery', () => {
  it('publishes OIDC metadata, a CIMD whose client_id is its own URL, and a cacheable JWKS', async () => {
    const conf = (await call('GET', `${p.base}/.well-known/openid-configuration`)).json;
    expect(conf).toMatchObject({
      issuer: p.base,
      jwks_uri: `${p.base}/.well-known/jwks.json`,
      token_endpoint: `${p.base}/oauth2/token`,
    });
    const cimdUrl = `${p.base}/agent-auth.json`;
    const cimd = (await call('GET', cimdUrl)).json;
    expect(cimd.client_id).toBe(cimdUrl);
    expect(cimd.jwks_uri).toBe(conf.jwks_uri);
    expect(typeof cimd.client_name).toBe('string');

    const jwks = await call('GET', conf.jwks_uri);
    expect(jwks.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(jwks.json.keys).toHaveLength(1);
    const [key] = jwks.json.keys;
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(typeof key.kid).toBe('string');
    expect(key.d).toBeUndefined(); // never the private part
  });

  it('has a landing page that says what it is', async () => {
    const r = await call('GET', `${p.base}/`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.text).toContain('Agent Provider');
    expect(r.text).toContain('ID-JAG');
  });
});
