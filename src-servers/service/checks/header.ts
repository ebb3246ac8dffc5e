import { ProtocolError } from '../../protocol/errors.js';
import type { PresentedJwt } from './types.js';

/** Asymmetric JWS algorithms (RFC 7518 §3.1, RFC 8037). Never `none`, never HMAC: a shared secret is no proof. */
export const ASYMMETRIC_ALGS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519'];

/**
 * PROTOCOL.md §2 row 3: explicit typing (RFC 8725 §3.11) keeps an ID token or a logout token from
 * being replayed as an ID-JAG; `typ` compares case-insensitively and may carry the
 * `application/` prefix (RFC 7515 §4.1.9).
 */
export function checkHeader(token: PresentedJwt, expectedTyp: string): void {
  checkTyp(token, expectedTyp);
  if (typeof token.header.alg !== 'string' || !ASYMMETRIC_ALGS.includes(token.header.alg)) {
    throw new ProtocolError('invalid_request', `The JWT alg must be asymmetric (e.g. ES256), not ${JSON.stringify(token.header.alg ?? null)}.`);
  }
}

/** The `typ` half of checkHeader alone (PROTOCOL-v0.6.md §2 row 2: the `alg` rule belongs to the signature there, row 3). */
export function checkTyp(token: PresentedJwt, expectedTyp: string): void {
  const typ = typeof token.header.typ === 'string' ? token.header.typ.toLowerCase().replace(/^application\//, '') : '';
  if (typ !== expectedTyp) {
    throw new ProtocolError('invalid_request', `The JWT header typ must be "${expectedTyp}", not ${JSON.stringify(token.header.typ ?? null)}.`);
  }
}
