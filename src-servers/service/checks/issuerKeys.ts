import { compactVerify, createLocalJWKSet, errors, type JSONWebKeySet } from 'jose';
import { ProtocolError } from '../../protocol/errors.js';
import { fetchJson } from '../../http/fetchJson.js';

/** How long a fetched JWKS or issuer metadata document is trusted before it is fetched again. */
const TTL_MS = 10 * 60_000;

interface KeySet {
  keys: ReturnType<typeof createLocalJWKSet>;
  fetchedAt: number;
}

/**
 * The public keys of each trusted issuer, found through its discovery document
 * (OIDC Discovery §4 `jwks_uri`, or RFC 8414 as a fallback) and cached. A token signed with a
 * `kid` the cache does not know makes it refetch the JWKS once (the issuer may have rotated),
 * with concurrent refetches of one issuer sharing a single request.
 */
export class IssuerKeys {
  private readonly jwksUris = new Map<string, { uri: string; fetchedAt: number }>();
  private readonly keySets = new Map<string, KeySet>();
  private readonly inflight = new Map<string, Promise<KeySet>>();

  constructor(
    private readonly fetchFn: typeof fetch,
    private readonly now: () => number,
  ) {}

  /** The issuer's `jwks_uri`; the CIMD check compares the client's `jwks_uri` with it. */
  async jwksUri(iss: string): Promise<string> {
    const cached = this.jwksUris.get(iss);
    if (cached && this.now() - cached.fetchedAt < TTL_MS) return cached.uri;
    const uri = await this.discover(iss);
    this.jwksUris.set(iss, { uri, fetchedAt: this.now() });
    return uri;
  }

  /** Verify the JWS signature only; the claims are checked one rule at a time elsewhere. */
  async verify(iss: string, jwt: string, algorithms: string[]): Promise<void> {
    let keySet = await this.keySet(iss, false);
    for (let attempt = 0; ; attempt++) {
      try {
        await compactVerify(jwt, keySet.keys, { algorithms });
        return;
      } catch (err) {
        // Unknown kid: refetch once, since the issuer may have rotated its keys since we cached them.
        if (err instanceof errors.JWKSNoMatchingKey && attempt === 0) {
          keySet = await this.keySet(iss, true);
          continue;
        }
        throw new ProtocolError('invalid_signature', describe(err, iss));
      }
    }
  }

  private keySet(iss: string, refresh: boolean): Promise<KeySet> {
    const cached = this.keySets.get(iss);
    if (!refresh && cached && this.now() - cached.fetchedAt < TTL_MS) return Promise.resolve(cached);
    const pending = this.inflight.get(iss);
    if (pending) return pending;
    const load = this.fetchKeySet(iss).finally(() => this.inflight.delete(iss));
    this.inflight.set(iss, load);
    return load;
  }

  private async fetchKeySet(iss: string): Promise<KeySet> {
    try {
      const jwks = await fetchJson(this.fetchFn, await this.jwksUri(iss));
      const keySet = { keys: createLocalJWKSet(jwks as unknown as JSONWebKeySet), fetchedAt: this.now() };
      this.keySets.set(iss, keySet);
      return keySet;
    } catch (err) {
      if (err instanceof ProtocolError) throw err;
      throw new ProtocolError('invalid_signature', `Could not load the signing keys of ${iss}: ${(err as Error).message}`);
    }
  }

  private async discover(iss: string): Promise<string> {
    const base = iss.replace(/\/$/, '');
    const candidates = [`${base}/.well-known/openid-configuration`, rfc8414Url(iss)];
    let lastError = 'no metadata';
    for (const candidate of candidates) {
      try {
        const metadata = await fetchJson(this.fetchFn, candidate);
        // OIDC Discovery §4.3: the metadata's issuer must be exactly the issuer we asked about.
        if (metadata.issuer !== iss) throw new Error(`${candidate} names issuer ${String(metadata.issuer)}`);
        if (typeof metadata.jwks_uri !== 'string') throw new Error(`${candidate} has no jwks_uri`);
        return metadata.jwks_uri;
      } catch (err) {
        lastError = (err as Error).message;
      }
    }
    throw new ProtocolError('invalid_signature', `Could not discover the signing keys of ${iss}: ${lastError}`);
  }
}

/** RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path. */
function rfc8414Url(iss: string): string {
  const u = new URL(iss);
  const path = u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '');
  return `${u.origin}/.well-known/oauth-authorization-server${path}`;
}

function describe(err: unknown, iss: string): string {
  if (err instanceof errors.JWKSNoMatchingKey) return `No key of ${iss} matches the token's kid, even after refetching its JWKS.`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'The signature does not verify.';
  if (err instanceof errors.JWKSMultipleMatchingKeys) return 'The token has no kid and several keys could match.';
  return `The signature could not be verified (${(err as Error).message}).`;
}
