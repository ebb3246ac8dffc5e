import { EVENT_ASSERTION_REVOKED } from '../../protocol/constants.js';
import { ProtocolError } from '../../protocol/errors.js';
import { checkTimes } from './times.js';
import type { CheckEnv, PresentedJwt } from './types.js';

const isNumericDate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

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

/**
 * PROTOCOL.md §4 (OIDC Back-Channel Logout §2.4: `iat` REQUIRED, `exp` RECOMMENDED — many providers,
 * the v0.1 reference among them, omit it): an `exp` that is present is enforced like an ID-JAG's;
 * without one, the token is accepted only while `iat` is at most `logoutTokenMaxAgeSeconds` (plus
 * skew) old, so a captured token cannot be replayed forever. Returns the last ms the token could
 * pass, which is how long its jti must be remembered (checkReplay).
 */
export function checkLogoutTimes(token: PresentedJwt, env: Pick<CheckEnv, 'now' | 'config'>): number {
  const { exp, iat } = token.claims;
  const skew = env.config.clockSkewSeconds;
  if (exp !== undefined) {
    checkTimes(token, env);
    return ((exp as number) + skew) * 1000;
  }
  if (!isNumericDate(iat)) throw new ProtocolError('invalid_request', 'The logout token has neither a numeric exp nor a numeric iat claim.');
  const now = env.now() / 1000;
  const maxAge = env.config.logoutTokenMaxAgeSeconds;
  if (iat - skew > now) throw new ProtocolError('invalid_request', 'The logout token iat is in the future.');
  if (iat + maxAge + skew <= now) {
    throw new ProtocolError(
      'expired',
      `The logout token has no exp and was issued at ${new Date(iat * 1000).toISOString()}, more than ${maxAge} s (+${skew} s skew) ago. Send a fresh one.`,
    );
  }
  if (token.claims.nbf !== undefined) checkNbf(token.claims.nbf, now, skew);
  return (iat + maxAge + skew) * 1000;
}

/** RFC 7519 §4.1.5, as times.ts applies it to tokens with an exp. */
function checkNbf(nbf: unknown, now: number, skew: number): void {
  if (!isNumericDate(nbf) || nbf - skew > now) throw new ProtocolError('invalid_request', 'The JWT is not valid yet (nbf).');
}
