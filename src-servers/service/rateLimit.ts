import { ProtocolError } from '../protocol/errors.js';
import type { ServiceContext } from './context.js';

const HOUR_MS = 3_600_000;

/** The buckets live in the store; the window is the service's clock's hour. */
export type RateLimitEnv = Pick<ServiceContext, 'now' | 'store' | 'config'>;

/**
 * Hourly limits (PROTOCOL.md §9 `rateLimits`), counted per caller IP and per tenant:
 * - anonymous: the IP, and one shared "anonymous" tenant (a global cap on keys nobody owns);
 * - ID-JAG: the IP, and the tenant = the ID-JAG's issuer (one provider cannot starve the others);
 * - verified email: the IP, and the tenant = the email's domain (nobody can flood one mail domain).
 * A full bucket answers 429 `rate_limited` with `Retry-After` = seconds until the window ends.
 */
export function takeRateLimit(ctx: RateLimitEnv, bucket: string, limit: number): void {
  const now = ctx.now();
  const windowStart = Math.floor(now / HOUR_MS) * HOUR_MS;
  if (ctx.store.rateLimits.take(bucket, windowStart, limit)) return;
  const retryAfter = Math.max(1, Math.ceil((windowStart + HOUR_MS - now) / 1000));
  throw new ProtocolError('rate_limited', `Too many requests (${bucket.split(':')[0]} limit ${limit}/hour). Retry after ${retryAfter} s.`, {
    'Retry-After': String(retryAfter),
  });
}

export type RateLimitKind = 'anonymous' | 'identity_assertion';

export function limitIp(ctx: RateLimitEnv, kind: RateLimitKind, ip: string): void {
  const r = ctx.config.rateLimits;
  takeRateLimit(ctx, `ip:${kind}:${ip}`, kind === 'anonymous' ? r.anonymousPerIpPerHour : r.identityAssertionPerIpPerHour);
}

export function limitTenant(ctx: RateLimitEnv, kind: RateLimitKind, tenant: string): void {
  const r = ctx.config.rateLimits;
  takeRateLimit(ctx, `tenant:${kind}:${tenant}`, kind === 'anonymous' ? r.anonymousPerTenantPerHour : r.identityAssertionPerTenantPerHour);
}

/** Old windows are dead weight; the sweep drops them. */
export function pruneRateLimits(ctx: RateLimitEnv): void {
  ctx.store.rateLimits.prune(ctx.now() - HOUR_MS);
}
