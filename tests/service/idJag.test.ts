import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectError, getResource, postJson, postResource, registerWithIdJag, startService, startTestIssuer,
  type TestIssuer, type TestService,
} from './helpers.js';

let issuer: TestIssuer;
let svc: TestService;

beforeAll(async () => {
  issuer = await startTestIssuer();
  // No refetch cooldown: several tests here each prove one refetch on an unknown kid, seconds apart.
  svc = await startService({ trustedIssuers: [issuer.url], config: { jwksRefetchCooldownSeconds: 0 } });
});
afterAll(async () => {
  await svc.close();
  await issuer.close();
});

describe('ID-JAG registration (PROTOCOL.md §2)', () => {
  it('issues an access token with the post-claim scopes and no refresh token', async () => {
    const r = await registerWithIdJag(svc, await issuer.mintIdJag(svc.url));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ registration_type: 'agent-provider', credential_type: 'access_token', scopes: ['api.read', 'api.write'] });
    expect(r.body.registration_id).toMatch(/^reg_/);
    expect(r.body.credential).toMatch(/^at_/);
    expect(Date.parse(r.body.credential_expires)).toBeGreaterThan(Date.now());
    expect(r.body).not.toHaveProperty('refresh_token');
    expect(r.headers.get('cache-control')).toBe('no-store');

    const me = await getResource(svc, r.body.credential);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ registration_id: r.body.registration_id, registration_type: 'agent-provider', claimed: true, user: { email: 'alice@example.com' } });
    expect((await postResource(svc, r.body.credential)).status).toBe(201);
  });

  it('issues an API key without expiry when asked', async () => {
    const r = await registerWithIdJag(svc, await issuer.mintIdJag(svc.url), 'api_key');
    expect(r.status).toBe(200);
    expect(r.body.credential).toMatch(/^sk_test_/);
    expect(r.body.credential_expires).toBeNull();
  });

  it('matches the user by prior delegation, then by verified email, then by verified phone', async () => {
    const first = await registerWithIdJag(svc, await issuer.mintIdJag(svc.url, { sub: 'u-match', email: 'match@example.com' }));
    const who = async (credential: string) => (await getResource(svc, credential)).body.user.id as string;
    const userId = await who(first.body.credential);
    // Same (iss, sub), email changed at the provider: the delegation still wins.
    const again = await registerWithIdJag(svc, await issuer.mintIdJag(svc.url, { sub: 'u-match', email: 'changed@example.com' }));
    expect(await who(again.body.credential)).toBe(userId);
    // Another subject with the same verified email: same user.
    const byEmail = await registerWithIdJag(svc, await issuer.mintIdJag(svc.url, { sub: 'u-other', email: 'match@example.com' }));
    expect(await who(byEmail.body.credential)).toBe(userId);
    // Verified phone only, no email: matched by phone on the second subject.
    const phone = { email: undefined, email_verified: false, phone_number: '+15550100', phone_number_verified: true };
    const p1 = await registerWithIdJag(svc, await issuer.mintIdJag(svc.url, { sub: 'u-phone-1', ...phone }));
    const p2 = await registerWithIdJag(svc, await issuer.mintIdJag(svc.url, { sub: 'u-phone-2', ...phone }));
    expect(p1.status).toBe(200);
    expect(await who(p2.body.credential)).toBe(await who(p1.body.credential));
    expect(await who(p1.body.credential)).not.toBe(userId);
    // An unverified email never matches anyone.
    const unverified = await registerWithIdJag(svc, await issuer.mintIdJag(svc.url, {
      sub: 'u-unverified', email: 'match@example.com', email_verified: false, phone_number: '+15550199', phone_number_verified: true,
    }));
    expect(await who(unverified.body.credential)).not.toBe(userId);
  });

  it('refetches the JWKS once when the provider rotates its key', async () => {
    await registerWithIdJag(svc, await issuer.mintIdJag(svc.url)); // the old key is cached now
    const before = issuer.state.jwksFetches;
    await issuer.rotate();
    const r = await registerWithIdJag(svc, await issuer.mintIdJag(svc.url));
    expect(r.status).toBe(200);
    expect(issuer.state.jwksFetches).toBe(before + 1);
  });

  it('accepts the same ID-JAG exactly once when it is sent ten times in parallel', async () => {
    const jwt = await issuer.mintIdJag(svc.url);
    const replies = await Promise.all(Array.from({ length: 10 }, () => registerWithIdJag(svc, jwt)));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of replies.filter((r) => r.status !== 200)) expectError(r, 400, 'replay_detected');
  });

  it('accepts a client_id that is not a URL without fetching a CIMD', async () => {
    const r = await registerWithIdJag(svc, await issuer.mintIdJag(svc.url, { client_id: 'agent-platform-42' }));
    expect(r.status).toBe(200);
  });
});

