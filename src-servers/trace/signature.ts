/**
 * Checking a recorded JWT's signature against its issuer's published keys, for the inspector.
 * This is a teaching aid, not an access decision: it never throws, never blocks recording, and
 * only answers "verified by key kid from jwks_uri", "invalid (why)" or "unverified (why not)".
 * It checks only issuers the host already trusts (DESIGN.md rule 9): a recorded token naming any
 * other `iss` makes us fetch nothing — anyone can put any URL in a token and send it to us.
 */
import { calculateJwkThumbprint, compactVerify, exportJWK } from 'jose';
import { IssuerKeys, KeysUnavailable } from '../keys/issuerKeys.js';
import type { VerifiedSignatures } from '../keys/verifiedSignatures.js';
import type { DecodedJwt } from './types.js';

type Signature = DecodedJwt['signature'];
type VerifyingKey = NonNullable<Extract<Signature, { status: 'verified' }>['key']>;

/**
 * The verifying key's public members and RFC 7638 thumbprint, for the inspector (as jwt.io shows the
 * key that verified a token). Undefined when the key cannot be exported: the status alone is still true.
 */
async function describeKey(key: CryptoKey | undefined): Promise<VerifyingKey | undefined> {
  if (!key) return undefined;
  try {
    const jwk = await exportJWK(key);
    if (jwk.d !== undefined || typeof jwk.kty !== 'string') return undefined; // never show a private part
    const out: VerifyingKey = { kty: jwk.kty, thumbprint: await calculateJwkThumbprint(jwk) };
    for (const m of ['crv', 'x', 'y', 'n', 'e'] as const) if (typeof jwk[m] === 'string') out[m] = jwk[m];
    return out;
  } catch {
    return undefined;
  }
}

const verified = async (kid: string | undefined, jwksUri: string, key: CryptoKey | undefined): Promise<Signature> => {
  const described = await describeKey(key);
  return { status: 'verified', kid, jwksUri, ...(described ? { key: described } : {}) };
};

const KEYS_TTL_MS = 5 * 60_000;       // how long a fetched JWKS is trusted before refetching
const FAILURE_TTL_MS = 30_000;        // an unreachable issuer is not asked again for this long
const REFETCH_COOLDOWN_MS = 1_000;    // unknown kid → refetch (key rotation), but not in a tight loop
const FETCH_TIMEOUT_MS = 3_000;

