import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/sqlite.js';
import type { ProviderConfig } from './config.js';
import type { KeyStore } from './keys.js';

/** What every provider module needs, built once by index.ts. */
export interface ProviderContext {
  /** OIDC issuer: the provider's base URL, no trailing slash. `iss` of everything we sign. */
  issuer: string;
  /** The CIMD URL (`${issuer}/agent-auth.json`): the `client_id` in every ID-JAG and the ID token's `aud`. */
  clientId: string;
  config: ProviderConfig;
  db: Db;
  keys: KeyStore;
  fetch: typeof fetch;
  now: () => number;
  log: (line: string) => void;
}

/** An opaque, unguessable identifier or secret: prefix + 128 bits from the CSPRNG. */
export function randomId(prefix: string): string {
  return prefix + randomBytes(16).toString('base64url');
}

/** Secrets at rest are SHA-256 hashes (PROTOCOL.md §7). */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** JWT NumericDate (RFC 7519 §2): whole seconds. */
export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

export const iso = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(ms).toISOString());
