/**
 * An issuer that publishes only `/.well-known/jwks.json` (no OpenID or RFC 8414 metadata), as
 * providers following the v0.1 reference do: the service finds its keys there, keeps them as long
 * as the JWKS response's Cache-Control says, and refetches on an unknown kid at most once per cooldown.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { IssuerKeys } from '../../../src-servers/keys/issuerKeys.js';
import { checkSignature } from '../../../src-servers/service/checks/signature.js';
import { verifyIdJag } from '../../../src-servers/service/checks/index.js';
import { codeOf, ISSUER, JWKS_URI, mint, newKey, NOW, presented, testEnv, type Keys } from './support.js';

const OIDC = `${ISSUER}/.well-known/openid-configuration`;

let k1: Keys;
let k2: Keys;
let k3: Keys;
beforeAll(async () => {
  [k1, k2, k3] = await Promise.all([newKey('k1'), newKey('k2'), newKey('k3')]);
});

/** The issuer as the reference runs it: a JWKS and a CIMD, no metadata document. */
function jwksOnly(published: Keys[], now?: () => number) {
  const t = testEnv({ published, now });
  t.docs.docs.delete(OIDC);
  return t;
}

describe('an issuer with only /.well-known/jwks.json', () => {
  it('registers: the ID-JAG passes every check with keys from the conventional path', async () => {
    const { env, docs } = jwksOnly([k1]);
    expect(await codeOf(async () => verifyIdJag(await mint(k1), env))).toBeUndefined();
    expect(docs.hits(OIDC)).toBe(1);
    expect(docs.hits(`${ISSUER}/.well-known/oauth-authorization-server`)).toBe(1);
    expect(docs.hits(JWKS_URI)).toBe(1);
  });

  it('still rejects a forged token (the fallback finds keys, it does not skip the check)', async () => {
    const { env } = jwksOnly([k1]);
    expect(await codeOf(async () => checkSignature(await presented({ ...k2, kid: 'k1' }), ISSUER, env))).toBe('invalid_signature');
  });

  it('does not guess when a metadata document exists but names another issuer', async () => {
    const { env, docs } = testEnv({ published: [k1] });
    docs.docs.set(OIDC, { issuer: 'https://evil.example', jwks_uri: JWKS_URI });
    let message = '';
    try {
      await checkSignature(await presented(k1), ISSUER, env);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/names issuer https:\/\/evil\.example/);
    expect(docs.hits(JWKS_URI)).toBe(0);
  });

  it('does not guess when the metadata answers a server error (only "there is none" falls back)', async () => {
    const t = jwksOnly([k1]);
    const failing = (async (input: string | URL | Request) => {
      const url = String(input instanceof Request ? input.url : input);
      return url === OIDC ? new Response('down', { status: 503 }) : t.docs.fetch(input);
    }) as typeof fetch;
    const { env } = testEnv({ published: [k1] });
    env.keys = new IssuerKeys({ fetch: failing, now: () => NOW });
    expect(await codeOf(async () => checkSignature(await presented(k1), ISSUER, env))).toBe('invalid_signature');
    expect(t.docs.hits(JWKS_URI)).toBe(0);
  });

  it('says where it looked when the conventional JWKS is missing too', async () => {
    const { env, docs } = jwksOnly([k1]);
    docs.jwks.uri = null;
    let message = '';
    try {
      await checkSignature(await presented(k1), ISSUER, env);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(JWKS_URI);
  });
});

describe('JWKS caching by Cache-Control (RFC 9111 §5.2.2.1)', () => {
  it('keeps the keys for the max-age the JWKS response gives, then fetches them again', async () => {
    let clock = NOW;
    const { env, docs } = jwksOnly([k1], () => clock);
    docs.headers.set(JWKS_URI, { 'cache-control': 'public, max-age=300' });
    await checkSignature(await presented(k1), ISSUER, env);
    clock += 290_000;
    await checkSignature(await presented(k1), ISSUER, env);
    expect(docs.hits(JWKS_URI)).toBe(1);
    clock += 20_000; // 310 s: past the 300 s max-age, well before the 10-minute default
    await checkSignature(await presented(k1), ISSUER, env);
    expect(docs.hits(JWKS_URI)).toBe(2);
  });

  it('a longer max-age keeps the keys past the default', async () => {
    let clock = NOW;
    const { env, docs } = jwksOnly([k1], () => clock);
    docs.headers.set(JWKS_URI, { 'cache-control': 'max-age=3600' });
    await checkSignature(await presented(k1), ISSUER, env);
    clock += 30 * 60_000;
    await checkSignature(await presented(k1), ISSUER, env);
    expect(docs.hits(JWKS_URI)).toBe(1);
  });

  it('no-store does not make every token a fetch (a floor of 30 s)', async () => {
    let clock = NOW;
    const { env, docs } = jwksOnly([k1], () => clock);
    docs.headers.set(JWKS_URI, { 'cache-control': 'no-store' });
    for (let i = 0; i < 5; i++) await checkSignature(await presented(k1), ISSUER, env);
    expect(docs.hits(JWKS_URI)).toBe(1);
    clock += 31_000;
    await checkSignature(await presented(k1), ISSUER, env);
    expect(docs.hits(JWKS_URI)).toBe(2);
  });
});

describe('unknown kid: one refetch, then a cooldown', () => {
  it('a flood of unknown kids costs the issuer one refetch per cooldown', async () => {
    let clock = NOW;
    const { env, docs } = jwksOnly([k1], () => clock);
    await checkSignature(await presented(k1), ISSUER, env);
    const flood = await Promise.all(Array.from({ length: 20 }, (_, i) => presented({ ...k2, kid: `made-up-${i}` })));
    for (const token of flood) expect(await codeOf(() => checkSignature(token, ISSUER, env))).toBe('invalid_signature');
    expect(docs.hits(JWKS_URI)).toBe(2);
    clock += 31_000;
    expect(await codeOf(async () => checkSignature(await presented({ ...k2, kid: 'made-up-late' }), ISSUER, env))).toBe('invalid_signature');
    expect(docs.hits(JWKS_URI)).toBe(3);
  });

  it('a key rotated in right after the cache was filled is found at once', async () => {
    const { env, docs } = jwksOnly([k1]);
    await checkSignature(await presented(k1), ISSUER, env);
    docs.published.push(k3);
    expect(await codeOf(async () => checkSignature(await presented(k3), ISSUER, env))).toBeUndefined();
    expect(docs.hits(JWKS_URI)).toBe(2);
  });
});