/** The status to show at once, or null when the signature can be checked (asynchronously). */
export function immediateSignature(header: Record<string, unknown>, claims: Record<string, unknown>): Signature | null {
  const alg = String(header.alg);
  // RFC 8725 §3.1: "none" means no signature at all; nothing may accept it.
  if (alg.toLowerCase() === 'none') return { status: 'invalid', reason: 'alg "none": the token is not signed at all' };
  // RFC 7518 §3.2: HS* is a MAC with a shared secret; there is no public key to check it with.
  if (/^HS\d+$/.test(alg)) return { status: 'unverified', reason: `${alg} uses a shared secret, so no public key can check it` };
  if (typeof claims.iss !== 'string') return { status: 'unverified', reason: 'no iss claim, so no issuer to fetch keys from' };
  if (!/^https?:\/\//i.test(claims.iss)) return { status: 'unverified', reason: `iss "${claims.iss}" is not an http(s) URL` };
  return null;
}

/** What a token from an issuer the host does not trust shows: nothing was fetched for it. */
export const NOT_TRUSTED: Signature = { status: 'unverified', reason: 'not checked: issuer not trusted here' };

/** What a token shows while its issuer's keys are being fetched. */
export const PENDING: Signature = { status: 'unverified', reason: 'signature check pending' };

export interface SignatureChecker {
  /** The status to show at once (immediateSignature, then the trust list), or null: check() will tell. */
  immediate(header: Record<string, unknown>, claims: Record<string, unknown>): Signature | null;
  check(token: string, header: Record<string, unknown>, claims: Record<string, unknown>): Promise<Signature>;
  /** Forget every cached JWKS (after a reset the provider has new keys). */
  reset(): void;
}

/**
 * `fetchImpl` is how keys are fetched; the recorder passes one its own middleware will not record.
 * Keys come from the same source as the service's (keys/issuerKeys.ts), for the issuers `isTrusted`
 * accepts only (the host's: its bundled provider and the service's trust list), with the display's
 * own policy: the conventional /.well-known/jwks.json when there is no metadata, failures remembered.
 */
export function createSignatureChecker(
  fetchImpl: typeof fetch,
  now: () => number = Date.now,
  isTrusted: (iss: string) => boolean = () => false,
  verifiedByService?: VerifiedSignatures,
): SignatureChecker {
  const keys = new IssuerKeys({
    fetch: fetchImpl,
    now,
    maxAgeMs: KEYS_TTL_MS,
    refetchCooldownMs: REFETCH_COOLDOWN_MS,
    failureTtlMs: FAILURE_TTL_MS,
    timeoutMs: FETCH_TIMEOUT_MS,
    conventionalFallback: true,
    // A token the service has just verified is not verified a second time for the display.
    ...(verifiedByService ? { verified: { signatures: verifiedByService, mode: 'reuse' as const } } : {}),
  });

  /** Several keys share the kid/alg: jose hands them over to try one by one. */
  async function verifyEach(token: string, multiple: unknown): Promise<CryptoKey> {
    let last: unknown = multiple;
    for await (const key of multiple as AsyncIterable<CryptoKey>) {
      try {
        await compactVerify(token, key);
        return key;
      } catch (e) {
        last = e;
      }
    }
    throw last;
  }

  const immediate = (header: Record<string, unknown>, claims: Record<string, unknown>): Signature | null =>
    immediateSignature(header, claims) ?? (isTrusted(claims.iss as string) ? null : NOT_TRUSTED);

  async function check(token: string, header: Record<string, unknown>, claims: Record<string, unknown>): Promise<Signature> {
    try {
      const settled = immediate(header, claims);
      if (settled) return settled;
      const iss = claims.iss as string;
      const kid = typeof header.kid === 'string' ? header.kid : undefined;
      try {
        const { jwksUri, key } = await keys.verify(iss, token);
        return await verified(kid, jwksUri, key);
      } catch (err) {
        if (err instanceof KeysUnavailable) return { status: 'unverified', reason: `could not fetch the issuer's keys: ${describe(err.cause ?? err)}` };
        let code = (err as { code?: string }).code;
        let failure = err;
        if (code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') {
          try {
            const key = await verifyEach(token, err);
            return await verified(kid, await keys.jwksUri(iss), key);
          } catch (e) {
            failure = e;
            code = (e as { code?: string }).code;
          }
        }
        if (code === 'ERR_JWKS_NO_MATCHING_KEY')
          return { status: 'invalid', reason: `the issuer's JWKS (${await keys.jwksUri(iss)}) has no key ${kid ? `with kid "${kid}"` : `for alg ${String(header.alg)}`}` };
        if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED')
          return { status: 'invalid', reason: `the signature does not match the issuer's key${kid ? ` "${kid}"` : ''}: the token was altered or signed by someone else` };
        if (code === 'ERR_JWS_INVALID') return { status: 'invalid', reason: describe(failure) };
        return { status: 'unverified', reason: describe(failure) };
      }
    } catch (err) {
      return { status: 'unverified', reason: describe(err) };
    }
  }

  return { immediate, check, reset: () => keys.reset() };
}

function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string }; name?: string };
  if (e?.name === 'TimeoutError') return 'timed out';
  const cause = e?.cause?.code ?? e?.cause?.message;
  return cause ? `${e.message ?? String(err)} (${cause})` : (e?.message ?? String(err));
}
