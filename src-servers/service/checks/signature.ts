import { errors } from 'jose';
import { ProtocolError } from '../../protocol/errors.js';
import { KeysUnavailable } from '../../keys/issuerKeys.js';
import { ASYMMETRIC_ALGS } from './header.js';
import type { CheckEnv, PresentedJwt } from './types.js';

/**
 * PROTOCOL.md §2 row 4 (RFC 7515 §5.2): the signature verifies with the issuer's published key
 * `kid`; an unknown kid refetches the issuer's JWKS once (keys/issuerKeys.ts). Throws `invalid_signature`.
 */
export async function checkSignature(token: PresentedJwt, iss: string, env: Pick<CheckEnv, 'keys'>): Promise<void> {
  try {
    await env.keys.verify(iss, token.jwt, { algorithms: ASYMMETRIC_ALGS });
  } catch (err) {
    throw signatureError(err, iss);
  }
}

/** Any failure to get or use the issuer's keys is the token's `invalid_signature`, worded for the agent. */
export function signatureError(err: unknown, iss: string): ProtocolError {
  if (err instanceof ProtocolError) return err;
  return new ProtocolError('invalid_signature', describe(err, iss));
}

function describe(err: unknown, iss: string): string {
  if (err instanceof KeysUnavailable) return err.message;
  if (err instanceof errors.JWKSNoMatchingKey) return `No key of ${iss} matches the token's kid, even after refetching its JWKS.`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'The signature does not verify.';
  if (err instanceof errors.JWKSMultipleMatchingKeys) return 'The token has no kid and several keys could match.';
  return `The signature could not be verified (${(err as Error).message}).`;
}
