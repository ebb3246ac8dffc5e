import { compactVerify, createRemoteJWKSet, customFetch, errors } from 'jose';
import { MAX_DOCUMENT_CHARS } from '../http/fetchJson.js';
import { discoverJwksUri } from './discovery.js';
import type { VerifiedSignatures } from './verifiedSignatures.js';

/** Why there are no keys to check a token with: its issuer's metadata or its JWKS could not be had. */
export class KeysUnavailable extends Error {
  constructor(readonly stage: 'discover' | 'load', readonly iss: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeysUnavailable';
  }
}

export interface IssuerKeysOptions {
  /** How documents are fetched (the service's is recorded in the trace; the trace's own is not). */
  fetch: typeof fetch;
  /** ms clock; it alone decides freshness and cooldowns, so tests can move time. */
  now: () => number;
  /**
   * How long a discovered jwks_uri is used, and a fetched JWKS whose response sets no
   * Cache-Control max-age, before they are fetched again.
   */
  maxAgeMs?: number;
  /**
   * A JWKS response's Cache-Control max-age is kept within [minAgeMs, maxAgeCapMs]: `no-store` or
   * `max-age=0` must not turn every token into a fetch, nor a year-long max-age outlive a rotation.
   */
  minAgeMs?: number;
  maxAgeCapMs?: number;
  /**
   * After an unknown kid forced a refetch, the next unknown kid may force one only this much later
   * (0: always; default 30 s), so a flood of made-up kids costs the issuer one request per cooldown.
   */
  refetchCooldownMs?: number;
  /** A failed discovery or fetch is answered from memory for this long (0: retried at the next token). */
  failureTtlMs?: number;
  timeoutMs?: number;
  /** Use `<iss>/.well-known/jwks.json` when the issuer publishes no metadata (discovery.ts); default on. */
  conventionalFallback?: boolean;
  /**
   * Signatures verified elsewhere (verifiedSignatures.ts): `remember` writes every success there
   * (the service), `reuse` answers from it before verifying (the trace's display only).
   */
  verified?: { signatures: VerifiedSignatures; mode: 'remember' | 'reuse' };
}

type RemoteKeySet = ReturnType<typeof createRemoteJWKSet>;

/** A verified signature: the issuer's jwks_uri and the public key from it that verified the token. */
export interface Verified {
  jwksUri: string;
  key?: CryptoKey;
}

interface IssuerEntry {
  jwksUri: string;
  discoveredAt: number;
  keys: RemoteKeySet;
  loadedAt?: number;
  /** How long the last JWKS response may be used (its Cache-Control, clamped; else maxAgeMs). */
  freshForMs?: number;
  /** When an unknown kid last forced a refetch (the cooldown counts from here). */
  forcedAt?: number;
}

/**
 * The one source of issuers' public keys: the service's signature check and the trace's signature
 * display both use it. Per issuer: discovery (discovery.ts) gives the `jwks_uri`, and jose's remote
 * JWK set fetches, parses and selects keys from it (RFC 7517 §5, RFC 7515 §4.1.4 `kid`). The set is
 * kept as long as its response's Cache-Control max-age says (RFC 9111 §5.2.2.1, clamped). A token
 * whose `kid` the cached set lacks refetches the set once, since the issuer may have rotated its
 * keys (RFC 7517 §4.5) — at most once per cooldown; concurrent fetches of one issuer share a request.
 */
