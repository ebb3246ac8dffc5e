import { afterEach, describe, expect, it } from 'vitest';
import express from 'express';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { findJwts } from '../../src-servers/trace/jwt.js';
import type { Exchange, TraceRecorder } from '../../src-servers/trace/types.js';
import { listen, memoryRecorder, nextExchanges, type Running } from './helpers.js';

const servers: Running[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

interface Issuer { url: string; jwksHits: () => number; addKey(kid: string): Promise<CryptoKey> ; keys: Map<string, CryptoKey>; publicKeys: Map<string, JWK> }

/** What the inspector shows for the key that verified a token: its public members and RFC 7638 thumbprint. */
async function shownKey(jwk: JWK | undefined) {
  const { kty, crv, x, y } = jwk!;
  return { kty, crv, x, y, thumbprint: await calculateJwkThumbprint(jwk!) };
}

/** A provider-like issuer serving its keys: via OIDC discovery's jwks_uri, or only at /.well-known/jwks.json. */
async function issuer(opts: { discovery: boolean; recorder?: TraceRecorder }): Promise<Issuer> {
  const publicJwks: object[] = [];
  const keys = new Map<string, CryptoKey>();
  const publicKeys = new Map<string, JWK>();
  let hits = 0;
  const app = express();
  if (opts.recorder) app.use(opts.recorder.middleware('Provider'));
  const jwksPath = opts.discovery ? '/keys' : '/.well-known/jwks.json';
  if (opts.discovery) app.get('/.well-known/openid-configuration', (_req, res) => res.json({ issuer: server.url, jwks_uri: `${server.url}${jwksPath}` }));
  app.get(jwksPath, (_req, res) => { hits++; res.json({ keys: publicJwks }); });
  const server = await listen(app);
  servers.push(server);
  return {
    url: server.url,
    jwksHits: () => hits,
    keys,
    publicKeys,
    async addKey(kid) {
      const { publicKey, privateKey } = await generateKeyPair('ES256');
      publicKeys.set(kid, await exportJWK(publicKey));
      publicJwks.push({ ...publicKeys.get(kid), kid, alg: 'ES256', use: 'sig' });
      keys.set(kid, privateKey);
      return privateKey;
    },
  };
}

function idJag(iss: string, key: CryptoKey, kid: string, claims: Record<string, unknown> = {}) {
  return new SignJWT({ client_id: `${iss}/agent-auth.json`, email: 'alice@example.com', email_verified: true, ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'oauth-id-jag+jwt', kid })
    .setIssuer(iss).setSubject('usr_alice').setAudience('http://127.0.0.1:8000').setJti(crypto.randomUUID())
    .setIssuedAt().setExpirationTime('5m')
    .sign(key);
}

/** A service-like role that records, parses JSON and answers 200. */
async function service(recorder: TraceRecorder) {
  const app = express();
  app.use(recorder.middleware('Service'));
  app.use(express.json());
  app.post('/agent/auth', (_req, res) => res.json({ ok: true }));
  const server = await listen(app);
  servers.push(server);
  return server.url;
}

/** Sends the assertion, then waits for the signature check to land on the same exchange. */
async function sendAndCheck(recorder: TraceRecorder, url: string, assertion: string): Promise<{ first: Exchange; updated: Exchange | undefined }> {
  const updates: Exchange[] = [];
  recorder.on('exchange-updated', (e: Exchange) => updates.push(e));
  const seen = nextExchanges(recorder);
  await (await fetch(`${url}/agent/auth`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'identity_assertion', assertion_type: 'urn:ietf:params:oauth:token-type:id-jag', assertion }),
  })).text();
  const [first] = await seen;
  await recorder.idle();
  return { first, updated: updates.find((u) => u.id === first.id) };
}

