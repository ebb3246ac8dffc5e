/**
 * A bench test issuer: an agent provider reduced to what a service needs to *verify* an ID-JAG
 * (its JWKS, its OpenID configuration, its CIMD document), served from the bench process.
 *
 * Assertions are signed here, before a row starts, so the row measures the service's verification
 * and registration work — not our signing. Each assertion has its own `jti` (the service rejects a
 * replay, PROTOCOL.md §2) and its own `sub`/`email` (each request registers a new user, the
 * common case when many people's agents sign up).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type CryptoKey } from 'jose';
import { testIssuerKey } from '../src-servers/host/conformance/issuerKey.js';
import { ID_JAG_TYP, PROVIDER_PATHS } from '../src-servers/protocol/constants.js';

export interface BenchIssuer {
  /** The issuer (`iss`), e.g. http://127.0.0.1:41234 — put it on the service's trust list. */
  url: string;
  /** The CIMD URL used as `client_id` in every assertion. */
  clientId: string;
  publicKey: CryptoKey;
  /** Sign `count` unique ID-JAGs for the service `aud` (and `resource`), in parallel batches. */
  signAssertions(count: number, audience: { aud: string; resource?: string }): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * `port` 0 (the default) picks a free one. A fixed port lets another service be told to trust the
 * issuer before the bench starts (`npm run bench -- --against`, bench/against.ts).
 */
export async function startBenchIssuer(port = 0, keyFile?: string): Promise<BenchIssuer> {
  const { privateKey, jwk } = await testIssuerKey('bench', keyFile);
  const KID = jwk.kid!;
  const publicKey = (await importJWK(jwk, 'ES256')) as CryptoKey;

  let origin = '';
  const documents = (): Record<string, unknown> => ({
    [PROVIDER_PATHS.jwks]: { keys: [jwk] },
    [PROVIDER_PATHS.openidConfiguration]: {
      issuer: origin,
      jwks_uri: `${origin}${PROVIDER_PATHS.jwks}`,
      token_endpoint: `${origin}${PROVIDER_PATHS.token}`,
      id_token_signing_alg_values_supported: ['ES256'],
    },
    '/.well-known/oauth-authorization-server': {
      issuer: origin,
      jwks_uri: `${origin}${PROVIDER_PATHS.jwks}`,
      token_endpoint: `${origin}${PROVIDER_PATHS.token}`,
    },
    // CIMD (OAuth Client ID Metadata Document): its URL is the client_id; jwks_uri must match the issuer's.
    [PROVIDER_PATHS.cimd]: {
      client_id: `${origin}${PROVIDER_PATHS.cimd}`,
      client_name: 'Bench test agent',
      client_uri: origin,
      jwks_uri: `${origin}${PROVIDER_PATHS.jwks}`,
      token_endpoint_auth_method: 'private_key_jwt',
      grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
    },
  });

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const doc = documents()[path];
    if (req.method !== 'GET' || !doc) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not_found', message: `No ${req.method} ${path} here.` }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' });
    res.end(JSON.stringify(doc));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = `${origin}${PROVIDER_PATHS.cimd}`;

  async function signOne(aud: string, resource: string | undefined, n: number): Promise<string> {
    const jti = randomUUID();
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      client_id: clientId,
      email: `bench-${jti}@bench.example`,
      email_verified: true,
      amr: ['mfa'],
      auth_time: now,
      ...(resource ? { resource } : {}),
    })
      .setProtectedHeader({ alg: 'ES256', typ: ID_JAG_TYP, kid: KID })
      .setIssuer(origin)
      .setSubject(`bench-user-${n}-${jti.slice(0, 8)}`)
      .setAudience(aud)
      .setJti(jti)
      .setIssuedAt(now)
      .setExpirationTime(now + 300) // PROTOCOL.md §6: exp ≤ iat + 300 s
      .sign(privateKey);
  }

  return {
    url: origin,
    clientId,
    publicKey,
    async signAssertions(count, { aud, resource }) {
      const out: string[] = new Array(count);
      const batch = 256; // WebCrypto signs on the libuv pool; a batch keeps it busy without huge promise arrays
      for (let i = 0; i < count; i += batch) {
        const n = Math.min(batch, count - i);
        const signed = await Promise.all(Array.from({ length: n }, (_, k) => signOne(aud, resource, i + k)));
        for (let k = 0; k < n; k++) out[i + k] = signed[k];
      }
      return out;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
