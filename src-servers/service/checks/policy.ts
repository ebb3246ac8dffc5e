import { ProtocolError } from '../../protocol/errors.js';
import type { CheckEnv, PresentedJwt } from './types.js';

/** PROTOCOL.md §2 row 11 (RFC 8176 `amr` values): with `requireMfa`, the user must have used MFA. */
export function checkPolicy(token: PresentedJwt, env: Pick<CheckEnv, 'config'>): void {
  if (!env.config.requireMfa) return;
  const amr = token.claims.amr;
  if (!Array.isArray(amr) || !amr.includes('mfa')) {
    throw new ProtocolError('insufficient_user_authentication', 'This service requires multi-factor authentication (amr must contain "mfa"). Sign in with MFA at your provider and mint a new ID-JAG.');
  }
}