describe('JWT decoding and signature status', () => {
  it('decodes at once, then marks the signature verified against the issuer JWKS (jwks_uri from discovery)', async () => {
    const recorder = memoryRecorder();
    const iss = await issuer({ discovery: true, recorder });
    recorder.trustIssuers([iss.url]); // the host trusts this issuer (DESIGN.md rule 9)
    const key = await iss.addKey('k1');
    const url = await service(recorder);
    const token = await idJag(iss.url, key, 'k1');
    const { first, updated } = await sendAndCheck(recorder, url, token);

    expect(first.jwts).toHaveLength(1);
    expect(first.jwts[0]).toMatchObject({
      where: 'request.body.assertion',
      header: { alg: 'ES256', typ: 'oauth-id-jag+jwt', kid: 'k1' },
      claims: { iss: iss.url, sub: 'usr_alice', email_verified: true },
      signature: { status: 'unverified', reason: 'signature check pending' },
    });
    expect(updated?.jwts[0].signature).toEqual({ status: 'verified', kid: 'k1', jwksUri: `${iss.url}/keys`, key: await shownKey(iss.publicKeys.get('k1')) });
    expect(recorder.exchanges(recorder.currentTraceId())).toEqual([updated]); // stored too
    // The recorder's own discovery and JWKS fetches are not part of the trace, though the issuer records.
    expect(iss.jwksHits()).toBe(1);
  });

  it('marks a token whose payload was altered as invalid', async () => {
    const recorder = memoryRecorder();
    const iss = await issuer({ discovery: true });
    recorder.trustIssuers([iss.url]); // the host trusts this issuer (DESIGN.md rule 9)
    const key = await iss.addKey('k1');
    const url = await service(recorder);
    const [h, , s] = (await idJag(iss.url, key, 'k1')).split('.');
    const forgedClaims = Buffer.from(JSON.stringify({ iss: iss.url, sub: 'usr_mallory', email: 'mallory@example.com', email_verified: true })).toString('base64url');
    const { updated } = await sendAndCheck(recorder, url, `${h}.${forgedClaims}.${s}`);
    expect(updated?.jwts[0].claims.sub).toBe('usr_mallory');
    expect(updated?.jwts[0].signature).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/does not match/) });
  });

  it('marks a token signed by a key the issuer never published as invalid', async () => {
    const recorder = memoryRecorder();
    const iss = await issuer({ discovery: false }); // keys only at /.well-known/jwks.json
    recorder.trustIssuers([iss.url]); // the host trusts this issuer (DESIGN.md rule 9)
    await iss.addKey('k1');
    const { privateKey: foreign } = await generateKeyPair('ES256');
    const url = await service(recorder);
    const { updated } = await sendAndCheck(recorder, url, await idJag(iss.url, foreign, 'k-foreign'));
    expect(updated?.jwts[0].signature).toMatchObject({ status: 'invalid', reason: expect.stringContaining('k-foreign') });
  });

  it('finds keys at /.well-known/jwks.json when there is no discovery document', async () => {
    const recorder = memoryRecorder();
    const iss = await issuer({ discovery: false });
    recorder.trustIssuers([iss.url]); // the host trusts this issuer (DESIGN.md rule 9)
    const key = await iss.addKey('k1');
    const url = await service(recorder);
    const { updated } = await sendAndCheck(recorder, url, await idJag(iss.url, key, 'k1'));
    expect(updated?.jwts[0].signature).toEqual({ status: 'verified', kid: 'k1', jwksUri: `${iss.url}/.well-known/jwks.json`, key: await shownKey(iss.publicKeys.get('k1')) });
  });

  it('leaves a token from an issuer it cannot reach unverified', async () => {
    const recorder = memoryRecorder();
    const gone = await listen(express());
    await gone.close();
    recorder.trustIssuers([gone.url]);
    const { privateKey } = await generateKeyPair('ES256');
    const url = await service(recorder);
    const { first, updated } = await sendAndCheck(recorder, url, await idJag(gone.url, privateKey, 'k1'));
    expect(first.status).toBe(200); // recording did not wait for, or fail on, the unreachable issuer
    expect(updated?.jwts[0].signature).toMatchObject({ status: 'unverified', reason: expect.stringMatching(/could not fetch the issuer's keys/) });
  });

  it('refetches the JWKS once for an unknown kid (key rotation)', async () => {
    let clock = Date.parse('2030-01-01T00:00:00Z');
    const recorder = memoryRecorder(() => clock);
    const iss = await issuer({ discovery: true });
    recorder.trustIssuers([iss.url]); // the host trusts this issuer (DESIGN.md rule 9)
    const k1 = await iss.addKey('k1');
    const url = await service(recorder);
    expect((await sendAndCheck(recorder, url, await idJag(iss.url, k1, 'k1'))).updated?.jwts[0].signature.status).toBe('verified');
    const k2 = await iss.addKey('k2');
    clock += 5_000;
    const { updated } = await sendAndCheck(recorder, url, await idJag(iss.url, k2, 'k2'));
    expect(updated?.jwts[0].signature).toMatchObject({ status: 'verified', kid: 'k2' });
    // The key shown is the rotated-in one, not the first key of the set.
    expect(updated?.jwts[0].signature).toMatchObject({ key: await shownKey(iss.publicKeys.get('k2')) });
    expect(iss.jwksHits()).toBe(2);
  });

  it('settles alg "none" and HS256 at once, without fetching anything', async () => {
    const recorder = memoryRecorder();
    const url = await service(recorder);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'oauth-id-jag+jwt' })}.${b64({ iss: 'http://127.0.0.1:1', sub: 'x' })}.`;
    const { first, updated } = await sendAndCheck(recorder, url, none);
    expect(first.jwts[0].signature).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/not signed/) });
    expect(updated).toBeUndefined();
    const hs = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('http://127.0.0.1:1').sign(new TextEncoder().encode('0123456789abcdef0123456789abcdef'));
    const second = await sendAndCheck(recorder, url, hs);
    expect(second.first.jwts[0].signature).toMatchObject({ status: 'unverified', reason: expect.stringMatching(/shared secret/) });
  });
});

// Issue 14 finding 3: a recorded token names its issuer; the trace must not fetch what a stranger names.
describe('tokens from issuers the host does not trust', () => {
  /** An issuer that publishes real keys and counts every request anyone makes to it. */
  async function countingIssuer() {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    let hits = 0;
    const app = express();
    app.use((_req, _res, next) => { hits++; next(); });
    app.get('/.well-known/openid-configuration', (_req, res) => res.json({ issuer: server.url, jwks_uri: `${server.url}/keys` }));
    app.get('/keys', (_req, res) => res.json({ keys: [jwk] }));
    app.get('/.well-known/jwks.json', (_req, res) => res.json({ keys: [jwk] }));
    const server = await listen(app);
    servers.push(server);
    return { url: server.url, key: privateKey, hits: () => hits };
  }

  it('are shown as "not checked: issuer not trusted here", at once, and nothing is fetched', async () => {
    const recorder = memoryRecorder();
    const trusted = await issuer({ discovery: true });
    recorder.trustIssuers([trusted.url]);
    const attacker = await countingIssuer();
    const url = await service(recorder);
    const { first, updated } = await sendAndCheck(recorder, url, await idJag(attacker.url, attacker.key, 'k1'));
    expect(first.jwts[0].claims.iss).toBe(attacker.url);
    expect(first.jwts[0].signature).toEqual({ status: 'unverified', reason: 'not checked: issuer not trusted here' });
    expect(updated).toBeUndefined(); // nothing pending, nothing to update
    expect(attacker.hits()).toBe(0);
  });

  it('a request stuffed with such tokens, anywhere in it, causes zero outbound requests', async () => {
    const recorder = memoryRecorder();
    const attackers = await Promise.all([countingIssuer(), countingIssuer(), countingIssuer()]);
    const url = await service(recorder);
    const tokens = await Promise.all(
      Array.from({ length: 150 }, (_, i) => idJag(attackers[i % 3].url + (i % 2 ? `/t${i}` : ''), attackers[i % 3].key, 'k1')),
    );
    const seen = nextExchanges(recorder);
    await (await fetch(`${url}/agent/auth?token=${tokens[0]}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[1]}` },
      body: JSON.stringify({ list: tokens }), // ~90 KB of JWTs
    })).text();
    const [exchange] = await seen;
    await recorder.idle();
    expect(exchange.jwts.length).toBeGreaterThan(100);
    for (const j of exchange.jwts) expect(j.signature).toEqual({ status: 'unverified', reason: 'not checked: issuer not trusted here' });
    expect(attackers.map((a) => a.hits())).toEqual([0, 0, 0]);
  });
});

describe('findJwts', () => {
  it('finds tokens in a Bearer header, nested JSON, a form, the query and text; ignores dotted non-JWTs', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const t = await new SignJWT({ sub: 'u' }).setProtectedHeader({ alg: 'ES256', typ: 'JWT' }).setIssuer('http://127.0.0.1:1').sign(privateKey);
    const found = findJwts({
      url: `http://127.0.0.1:8000/x?token=${t}&v=1.2.3`,
      requestHeaders: { authorization: `Bearer ${t}`, 'content-type': 'application/x-www-form-urlencoded' },
      requestBody: `grant_type=x&assertion=${t}&version=1.2.3`,
      responseHeaders: { 'content-type': 'application/json' },
      responseBody: JSON.stringify({ nested: { list: ['a.b.c', t] }, version: 'v1.2.3' }),
    });
    expect(found.map((f) => f.where).sort()).toEqual([
      'request.body.assertion', 'request.headers.authorization', 'request.query.token', 'response.body.nested.list.1',
    ]);
    const html = findJwts({ url: 'http://h/', responseHeaders: { 'content-type': 'text/html' }, responseBody: `<p>token: <code>${t}</code></p>` });
    expect(html.map((f) => [f.where, f.claims.sub])).toEqual([['response.body', 'u']]);
  });
});
