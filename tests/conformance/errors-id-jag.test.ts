/**
 * PROTOCOL.md §2 — every ID-JAG check, each with a token that breaks only that check,
 * at /agent/auth (400 {error, message}) and at the §5 token endpoint (400 invalid_grant).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_HOOK_TIMEOUT_MS, spawnHost, type RunningHost } from './support/host.js';
import { startTestProvider, type TestProvider } from './support/provider.js';
import { bearer, expectError, expectOAuthError, expectOk, get, parseBearerChallenge, postForm, postJson } from './support/http.js';
import { discover, ID_JAG_URN, JWT_BEARER, registerAnonymous, registerIdJag, writeResource, type Discovered } from './support/service.js';

let host: RunningHost;
let mfaHost: RunningHost;
let tp: TestProvider;
let d: Discovered;
let dm: Discovered;

beforeAll(async () => {
  tp = await startTestProvider();
  [host, mfaHost] = await Promise.all([
    spawnHost({ config: { service: { trustedIssuers: [tp.issuer] } } }),
    spawnHost({ config: { service: { trustedIssuers: [tp.issuer], requireMfa: true } } }),
  ]);
  d = await discover(host.urls.service);
  dm = await discover(mfaHost.urls.service);
}, HOST_HOOK_TIMEOUT_MS);
afterAll(async () => {
  await Promise.all([host?.stop(), mfaHost?.stop()]);
  await tp?.close();
}, 30_000);

const now = () => Math.floor(Date.now() / 1000);

/** [name, how to mint the bad token, expected code] — one check broken each. */
function badAssertions(): [string, () => Promise<string>, string][] {
  return [
    ['two-part JWT', async () => 'abc.def', 'invalid_request'],
    ['untrusted iss', () => tp.mintIdJag(d.issuer, { claims: { iss: 'https://untrusted.example' } }), 'invalid_issuer'],
    ['typ JWT', () => tp.mintIdJag(d.issuer, { header: { typ: 'JWT' } }), 'invalid_request'],
    ['no typ', () => tp.mintIdJag(d.issuer, { header: { typ: undefined } }), 'invalid_request'],
    ['alg none', () => tp.mintIdJag(d.issuer, { sign: 'none' }), 'invalid_request'],
    ['alg HS256', () => tp.mintIdJag(d.issuer, { sign: 'hs256' }), 'invalid_request'],
    ['signed by another key under our kid', () => tp.mintIdJag(d.issuer, { sign: 'forged' }), 'invalid_signature'],
    ['signed by an unpublished kid', async () => tp.mintIdJag(d.issuer, { sign: await tp.unpublishedKey() }), 'invalid_signature'],
    ['exp past the skew', () => tp.mintIdJag(d.issuer, { claims: { iat: now() - 600, exp: now() - 120 } }), 'expired'],
    ['iat beyond the skew in the future', () => tp.mintIdJag(d.issuer, { claims: { iat: now() + 600, exp: now() + 800 } }), 'invalid_request'],
    ['aud another AS', () => tp.mintIdJag('https://other-as.example', {}), 'invalid_audience'],
    ['resource not the PRM resource', () => tp.mintIdJag(d.issuer, { claims: { resource: 'https://other.example/api' } }), 'invalid_audience'],
    ['client_id missing', () => tp.mintIdJag(d.issuer, { claims: { client_id: undefined } }), 'invalid_client_id'],
    ['client_id CIMD with another jwks_uri', () => tp.mintIdJag(d.issuer, { claims: { client_id: tp.mismatchedClientId } }), 'invalid_client_id'],
    ['sub missing', () => tp.mintIdJag(d.issuer, { claims: { sub: undefined } }), 'invalid_request'],
    ['jti missing', () => tp.mintIdJag(d.issuer, { claims: { jti: undefined } }), 'invalid_request'],
    ['email_verified false', () => tp.mintIdJag(d.issuer, { claims: { email_verified: false } }), 'missing_verified_email'],
    ['email_verified "true" (a string)', () => tp.mintIdJag(d.issuer, { claims: { email_verified: 'true' } }), 'missing_verified_email'],
  ];
}

