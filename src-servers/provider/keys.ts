import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { z } from 'zod';

/**
 * The provider's ES256 signing keys (PROTOCOL.md §6, §7).
 *
 * The newest key signs. Rotation adds a key and retires the old one; a retired key's public half
 * stays in the JWKS until every token it could have signed has expired (`retainSeconds` after
 * retirement), so a service that verifies a token minted just before the rotation still finds
 * its `kid`. Then it is pruned.
 */

const ALG = 'ES256';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
}

export interface KeyInfo {
  kid: string;
  createdAt: string;
  retiredAt: string | null;
  signing: boolean;
}

/** On-disk shape: private JWKs, so the same kids survive a restart. */
const keysFileSchema = z.object({
  keys: z.array(
    z.object({
      kid: z.string().min(1),
      createdAt: z.number(),
      retiredAt: z.number().nullable(),
      privateJwk: z.looseObject({ kty: z.literal('EC'), crv: z.literal('P-256'), d: z.string() }),
    }),
  ),
});

interface StoredKey {
  kid: string;
  createdAt: number;
  retiredAt: number | null;
  privateJwk: JWK;
  publicJwk: JWK;
  privateKey: CryptoKey;
}

export interface KeyStoreOptions {
  /** Where to persist; absent = memory only (tests, --in-memory). */
  file?: string;
  /** How long after retirement a key's tokens can still be live (longest token lifetime + skew). */
  retainSeconds: number;
  now: () => number;
}

export class KeyStore {
  private keys: StoredKey[] = [];

  private constructor(private readonly opts: KeyStoreOptions) {}

  /** Load the keys file when there is one, else generate a first key (and persist it). */
  static async open(opts: KeyStoreOptions): Promise<KeyStore> {
    const store = new KeyStore(opts);
    if (opts.file && existsSync(opts.file)) await store.load(opts.file);
    if (store.keys.length === 0) {
      store.keys.push(await newKey(opts.now()));
      store.persist();
    }
    return store;
  }

  /** The key that signs new tokens: always the newest. */
  signingKey(): SigningKey {
    this.prune();
    const k = this.keys[this.keys.length - 1];
    return { kid: k.kid, privateKey: k.privateKey };
  }

  /** RFC 7517 §5 — the public JWK Set: the signing key and every retired key still within its retention. */
  jwks(): { keys: JWK[] } {
    this.prune();
    return { keys: this.keys.map((k) => ({ ...k.publicJwk })) };
  }

  /** New kid becomes the signing key at once; the previous one is retired, not removed. */
  async rotate(): Promise<{ kid: string }> {
    const now = this.opts.now();
    for (const k of this.keys) k.retiredAt ??= now;
    const key = await newKey(now);
    this.keys.push(key);
    this.persist();
    return { kid: key.kid };
  }

  info(): KeyInfo[] {
    this.prune();
    const signing = this.keys[this.keys.length - 1]?.kid;
    return this.keys.map((k) => ({
      kid: k.kid,
      createdAt: new Date(k.createdAt).toISOString(),
      retiredAt: k.retiredAt === null ? null : new Date(k.retiredAt).toISOString(),
      signing: k.kid === signing,
    }));
  }

  /** Drop retired keys whose every token has expired; verifiers no longer need them. */
  private prune(): void {
    const cutoff = this.opts.now() - this.opts.retainSeconds * 1000;
    const kept = this.keys.filter((k) => k.retiredAt === null || k.retiredAt > cutoff);
    if (kept.length !== this.keys.length) {
      this.keys = kept;
      this.persist();
    }
  }

  private async load(file: string): Promise<void> {
    let parsed: z.infer<typeof keysFileSchema>;
    try {
      parsed = keysFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch (err) {
      throw new Error(`provider keys file ${file} is not readable (${(err as Error).message}); delete it to start with new keys`);
    }
    for (const k of parsed.keys) {
      const privateJwk = k.privateJwk as JWK;
      this.keys.push({
        kid: k.kid,
        createdAt: k.createdAt,
        retiredAt: k.retiredAt,
        privateJwk,
        publicJwk: publicOf(privateJwk, k.kid),
        privateKey: (await importJWK(privateJwk, ALG)) as CryptoKey,
      });
    }
  }

  /** PROTOCOL.md §7 — signing keys persist with mode 0600: write a private temp file, then rename over. */
  private persist(): void {
    const file = this.opts.file;
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    const body = {
      keys: this.keys.map((k) => ({ kid: k.kid, createdAt: k.createdAt, retiredAt: k.retiredAt, privateJwk: k.privateJwk })),
    };
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(body, null, 2) + '\n', { mode: 0o600 });
    chmodSync(tmp, 0o600); // `mode` applies only on create; a leftover temp file keeps its old mode
    renameSync(tmp, file);
  }
}

async function newKey(now: number): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  // RFC 7638 — the kid is the key's thumbprint: stable, unique, derivable by anyone holding the key.
  const kid = await calculateJwkThumbprint(privateJwk);
  return { kid, createdAt: now, retiredAt: null, privateJwk, publicJwk: publicOf(privateJwk, kid), privateKey };
}

/** The public half of an EC JWK, labelled for JWKS consumers (RFC 7517 §4). */
function publicOf(jwk: JWK, kid: string): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: ALG, use: 'sig' };
}