describe('ID-JAG checks, in the order of PROTOCOL.md §2', () => {
  const register = (assertion: string) => registerWithIdJag(svc, assertion);

  it('invalid_request: not a JWT, bad JSON inside, unknown assertion_type', async () => {
    expectError(await register('not-a-jwt'), 400, 'invalid_request');
    expectError(await register('a.b'), 400, 'invalid_request');
    expectError(await register('eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.c2ln'), 400, 'invalid_request');
    expectError(await postJson(`${svc.url}/agent/auth`, { type: 'identity_assertion', assertion_type: 'saml2', assertion: 'x' }), 400, 'invalid_request');
    expectError(await postJson(`${svc.url}/agent/auth`, { type: 'identity_assertion', assertion_type: 'verified_email' }), 400, 'invalid_request');
    expectError(await postJson(`${svc.url}/agent/auth`, { type: 'telepathy' }), 400, 'invalid_request');
  });

  it('invalid_issuer: an issuer not on the trust list, checked before anything is fetched', async () => {
    const stranger = await startTestIssuer();
    try {
      expectError(await register(await stranger.mintIdJag(svc.url)), 400, 'invalid_issuer');
      expect(stranger.state.jwksFetches).toBe(0);
    } finally {
      await stranger.close();
    }
  });

  it('invalid_request: wrong typ, or a symmetric / none alg', async () => {
    expectError(await register(await issuer.mintIdJag(svc.url, {}, { header: { typ: 'JWT' } })), 400, 'invalid_request');
    // An ID token or logout token must not pass as an ID-JAG.
    expectError(await register(await issuer.mintIdJag(svc.url, {}, { header: { typ: 'logout+jwt' } })), 400, 'invalid_request');
    const [h, p] = (await issuer.mintIdJag(svc.url)).split('.');
    const header = (alg: string) => Buffer.from(JSON.stringify({ alg, typ: 'oauth-id-jag+jwt' })).toString('base64url');
    expectError(await register(`${header('none')}.${p}.`), 400, 'invalid_request');
    expectError(await register(`${header('HS256')}.${p}.${h}`), 400, 'invalid_request');
  });

  it('accepts the typ with the application/ prefix and any letter case (RFC 7515 §4.1.9)', async () => {
    const r = await register(await issuer.mintIdJag(svc.url, {}, { header: { typ: 'application/OAuth-ID-JAG+JWT' } }));
    expect(r.status).toBe(200);
  });

  it('invalid_signature: tampered claims', async () => {
    const [h, , s] = (await issuer.mintIdJag(svc.url)).split('.');
    const forged = Buffer.from(JSON.stringify({
      iss: issuer.url, sub: 'user-mallory', aud: svc.url, client_id: issuer.cimdUrl, jti: 'forged-1',
      iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 300, email: 'mallory@example.com', email_verified: true,
    })).toString('base64url');
    expectError(await register(`${h}.${forged}.${s}`), 400, 'invalid_signature');
  });

  it('invalid_signature: a kid the issuer does not publish, even after one refetch', async () => {
    const forger = await issuer.unpublishedKey();
    const before = issuer.state.jwksFetches;
    expectError(await register(await issuer.mintIdJag(svc.url, {}, { key: forger })), 400, 'invalid_signature');
    expect(issuer.state.jwksFetches).toBe(before + 1);
  });

  it('invalid_signature: the right kid but the wrong key', async () => {
    const forger = await issuer.unpublishedKey();
    const published = ((await (await fetch(issuer.jwksUri)).json()) as { keys: { kid: string }[] }).keys.at(-1)!.kid;
    expectError(await register(await issuer.mintIdJag(svc.url, {}, { key: forger, header: { kid: published } })), 400, 'invalid_signature');
  });

  it('expired, within and beyond the clock skew; iat in the future is invalid_request', async () => {
    const now = Math.floor(Date.now() / 1000);
    expectError(await register(await issuer.mintIdJag(svc.url, {}, { nowSeconds: now - 400, ttlSeconds: 300 })), 400, 'expired');
    // Expired 30 s ago: inside the default 60 s skew, still accepted.
    expect((await register(await issuer.mintIdJag(svc.url, {}, { nowSeconds: now - 330, ttlSeconds: 300 }))).status).toBe(200);
    expectError(await register(await issuer.mintIdJag(svc.url, {}, { nowSeconds: now + 600 })), 400, 'invalid_request');
    expectError(await register(await issuer.mintIdJag(svc.url, {}, { omit: ['exp'] })), 400, 'invalid_request');
  });

  // Issue 14 #11: exp 1e300 with iat 0 used to be accepted, its replay row living forever.
  it('invalid_request: a lifetime (exp − iat) beyond idJagMaxLifetimeSeconds (default 1 h)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const r = await register(await issuer.mintIdJag(svc.url, { iat: now, exp: 1e300 }));
    expectError(r, 400, 'invalid_request');
    expect(r.body.message).toMatch(/at most 3600 s/);
    expectError(await register(await issuer.mintIdJag(svc.url, {}, { nowSeconds: now, ttlSeconds: 3601 })), 400, 'invalid_request');
    expect((await register(await issuer.mintIdJag(svc.url, {}, { nowSeconds: now, ttlSeconds: 3600 }))).status).toBe(200);
  });

  // Issue 14 #11: a verified `email` that is not an address (or not a string) used to reach user matching.
  it('invalid_request: email_verified with an email claim that is not an address', async () => {
    for (const email of ['not-an-address', 'a@', 42, ['alice@example.com'], { x: 1 }, '']) {
      const r = await register(await issuer.mintIdJag(svc.url, { sub: `bad-email-${JSON.stringify(email)}`, email }));
      expectError(r, 400, 'invalid_request');
      expect(r.body.message).toMatch(/not an email address/);
    }
  });

  it('invalid_audience: aud of another service, or resource of another API', async () => {
    expectError(await register(await issuer.mintIdJag('http://127.0.0.1:1')), 400, 'invalid_audience');
    expectError(await register(await issuer.mintIdJag(svc.url, { resource: 'http://127.0.0.1:1/api/resource' })), 400, 'invalid_audience');
    expect((await register(await issuer.mintIdJag(svc.url, {}, { omit: ['resource'] }))).status).toBe(200);
  });

  it('invalid_client_id: missing, or a CIMD whose jwks_uri is not the issuer\'s', async () => {
    expectError(await register(await issuer.mintIdJag(svc.url, {}, { omit: ['client_id'] })), 400, 'invalid_client_id');
    const other = await startTestIssuer();
    try {
      // A CIMD served elsewhere, naming a different jwks_uri.
      expectError(await register(await issuer.mintIdJag(svc.url, { client_id: other.cimdUrl })), 400, 'invalid_client_id');
    } finally {
      await other.close();
    }
    expectError(await register(await issuer.mintIdJag(svc.url, { client_id: `${issuer.url}/nowhere.json` })), 400, 'invalid_client_id');
  });

  it('invalid_request: no sub or no jti; replay_detected: the same jti twice', async () => {
    expectError(await register(await issuer.mintIdJag(svc.url, {}, { omit: ['sub'] })), 400, 'invalid_request');
    expectError(await register(await issuer.mintIdJag(svc.url, {}, { omit: ['jti'] })), 400, 'invalid_request');
    const jwt = await issuer.mintIdJag(svc.url);
    expect((await register(jwt)).status).toBe(200);
    expectError(await register(jwt), 400, 'replay_detected');
  });

  it('a token refused by a rule after the replay check has still spent its jti: sent again, it is replay_detected (issue 19: the jti now commits with the registration)', async () => {
    const jwt = await issuer.mintIdJag(svc.url, { sub: 'carol', email: 'carol@example.com', email_verified: false });
    expectError(await register(jwt), 400, 'missing_verified_email');
    expectError(await register(jwt), 400, 'replay_detected');
    // …and a registration's jti, committed with it, is spent too.
    const ok = await issuer.mintIdJag(svc.url);
    expect((await register(ok)).status).toBe(200);
    expectError(await register(ok), 400, 'replay_detected');
  });

  it('missing_verified_email: neither email nor phone verified (carol)', async () => {
    expectError(await register(await issuer.mintIdJag(svc.url, { sub: 'carol', email: 'carol@example.com', email_verified: false })), 400, 'missing_verified_email');
  });

  it('the first failing rule wins: an untrusted, expired, mis-addressed token is invalid_issuer', async () => {
    const stranger = await startTestIssuer();
    try {
      const jwt = await stranger.mintIdJag('http://127.0.0.1:1', {}, { nowSeconds: 1_000_000 });
      expectError(await register(jwt), 400, 'invalid_issuer');
    } finally {
      await stranger.close();
    }
  });

  it('unsupported_credential_type: a credential type the service does not issue', async () => {
    expectError(await registerWithIdJag(svc, await issuer.mintIdJag(svc.url), 'password'), 400, 'unsupported_credential_type');
  });
});

describe('ID-JAG policy and configuration', () => {
  it('insufficient_user_authentication when requireMfa and amr lacks "mfa" (bob)', async () => {
    const strict = await startService({ trustedIssuers: [issuer.url], config: { requireMfa: true } });
    try {
      expectError(await registerWithIdJag(strict, await issuer.mintIdJag(strict.url, { sub: 'bob', email: 'bob@example.com', amr: ['pwd'] })), 400, 'insufficient_user_authentication');
      expect((await registerWithIdJag(strict, await issuer.mintIdJag(strict.url))).status).toBe(200); // alice has mfa
    } finally {
      await strict.close();
    }
  });

  it('id_jag_not_enabled when the ID-JAG method is turned off', async () => {
    const off = await startService({ trustedIssuers: [issuer.url], config: { identityTypes: { idJag: false } } });
    try {
      expectError(await registerWithIdJag(off, await issuer.mintIdJag(off.url)), 400, 'id_jag_not_enabled');
    } finally {
      await off.close();
    }
  });
});
