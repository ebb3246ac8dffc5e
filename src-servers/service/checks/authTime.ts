import type { CheckEnv, PresentedJwt } from './types.js';

/** PROTOCOL-v0.6.md §2 row 12: the user did not sign in recently enough; the profile answers 401 `login_required` with `max_age`. */
export class AuthTimeError extends Error {
  constructor(message: string, readonly maxAgeSeconds: number) {
    super(message);
    this.name = 'AuthTimeError';
  }
}

/**
 * PROTOCOL-v0.6.md §2 row 12 (OIDC Core §2 `auth_time`, §3.1.2.1 `max_age`): the ID-JAG says when
 * the user last authenticated at the provider, at most `maxAgeSeconds` (+ skew) ago and not (beyond
 * skew) in the future. v0.5 made it required: a long-lived provider session must not keep minting.
 */
export function checkAuthTime(token: PresentedJwt, env: Pick<CheckEnv, 'now' | 'config'>, maxAgeSeconds: number): void {
  const authTime = token.claims.auth_time;
  const now = env.now() / 1000;
  const skew = env.config.clockSkewSeconds;
  if (typeof authTime !== 'number' || !Number.isFinite(authTime)) {
    throw new AuthTimeError('The ID-JAG has no numeric auth_time. Sign the user in at the provider and mint a new ID-JAG.', maxAgeSeconds);
  }
  if (authTime - now > skew) throw new AuthTimeError('The ID-JAG auth_time is in the future.', maxAgeSeconds);
  if (now - authTime > maxAgeSeconds + skew) {
    throw new AuthTimeError(`The user signed in at the provider ${Math.round(now - authTime)} s ago; this service needs a sign-in within ${maxAgeSeconds} s. Sign in again and mint a new ID-JAG.`, maxAgeSeconds);
  }
}