describe('§2 ID-JAG checks at POST /agent/auth', () => {
  for (const [name, mint, code] of badAssertions()) {
    it(`${name} → 400 ${code}`, async () => {
      expectError(await registerIdJag(d, await mint()), 400, code);
    });
  }

  it('within the clock skew is accepted (exp 30 s ago, iat 30 s ahead)', async () => {
    expectOk(await registerIdJag(d, await tp.mintIdJag(d.issuer, { claims: { iat: now() - 300, exp: now() - 30 } })));
    expectOk(await registerIdJag(d, await tp.mintIdJag(d.issuer, { claims: { iat: now() + 30, exp: now() + 300 } })));
  });

  it('resource equal to the PRM resource is accepted', async () => {
    expectOk(await registerIdJag(d, await tp.mintIdJag(d.issuer, { claims: { resource: d.prm.resource } })));
  });

  it('a verified phone number is enough without an email', async () => {
    const jag = await tp.mintIdJag(d.issuer, {
      claims: { email: undefined, email_verified: undefined, phone_number: '+15555550100', phone_number_verified: true },
    });
    expectOk(await registerIdJag(d, jag));
  });

  it('the same ID-JAG twice → 400 replay_detected', async () => {
    const jag = await tp.mintIdJag(d.issuer);
    expectOk(await registerIdJag(d, jag));
    expectError(await registerIdJag(d, jag), 400, 'replay_detected');
  });

  it('a jti used at /agent/auth is also spent at the token endpoint', async () => {
    const jag = await tp.mintIdJag(d.issuer);
    expectOk(await registerIdJag(d, jag));
    expectOAuthError(await postForm(d.tokenEndpoint, { grant_type: JWT_BEARER, assertion: jag }), 400, 'invalid_grant');
  });

  it('the first failing check wins (untrusted iss AND bad typ → invalid_issuer)', async () => {
    const jag = await tp.mintIdJag(d.issuer, { claims: { iss: 'https://untrusted.example' }, header: { typ: 'JWT' } });
    expectError(await registerIdJag(d, jag), 400, 'invalid_issuer');
  });

  it('checks run in the documented order: with two checks broken, the earlier one answers', async () => {
    const pairs: [string, () => Promise<string>, string][] = [
      ['bad typ + forged signature', () => tp.mintIdJag(d.issuer, { header: { typ: 'JWT' }, sign: 'forged' }), 'invalid_request'],
      ['forged signature + expired', () => tp.mintIdJag(d.issuer, { sign: 'forged', claims: { iat: now() - 900, exp: now() - 600 } }), 'invalid_signature'],
      ['expired + wrong aud', () => tp.mintIdJag('https://other-as.example', { claims: { iat: now() - 900, exp: now() - 600 } }), 'expired'],
      ['wrong aud + no client_id', () => tp.mintIdJag('https://other-as.example', { claims: { client_id: undefined } }), 'invalid_audience'],
      ['no client_id + no jti', () => tp.mintIdJag(d.issuer, { claims: { client_id: undefined, jti: undefined } }), 'invalid_client_id'],
      ['no sub + email unverified', () => tp.mintIdJag(d.issuer, { claims: { sub: undefined, email_verified: false } }), 'invalid_request'],
    ];
    for (const [name, mint, code] of pairs) {
      const res = await registerIdJag(d, await mint());
      expect(res.json?.error, `${name}: ${res.describe}`).toBe(code);
    }
  });

  it('client_id: a CIMD URL that does not resolve is invalid_client_id; a non-URL client_id is accepted', async () => {
    expectError(await registerIdJag(d, await tp.mintIdJag(d.issuer, { claims: { client_id: `${tp.issuer}/no-such-cimd.json` } })), 400, 'invalid_client_id');
    expectOk(await registerIdJag(d, await tp.mintIdJag(d.issuer, { claims: { client_id: 'conformance-agent' } })));
  });

  it('the same ID-JAG sent concurrently registers exactly once', async () => {
    const jag = await tp.mintIdJag(d.issuer);
    const results = await Promise.all(Array.from({ length: 6 }, () => registerIdJag(d, jag)));
    expect(results.filter((r) => r.status === 200).length, results.map((r) => r.describe).join('\n')).toBe(1);
    for (const r of results.filter((r) => r.status !== 200)) expectError(r, 400, 'replay_detected');
  });

  it('malformed registration requests → invalid_request', async () => {
    const cases = [
      {},
      { type: 'bogus' },
      { type: 'identity_assertion', assertion_type: 'saml', assertion: 'x', requested_credential_type: 'api_key' },
      { type: 'identity_assertion', assertion_type: ID_JAG_URN, requested_credential_type: 'api_key' },
      { type: 'identity_assertion', assertion_type: ID_JAG_URN, assertion: 42, requested_credential_type: 'api_key' },
      [],
      'a string',
    ];
    for (const body of cases) expectError(await postJson(d.registerUri, body), 400, 'invalid_request');
  });

  it('unsupported_credential_type', async () => {
    expectError(await postJson(d.registerUri, { type: 'anonymous', requested_credential_type: 'access_token' }), 400, 'unsupported_credential_type');
    expectError(await postJson(d.registerUri, { type: 'anonymous', requested_credential_type: 'password' }), 400, 'unsupported_credential_type');
    expectError(await registerIdJag(d, await tp.mintIdJag(d.issuer), 'refresh_token'), 400, 'unsupported_credential_type');
  });
});

