/**
 * Checking a recorded JWT's signature against its issuer's published keys, for the inspector.
 * This is a teaching aid, not an access decision: it never throws, never blocks recording, and
 * only answers "verified by key kid from jwks_uri", "invalid (why)" or "unverified (why not)".
 */
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import type { DecodedJwt } from './types.js';

type Signature = DecodedJwt['signature'];

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

/** What a token shows while its issuer's keys are being fetched. */
export const PENDING: Signature = { status: 'unverified', reason: 'signature check pending' };

interface KeysEntry {
  at: number;
  jwksUri?: string;
  keys?: JSONWebKeySet;
  error?: string;
}

export interface SignatureChecker {
  check(token: string, header: Record<string, unknown>, claims: Record<string, unknown>): Promise<Signature>;
  /** Forget every cached JWKS (after a reset the provider has new keys). */
  reset(): void;
}

/** `fetchImpl` is how keys are fetched; the recorder passes one its own middleware will not record. */
export function createSignatureChecker(fetchImpl: typeof fetch, now: () => number = Date.now): SignatureChecker {
  const cache = new Map<string, Promise<KeysEntry>>();

  async function getJson(url: string): Promise<unknown> {
    const res = await fetchImpl(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    return res.json();
  }

  /** OIDC Discovery §4 (jwks_uri), falling back to the conventional /.well-known/jwks.json. */
  async function loadKeys(iss: string): Promise<KeysEntry> {
    const base = iss.replace(/\/+$/, '');
    let jwksUri = `${base}/.well-known/jwks.json`;
    try {
      const meta = (await getJson(`${base}/.well-known/openid-configuration`)) as { jwks_uri?: unknown };
      if (typeof meta?.jwks_uri === 'string') jwksUri = meta.jwks_uri;
    } catch {
      /* no discovery document: try the conventional path */
    }
    try {
      const jwks = (await getJson(jwksUri)) as JSONWebKeySet;
      if (!jwks || !Array.isArray(jwks.keys)) throw new Error(`${jwksUri} is not a JWK Set (no "keys" array)`);
      return { at: now(), jwksUri, keys: jwks };
    } catch (err) {
      return { at: now(), jwksUri, error: `could not fetch the issuer's keys: ${describe(err)}` };
    }
  }

  function keysFor(iss: string, fresh = false): Promise<KeysEntry> {
    const cached = cache.get(iss);
    if (cached && !fresh) {
      return cached.then((e) => {
        const ttl = e.error ? FAILURE_TTL_MS : KEYS_TTL_MS;
        return now() - e.at < ttl ? e : keysFor(iss, true);
      });
    }
    const loading = loadKeys(iss);
    cache.set(iss, loading);
    return loading;
  }

  async function verifyWith(token: string, keys: JSONWebKeySet): Promise<void> {
    const keySet = createLocalJWKSet(keys);
    try {
      await compactVerify(token, keySet);
    } catch (err) {
      // Several keys share the kid/alg: jose hands them over to try one by one.
      if ((err as { code?: string }).code !== 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') throw err;
      let last: unknown = err;
      for await (const key of err as unknown as AsyncIterable<CryptoKey>) {
        try {
          await compactVerify(token, key);
          return;
        } catch (e) {
          last = e;
        }
      }
      throw last;
    }
  }

  async function check(token: string, header: Record<string, unknown>, claims: Record<string, unknown>): Promise<Signature> {
    try {
      const immediate = immediateSignature(header, claims);
      if (immediate) return immediate;
      const iss = claims.iss as string;
      const kid = typeof header.kid === 'string' ? header.kid : undefined;
      let entry = await keysFor(iss);
      for (let attempt = 0; ; attempt++) {
        if (entry.error || !entry.keys) return { status: 'unverified', reason: entry.error ?? 'no keys' };
        try {
          await verifyWith(token, entry.keys);
          return { status: 'verified', kid, jwksUri: entry.jwksUri! };
        } catch (err) {
          const code = (err as { code?: string }).code;
          // RFC 7517 §4.5: an unknown kid may be a freshly rotated key — refetch the JWKS once.
          if (code === 'ERR_JWKS_NO_MATCHING_KEY' && attempt === 0 && now() - entry.at >= REFETCH_COOLDOWN_MS) {
            entry = await keysFor(iss, true);
            continue;
          }
          if (code === 'ERR_JWKS_NO_MATCHING_KEY')
            return { status: 'invalid', reason: `the issuer's JWKS (${entry.jwksUri}) has no key ${kid ? `with kid "${kid}"` : `for alg ${String(header.alg)}`}` };
          if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED')
            return { status: 'invalid', reason: `the signature does not match the issuer's key${kid ? ` "${kid}"` : ''}: the token was altered or signed by someone else` };
          if (code === 'ERR_JWS_INVALID')
            return { status: 'invalid', reason: describe(err) };
          return { status: 'unverified', reason: describe(err) };
        }
      }
    } catch (err) {
      return { status: 'unverified', reason: describe(err) };
    }
  }

  return { check, reset: () => cache.clear() };
}

function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string }; name?: string };
  if (e?.name === 'TimeoutError') return 'timed out';
  const cause = e?.cause?.code ?? e?.cause?.message;
  return cause ? `${e.message ?? String(err)} (${cause})` : (e?.message ?? String(err));
}
