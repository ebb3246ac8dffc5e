import { limitTenant, type RateLimitEnv } from '../rateLimit.js';

/**
 * PROTOCOL.md §2 `rate_limited`, §9 `identityAssertionPerTenantPerHour`: an ID-JAG's tenant is its
 * issuer, so one provider cannot starve the others. verifyIdJag charges it only once the token's
 * signature verifies with the issuer's key: a bucket is spent by what the issuer signed, never by a
 * forger naming it (an unsigned `alg:none` token, a stranger's key). The JWKS fetch a forged token may
 * cause before that is bounded by the key cache (keys/issuerKeys.ts), not by this bucket.
 * Throws `rate_limited` (429, Retry-After).
 */
export function checkTenantRateLimit(iss: string, env: RateLimitEnv): void {
  limitTenant(env, 'identity_assertion', `iss:${iss}`);
}
