import { ASYMMETRIC_ALGS } from './header.js';
import type { CheckEnv, PresentedJwt } from './types.js';

/**
 * PROTOCOL.md §2 row 4 (RFC 7515 §5.2): the signature verifies with the issuer's published key
 * `kid`; an unknown kid refetches the issuer's JWKS once. Throws `invalid_signature`.
 */
export async function checkSignature(token: PresentedJwt, iss: string, env: Pick<CheckEnv, 'keys'>): Promise<void> {
  await env.keys.verify(iss, token.jwt, ASYMMETRIC_ALGS);
}