describe('§2 policy: requireMfa', () => {
  it('amr without mfa → 400 insufficient_user_authentication', async () => {
    expectError(await registerIdJag(dm, await tp.mintIdJag(dm.issuer, { claims: { amr: ['pwd'] } })), 400, 'insufficient_user_authentication');
    expectError(await registerIdJag(dm, await tp.mintIdJag(dm.issuer)), 400, 'insufficient_user_authentication');
  });
  it('amr with mfa → 200', async () => {
    expectOk(await registerIdJag(dm, await tp.mintIdJag(dm.issuer, { claims: { amr: ['pwd', 'mfa'] } })));
  });
  it('the same token endpoint enforces the policy as invalid_grant', async () => {
    expectOAuthError(await postForm(dm.tokenEndpoint, { grant_type: JWT_BEARER, assertion: await tp.mintIdJag(dm.issuer, { claims: { amr: ['pwd'] } }) }), 400, 'invalid_grant');
  });
});

describe('§5 token endpoint errors (RFC 6749 §5.2)', () => {
  for (const [name, mint] of badAssertions()) {
    it(`${name} → 400 invalid_grant`, async () => {
      const res = await postForm(d.tokenEndpoint, { grant_type: JWT_BEARER, assertion: await mint() });
      // A two-part "JWT" may fairly be invalid_request or invalid_grant under RFC 6749; everything else is invalid_grant.
      if (name === 'two-part JWT' && res.json?.error === 'invalid_request') return expectOAuthError(res, 400, 'invalid_request');
      expectOAuthError(res, 400, 'invalid_grant');
    });
  }
  it('missing assertion → invalid_request; unknown grant_type → unsupported_grant_type', async () => {
    expectOAuthError(await postForm(d.tokenEndpoint, { grant_type: JWT_BEARER }), 400, 'invalid_request');
    expectOAuthError(await postForm(d.tokenEndpoint, { grant_type: 'password', username: 'a', password: 'b' }), 400, 'unsupported_grant_type');
  });
});

describe('§1 resource errors', () => {
  it('invalid_token and insufficient_scope', async () => {
    const res = await get(d.resourceUrl, bearer('sk_test_not_a_real_key'));
    expect(res.status, res.describe).toBe(401);
    expect(parseBearerChallenge(res.headers.get('www-authenticate')).error).toBe('invalid_token');
    const reg = await registerAnonymous(d);
    const w = await writeResource(d, reg.credential);
    expect(w.status, w.describe).toBe(403);
    expect(parseBearerChallenge(w.headers.get('www-authenticate'))).toMatchObject({ error: 'insufficient_scope', scope: 'api.write' });
    expect(w.json?.error, w.describe).toBe('insufficient_scope');
  });
});