export class IssuerKeys {
  private readonly entries = new Map<string, IssuerEntry>();
  private readonly discovering = new Map<string, Promise<IssuerEntry>>();
  private readonly failures = new Map<string, { at: number; error: KeysUnavailable }>();
  private readonly maxAgeMs: number;
  private readonly minAgeMs: number;
  private readonly maxAgeCapMs: number;
  private readonly refetchCooldownMs: number;
  private readonly failureTtlMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly opts: IssuerKeysOptions) {
    this.maxAgeMs = opts.maxAgeMs ?? 10 * 60_000;
    this.minAgeMs = opts.minAgeMs ?? 30_000;
    this.maxAgeCapMs = opts.maxAgeCapMs ?? 24 * 3600_000;
    this.refetchCooldownMs = opts.refetchCooldownMs ?? 30_000;
    this.failureTtlMs = opts.failureTtlMs ?? 0;
    this.timeoutMs = opts.timeoutMs ?? 5_000;
  }

  /** The issuer's `jwks_uri`; the service's CIMD check compares the client's with it. */
  async jwksUri(iss: string): Promise<string> {
    this.throwIfFailedRecently(iss);
    return (await this.entry(iss)).jwksUri;
  }

  /**
   * Verify the JWS signature only (claims are other rules' business) with the issuer's key. Throws
   * KeysUnavailable, or jose's error (JWKSNoMatchingKey even after the refetch,
   * JWSSignatureVerificationFailed, JWKSMultipleMatchingKeys, ...) for the caller to word.
   * `key` is the public key from the JWKS that verified it (the trace shows it, as jwt.io does).
   */
  async verify(iss: string, jwt: string, opts: { algorithms?: string[] } = {}): Promise<Verified> {
    const shared = this.opts.verified;
    if (shared?.mode === 'reuse') {
      const hit = shared.signatures.lookup(iss, jwt);
      if (hit !== undefined) return hit;
    }
    const result = await this.verifyNow(iss, jwt, opts);
    if (shared?.mode === 'remember') shared.signatures.remember(iss, jwt, result.jwksUri, result.key);
    return result;
  }

  private async verifyNow(iss: string, jwt: string, opts: { algorithms?: string[] }): Promise<Verified> {
    this.throwIfFailedRecently(iss);
    const entry = await this.entry(iss);
    await this.load(iss, entry, false);
    let verified;
    try {
      verified = await compactVerify(jwt, entry.keys, opts);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || !this.mayForceRefetch(entry)) throw err;
      entry.forcedAt = this.now();
      await this.load(iss, entry, true);
      verified = await compactVerify(jwt, entry.keys, opts);
    }
    return { jwksUri: entry.jwksUri, key: verified.key as CryptoKey };
  }

  /** Forget every issuer (after a reset the bundled provider has new keys). */
  reset(): void {
    this.entries.clear();
    this.failures.clear();
  }

  private now(): number {
    return this.opts.now();
  }

  private mayForceRefetch(entry: IssuerEntry): boolean {
    return entry.forcedAt === undefined || this.now() - entry.forcedAt >= this.refetchCooldownMs;
  }

  private throwIfFailedRecently(iss: string): void {
    const failed = this.failures.get(iss);
    if (failed && this.now() - failed.at < this.failureTtlMs) throw failed.error;
  }

  private fail(error: KeysUnavailable): KeysUnavailable {
    if (this.failureTtlMs > 0) this.failures.set(error.iss, { at: this.now(), error });
    return error;
  }

  private entry(iss: string): Promise<IssuerEntry> {
    const cached = this.entries.get(iss);
    if (cached && this.now() - cached.discoveredAt < this.maxAgeMs) return Promise.resolve(cached);
    let pending = this.discovering.get(iss);
    if (!pending) {
      pending = this.discover(iss, cached).finally(() => this.discovering.delete(iss));
      this.discovering.set(iss, pending);
    }
    return pending;
  }

  private async discover(iss: string, previous: IssuerEntry | undefined): Promise<IssuerEntry> {
    let jwksUri: string;
    try {
      jwksUri = await discoverJwksUri(this.opts.fetch, iss, { timeoutMs: this.timeoutMs, conventionalFallback: this.opts.conventionalFallback ?? true });
    } catch (err) {
      throw this.fail(new KeysUnavailable('discover', iss, `Could not discover the signing keys of ${iss}: ${(err as Error).message}`, { cause: err }));
    }
    // The same jwks_uri keeps its fetched keys (they age on their own); a moved one starts afresh.
    const entry: IssuerEntry = previous?.jwksUri === jwksUri ? Object.assign(previous, { discoveredAt: this.now() }) : this.newEntry(jwksUri);
    this.entries.set(iss, entry);
    return entry;
  }

  /** Fetch the JWKS when it is no longer fresh (or `force`: an unknown kid). */
  private async load(iss: string, entry: IssuerEntry, force: boolean): Promise<void> {
    if (!force && entry.loadedAt !== undefined && this.now() - entry.loadedAt < (entry.freshForMs ?? this.maxAgeMs)) return;
    try {
      await entry.keys.reload();
    } catch (err) {
      const reason = `Could not load the signing keys of ${iss} from ${entry.jwksUri}: ${(err as Error).message}`;
      throw this.fail(new KeysUnavailable('load', iss, reason, { cause: err }));
    }
    entry.loadedAt = this.now();
    this.failures.delete(iss);
  }

  /** RFC 9111 §5.2.2.1/§5.2.2.5: how long a JWKS response may be reused, clamped; null: it does not say. */
  private freshness(cacheControl: string | null): number | undefined {
    if (!cacheControl) return undefined;
    const directives = cacheControl.toLowerCase().split(',').map((d) => d.trim());
    if (directives.includes('no-store') || directives.includes('no-cache')) return this.minAgeMs;
    const maxAge = directives.map((d) => /^max-age\s*=\s*"?(\d+)"?$/.exec(d)).find(Boolean);
    if (!maxAge) return undefined;
    return Math.min(this.maxAgeCapMs, Math.max(this.minAgeMs, Number(maxAge[1]) * 1000));
  }

  private newEntry(jwksUri: string): IssuerEntry {
    const entry = { jwksUri, discoveredAt: this.now() } as IssuerEntry;
    // Each JWKS response says how long it may be used.
    entry.keys = this.remoteKeySet(jwksUri, (res) => (entry.freshForMs = this.freshness(res.headers.get('cache-control'))));
    return entry;
  }

  private remoteKeySet(jwksUri: string, onResponse: (res: Response) => void): RemoteKeySet {
    const fetchFn = this.opts.fetch;
    return createRemoteJWKSet(new URL(jwksUri), {
      timeoutDuration: this.timeoutMs,
      // Freshness and the refetch cooldown follow the injected clock (load() above), so jose's own
      // timers, on Date.now, are switched off: it refetches only when told to.
      cacheMaxAge: Infinity,
      cooldownDuration: Infinity,
      headers: { accept: 'application/json' },
      // Through the caller's fetch (recorded or not), following redirects as the metadata fetch does,
      // and with the same size cap as every document a token makes us fetch.
      [customFetch]: async (url, init) => {
        const res = await fetchFn(url, { method: init.method, headers: init.headers, signal: init.signal });
        if (res.status !== 200) return res;
        const text = await res.text();
        if (text.length > MAX_DOCUMENT_CHARS) throw new Error(`${url} is too large`);
        onResponse(res);
        return new Response(text, { status: res.status, headers: res.headers });
      },
    });
  }
}
