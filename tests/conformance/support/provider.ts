/**
 * A third-party agent provider, as another team would run one: OIDC discovery, a JWKS,
 * a CIMD document, and ID-JAGs / logout tokens minted with its own ES256 key
 * (PROTOCOL.md §4, §6). Plain node:http + jose; nothing from src-servers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export const ID_JAG_TYP = 'oauth-id-jag+jwt';
export const LOGOUT_TYP = 'logout+jwt';
export const EVENT_REVOKED = 'https://schemas.workos.com/events/agent/auth/identity/assertion/revoked';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function newKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

export interface MintOptions {
  /** Claims to set; a value of `undefined` removes the claim. */
  claims?: Record<string, unknown>;
  /** Header fields to set (alg is taken from `sign`). */
  header?: Record<string, unknown>;
  /**
   * Which key signs: the published key (default), a key whose public half is NOT published
   * but whose kid is the published one ('forged'), HS256 with a shared secret, or nothing ('none').
   */
  sign?: 'published' | 'forged' | 'hs256' | 'none' | SigningKey;
}

export interface TestProvider {
  issuer: string;
  jwksUri: string;
  /** The CIMD URL, used as client_id (PROTOCOL.md §6). */
  clientId: string;
  /** A CIMD document whose jwks_uri does not match the issuer's. */
  mismatchedClientId: string;
  kid: string;
  jwksFetches(): number;
  /** Publish a second key (to check the service refetches the JWKS on an unknown kid). */
  addKey(): Promise<SigningKey>;
  /** A key that is never published. */
  unpublishedKey(): Promise<SigningKey>;
  mintIdJag(aud: string, opts?: MintOptions): Promise<string>;
  mintLogoutToken(aud: string, sub: string, opts?: MintOptions): Promise<string>;
  close(): Promise<void>;
}

const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

export async function startTestProvider(): Promise<TestProvider> {
  const keys: SigningKey[] = [await newKey(`conf-${randomUUID().slice(0, 8)}`)];
  const forgedSource = await newKey(keys[0].kid);
  let fetches = 0;
  let base = '';

  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'max-age=0' });
      res.end(JSON.stringify(body));
    };
    switch (req.url) {
      case '/.well-known/openid-configuration':
        return send(200, { issuer: base, jwks_uri: `${base}/.well-known/jwks.json`, token_endpoint: `${base}/oauth2/token` });
      case '/.well-known/jwks.json':
        fetches++;
        return send(200, { keys: keys.map((k) => k.publicJwk) });
      case '/other-jwks.json':
        return send(200, { keys: [forgedSource.publicJwk] });
      case '/agent-auth.json':
        return send(200, { client_id: `${base}/agent-auth.json`, client_name: 'Conformance Agent', jwks_uri: `${base}/.well-known/jwks.json` });
      case '/mismatched-agent-auth.json':
        return send(200, { client_id: `${base}/mismatched-agent-auth.json`, client_name: 'Mismatched Agent', jwks_uri: `${base}/other-jwks.json` });
      default:
        return send(404, { error: 'not_found', message: 'no such path' });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function sign(header: Record<string, unknown>, payload: Record<string, unknown>, how: MintOptions['sign']) {
    if (how === 'none') return `${b64url({ ...header, alg: 'none' })}.${b64url(payload)}.`;
    if (how === 'hs256') {
      return new SignJWT(payload).setProtectedHeader({ ...header, alg: 'HS256' } as any).sign(new TextEncoder().encode('x'.repeat(32)));
    }
    const key = how === 'forged' ? forgedSource : typeof how === 'object' ? how : keys[0];
    return new SignJWT(payload).setProtectedHeader({ kid: key.kid, ...header, alg: 'ES256' } as any).sign(key.privateKey);
  }

  function apply(base: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
    const out = { ...base };
    for (const [k, v] of Object.entries(overrides)) {
      if (v === undefined) delete out[k];
      else out[k] = v;
    }
    return out;
  }

  const now = () => Math.floor(Date.now() / 1000);

  return {
    issuer: base,
    jwksUri: `${base}/.well-known/jwks.json`,
    clientId: `${base}/agent-auth.json`,
    mismatchedClientId: `${base}/mismatched-agent-auth.json`,
    kid: keys[0].kid,
    jwksFetches: () => fetches,
    async addKey() {
      const k = await newKey(`conf-${randomUUID().slice(0, 8)}`);
      keys.push(k);
      return k;
    },
    unpublishedKey: () => newKey(`conf-unpublished-${randomUUID().slice(0, 8)}`),
    async mintIdJag(aud, opts = {}) {
      const sub = `tp-user-${randomUUID().slice(0, 8)}`;
      const payload = apply(
        {
          iss: base,
          sub,
          aud,
          client_id: `${base}/agent-auth.json`,
          jti: randomUUID(),
          iat: now(),
          exp: now() + 300,
          email: `${sub}@thirdparty.example`,
          email_verified: true,
        },
        opts.claims,
      );
      return sign(apply({ typ: ID_JAG_TYP }, opts.header), payload, opts.sign);
    },
    async mintLogoutToken(aud, sub, opts = {}) {
      // OIDC Back-Channel Logout 1.0 §2.4: events is a JSON object keyed by the event URI.
      const payload = apply(
        { iss: base, sub, aud, jti: randomUUID(), iat: now(), exp: now() + 120, events: { [EVENT_REVOKED]: {} } },
        opts.claims,
      );
      return sign(apply({ typ: LOGOUT_TYP }, opts.header), payload, opts.sign);
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
