import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Opaque secrets and their at-rest form (PROTOCOL.md §7): the plaintext leaves the server once,
 * in the response that mints it; the database keeps only its SHA-256.
 */

/** 192 random bits behind a readable prefix (`sk_test_`, `clm_`, `cv_`, `at_`). */
export function newSecret(prefix: string): string {
  return prefix + randomBytes(24).toString('base64url');
}

/** Public identifiers (`reg_`, `ca_`, `usr_`): unguessable too, but not secret. */
export function newId(prefix: string): string {
  return prefix + randomBytes(12).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** A short, non-secret hint to recognise a credential in the studio, e.g. `sk_test_Ab3x…`. */
export function secretHint(secret: string, prefix: string): string {
  return `${secret.slice(0, prefix.length + 4)}…`;
}

/** PROTOCOL.md §7: six digits from a CSPRNG (crypto.randomInt is uniform, no modulo bias). */
export function newOtp(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** Compare a guess with a stored hash in constant time (PROTOCOL.md §7). */
export function matchesHash(guess: string, storedHash: string): boolean {
  const a = Buffer.from(sha256(guess), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** PROTOCOL-v0.6.md §2–§5: a prefix and exactly `chars` base64url characters of CSPRNG output (`clm_` + 26, `at_` + 32, …). */
export function newOpaque(prefix: string, chars: number): string {
  return prefix + randomBytes(Math.ceil((chars * 6) / 8)).toString('base64url').slice(0, chars);
}
