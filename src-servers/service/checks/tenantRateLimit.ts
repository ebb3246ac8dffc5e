import { limitTenant, type RateLimitEnv } from '../rateLimit.js';

/**
 * PROTOCOL.md §2 `rate_limited`, §9 `identityAssertionPerTenantPerHour`: an ID-JAG's tenant is its
 * issuer, so one provider cannot starve the others. verifyIdJag charges it once `iss` is on the
 * trust list, before any network call is made for the issuer (keys, CIMD): where the callback of
 * the registration route used to. No test pins that place; charging only signed tokens (after the
 * signature check) would stop a forger from spending an issuer's bucket, and is left to its own change.
 * Throws `rate_limited` (429, Retry-After).
 */
export function checkTenantRateLimit(iss: string, env: RateLimitEnv): void {
  limitTenant(env, 'identity_assertion', `iss:${iss}`);
}
