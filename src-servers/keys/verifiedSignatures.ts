/**
 * Signatures the service has just verified, so the trace's display need not verify the same token
 * again a moment later (issue 19: a second ES256 verification per ID-JAG, for the diagram alone).
 * Only the service writes here and only the trace reads: an access decision never rests on it.
 * A signature check is a pure function of the token and the issuer's key, so "verified with the key
 * from jwks_uri" stays true; entries are kept briefly (the trace looks within milliseconds) and few.
 */
const TTL_MS = 60_000;
const MAX_ENTRIES = 4_096;

export class VerifiedSignatures {
  private readonly entries = new Map<string, { jwksUri: string; key?: CryptoKey; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** `key` is the public key that verified it, kept so the display can show it (never re-used to verify). */
  remember(iss: string, jwt: string, jwksUri: string, key?: CryptoKey): void {
    const id = `${iss}\n${jwt}`;
    this.entries.delete(id);
    this.entries.set(id, { jwksUri, key, at: this.now() });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** The jwks_uri (and the key from it) that verified this token of `iss` just now, or undefined. */
  lookup(iss: string, jwt: string): { jwksUri: string; key?: CryptoKey } | undefined {
    const hit = this.entries.get(`${iss}\n${jwt}`);
    if (!hit) return undefined;
    if (this.now() - hit.at >= TTL_MS) {
      this.entries.delete(`${iss}\n${jwt}`);
      return undefined;
    }
    return { jwksUri: hit.jwksUri, key: hit.key };
  }

  clear(): void {
    this.entries.clear();
  }
}
