import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

/**
 * The ES256 key of a stand-in issuer (the conformance runner's, the bench's): fresh each run (its
 * own kid, `<kidPrefix>-…`), or kept in `keyFile` (0600) when given — a service on the other side
 * may cache the issuer's JWKS without refetching on an unknown kid (the v0.1 reference does), and
 * would refuse the next run's tokens as invalid_signature.
 */
export async function testIssuerKey(kidPrefix: string, keyFile?: string): Promise<{ privateKey: CryptoKey; jwk: JWK }> {
  if (keyFile) {
    try {
      const saved = JSON.parse(readFileSync(keyFile, 'utf8')) as JWK;
      const { d: _d, ...pub } = saved;
      return { privateKey: (await importJWK(saved, 'ES256')) as CryptoKey, jwk: pub };
    } catch {
      /* absent or unreadable: a new one below */
    }
  }
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `${kidPrefix}-${randomUUID().slice(0, 8)}`;
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  if (keyFile) {
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    writeFileSync(keyFile, JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' }), { mode: 0o600 });
  }
  return { privateKey, jwk };
}
