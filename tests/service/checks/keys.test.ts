/**
 * Failure modes of the rules that need the issuer's documents: the signature (row 4), the client_id
 * and its CIMD (row 8), and the issuer's tenant rate limit step. Real ES256 keys and jose-signed
 * JWTs; the issuer's documents are served by an in-memory fetch so fetches can be counted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src-servers/protocol/errors.js';
import { verifyIdJag } from '../../../src-servers/service/checks/index.js';
import { checkClientId } from '../../../src-servers/service/checks/clientId.js';
import { checkSignature } from '../../../src-servers/service/checks/signature.js';
import { checkTenantRateLimit } from '../../../src-servers/service/checks/tenantRateLimit.js';
import { CLIENT_ID, codeOf, ISSUER, JWKS_URI, mint, newKey, NOW, presented, testEnv, type Keys } from './support.js';

let k1: Keys;
let k2: Keys;
beforeAll(async () => {
  [k1, k2] = await Promise.all([newKey('k1'), newKey('k2')]);
});

describe('checkSignature (row 4)', () => {
  it('invalid_signature: claims altered after signing', async () => {
    const { env } = testEnv({ published: [k1] });
    const token = await presented(k1);
    const [h, , s] = token.jwt.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...token.claims, sub: 'usr_mallory' })).toString('base64url')}.${s}`;
    expect(await codeOf(() => checkSignature({ ...token, jwt: forged }, ISSUER, env))).toBe('invalid_signature');
  });

  it('invalid_signature: the published kid, signed with another key', async () => {
    const { env } = testEnv({ published: [k1] });
    const token = await presented({ ...k2, kid: 'k1' });
    expect(await codeOf(() => checkSignature(token, ISSUER, env))).toBe('invalid_signature');
  });

  it('invalid_signature: an unpublished kid, after exactly one refetch of the JWKS', async () => {
    const { env, docs } = testEnv({ published: [k1] });
    await checkSignature(await presented(k1), ISSUER, env);
    expect(docs.hits(JWKS_URI)).toBe(1);
    expect(await codeOf(async () => checkSignature(await presented(k2), ISSUER, env))).toBe('invalid_signature');
    expect(docs.hits(JWKS_URI)).toBe(2);
  });

  it('passes a key rotated in since the JWKS was cached (one refetch)', async () => {
    const { env, docs } = testEnv({ published: [k1] });
    await checkSignature(await presented(k1), ISSUER, env);
    docs.published.push(k2);
    expect(await codeOf(async () => checkSignature(await presented(k2), ISSUER, env))).toBeUndefined();
    expect(docs.hits(JWKS_URI)).toBe(2);
  });

  it('refetches a cached JWKS only once it is older than its max age, by the injected clock', async () => {
    let clock = NOW;
    const { env, docs } = testEnv({ published: [k1], now: () => clock });
    await checkSignature(await presented(k1), ISSUER, env);
    clock += 9 * 60_000;
    await checkSignature(await presented(k1), ISSUER, env);
    expect(docs.hits(JWKS_URI)).toBe(1);
    clock += 2 * 60_000;
    await checkSignature(await presented(k1), ISSUER, env);
    expect(docs.hits(JWKS_URI)).toBe(2);
  });

  it('invalid_signature: the JWKS cannot be fetched', async () => {
    const { env, docs } = testEnv({ published: [k1] });
    docs.docs.set(`${ISSUER}/.well-known/openid-configuration`, { issuer: ISSUER, jwks_uri: `${ISSUER}/gone.json` });
    expect(await codeOf(async () => checkSignature(await presented(k1), ISSUER, env))).toBe('invalid_signature');
  });

  it('invalid_signature: the discovery document names another issuer (OIDC Discovery §4.3)', async () => {
    const { env, docs } = testEnv({ published: [k1] });
    docs.docs.set(`${ISSUER}/.well-known/openid-configuration`, { issuer: 'https://evil.example', jwks_uri: JWKS_URI });
    expect(await codeOf(async () => checkSignature(await presented(k1), ISSUER, env))).toBe('invalid_signature');
  });

  it('invalid_signature: no discovery document at all', async () => {
    const { env, docs } = testEnv({ published: [k1] });
    docs.docs.delete(`${ISSUER}/.well-known/openid-configuration`);
    docs.jwks.uri = null; // nor a JWKS at the conventional path (that case passes: see below)
    expect(await codeOf(async () => checkSignature(await presented(k1), ISSUER, env))).toBe('invalid_signature');
  });

  it('finds the keys through RFC 8414 metadata when there is no OIDC discovery document', async () => {
    const { env, docs } = testEnv({ published: [k1] });
    docs.docs.delete(`${ISSUER}/.well-known/openid-configuration`);
    docs.docs.set(`${ISSUER}/.well-known/oauth-authorization-server`, { issuer: ISSUER, jwks_uri: JWKS_URI });
    expect(await codeOf(async () => checkSignature(await presented(k1), ISSUER, env))).toBeUndefined();
  });
});

describe('checkClientId (row 8)', () => {
  it.each([
    ['no client_id', { client_id: undefined }],
    ['an empty client_id', { client_id: '' }],
    ['a CIMD URL that does not answer', { client_id: `${ISSUER}/missing.json` }],
  ])('invalid_client_id: %s', async (_name, claims) => {
    const { env } = testEnv({ published: [k1] });
    const token = await presented(k1, claims);
    expect(await codeOf(() => checkClientId(token, ISSUER, env))).toBe('invalid_client_id');
  });

  it('invalid_client_id: the CIMD names another client_id (CIMD §4.1)', async () => {
    const { env, docs } = testEnv({ published: [k1] });
    docs.docs.set(CLIENT_ID, { client_id: 'https://other.example/agent.json', jwks_uri: JWKS_URI });
    expect(await codeOf(async () => checkClientId(await presented(k1), ISSUER, env))).toBe('invalid_client_id');
  });

  it("invalid_client_id: the CIMD's jwks_uri is not the issuer's", async () => {
    const { env, docs } = testEnv({ published: [k1] });
    docs.docs.set(CLIENT_ID, { client_id: CLIENT_ID, jwks_uri: 'https://other.example/jwks.json' });
    expect(await codeOf(async () => checkClientId(await presented(k1), ISSUER, env))).toBe('invalid_client_id');
  });

  it('passes a matching CIMD, and a client_id that is not a URL without fetching anything', async () => {
    const { env, docs } = testEnv({ published: [k1] });
    expect(await codeOf(async () => checkClientId(await presented(k1), ISSUER, env))).toBeUndefined();
    expect(await codeOf(async () => checkClientId(await presented(k1, { client_id: 'agent-123' }), ISSUER, env))).toBeUndefined();
    expect(docs.hits(CLIENT_ID)).toBe(1);
  });
});

describe('checkTenantRateLimit (the ID-JAG pipeline step)', () => {
  it('rate_limited with Retry-After once the issuer has used its hourly bucket', async () => {
    const { env } = testEnv({ published: [k1], config: { rateLimits: { identityAssertionPerTenantPerHour: 2 } } });
    checkTenantRateLimit(ISSUER, env);
    checkTenantRateLimit(ISSUER, env);
    let error: unknown;
    try {
      checkTenantRateLimit(ISSUER, env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: 'rate_limited', headers: { 'Retry-After': expect.stringMatching(/^\d+$/) } });
    expect(await codeOf(() => checkTenantRateLimit('https://other.example', env))).toBeUndefined(); // its own bucket
  });

  it('verifyIdJag charges it for a trusted issuer, and not for one off the trust list', async () => {
    const { env } = testEnv({ published: [k1], config: { rateLimits: { identityAssertionPerTenantPerHour: 1 } } });
    expect(await codeOf(async () => verifyIdJag(await mint(k1, { iss: 'https://evil.example' }), env))).toBe('invalid_issuer');
    expect(await codeOf(async () => verifyIdJag(await mint(k1), env))).toBeUndefined();
    expect(await codeOf(async () => verifyIdJag(await mint(k1), env))).toBe('rate_limited');
  });
});
