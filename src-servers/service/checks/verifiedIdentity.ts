import { z } from 'zod';
import { ProtocolError } from '../../protocol/errors.js';
import type { PresentedJwt } from './types.js';

/**
 * PROTOCOL.md §2 row 10 (OIDC Core §5.1 `email_verified`, `phone_number_verified`): we match
 * accounts by verified identifiers only; an unverified email would let anyone claim anyone's account.
 */
export function checkVerifiedIdentity(token: PresentedJwt): void {
  const { email, email_verified, phone_number_verified } = token.claims;
  // OIDC Core §5.1: `email` is an RFC 5322 addr-spec. A verified claim that is not one must never reach user matching.
  if (email_verified === true && !EMAIL.safeParse(email).success) {
    throw new ProtocolError('invalid_request', 'The ID-JAG says email_verified, but its email claim is not an email address.');
  }
  if (email_verified !== true && phone_number_verified !== true) {
    throw new ProtocolError('missing_verified_email', 'The ID-JAG carries neither a verified email nor a verified phone number.');
  }
}

const EMAIL = z.email().max(320);
