import { EVENT_ASSERTION_REVOKED } from '../../protocol/constants.js';
import { ProtocolError } from '../../protocol/errors.js';
import type { PresentedJwt } from './types.js';

/**
 * PROTOCOL.md §4 (OIDC Back-Channel Logout §2.4, §2.6): a logout token carries the revocation
 * event and never a `nonce`, so an ID token can never pass as one.
 */
export function checkLogoutEvent(token: PresentedJwt): void {
  const events = token.claims.events;
  if (!events || typeof events !== 'object' || Array.isArray(events) || !(EVENT_ASSERTION_REVOKED in events)) {
    throw new ProtocolError('invalid_request', `The logout token's events claim must contain ${EVENT_ASSERTION_REVOKED}.`);
  }
  if ('nonce' in token.claims) throw new ProtocolError('invalid_request', 'A logout token must not contain a nonce.');
}
