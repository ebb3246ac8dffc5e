import { ProtocolError } from '../protocol/errors.js';
import type { ServiceContext } from './context.js';

/**
 * PROTOCOL.md §3: an unclaimed registration past its TTL is expired — its key stops working and
 * its claim answers `claim_expired`. Runs on a timer and before each lookup (so a moved clock or a
 * stopped timer can never leave a dead key alive).
 */
export function expireDueRegistrations(ctx: ServiceContext): number {
  const now = ctx.now();
  const due = ctx.store.registrations.dueForExpiry(now);
  if (due.length === 0) return 0;
  ctx.store.transaction(() => {
    for (const reg of due) {
      ctx.store.registrations.end(reg.id, 'expired', now);
      const revoked = ctx.store.credentials.revokeForRegistration(reg.id, now);
      ctx.audit('registration.expired', reg.id, { kind: reg.kind, credentials_revoked: revoked });
    }
  });
  return due.length;
}

/**
 * PROTOCOL.md §4: every credential issued for (iss, sub) stops working at once — and so does every
 * ID-JAG of (iss, sub, this service) minted before now, which refuseRevokedIdJag checks on use.
 */
export function revokeDelegation(ctx: ServiceContext, iss: string, sub: string, reason: string): number {
  const now = ctx.now();
  return ctx.store.transaction(() => {
    ctx.store.revocations.record(iss, sub, ctx.issuer, now);
    let count = 0;
    for (const reg of ctx.store.registrations.forDelegation(iss, sub)) {
      const revoked = ctx.store.credentials.revokeForRegistration(reg.id, now);
      if (reg.status === 'active') ctx.store.registrations.end(reg.id, 'revoked', now);
      if (revoked > 0 || reg.status === 'active') {
        ctx.audit('registration.revoked', reg.id, { iss, sub, credentials_revoked: revoked, reason });
      }
      count += revoked;
    }
    return count;
  });
}

/**
 * PROTOCOL.md §4: an ID-JAG of a revoked delegation `(iss, sub, aud)` issued before the revocation is
 * refused with `consent_required` (the provider's code for "no live grant", §6): the user withdrew the
 * consent it carries. `iat` has whole-second resolution (RFC 7519 §2 NumericDate), so "before" means
 * its whole second ended by the revocation; one minted in the revocation's own second — possibly
 * after a fresh consent — is let through rather than refusing a token the user just approved.
 */
export function refuseRevokedIdJag(ctx: ServiceContext, idJag: { iss: string; sub: string; iat: number }): void {
  const revokedAt = ctx.store.revocations.revokedAt(idJag.iss, idJag.sub, ctx.issuer);
  if (revokedAt === undefined || (idJag.iat + 1) * 1000 > revokedAt) return;
  throw new ProtocolError(
    'consent_required',
    `This ID-JAG was issued before its user withdrew consent for this service (${new Date(revokedAt).toISOString()}). ` +
      'Ask the user to approve again at the provider, then mint a new ID-JAG.',
  );
}

/** Revocation rows outlive every ID-JAG they could refuse: issued before, it expires by then (plus skew). */
export function pruneRevocations(ctx: ServiceContext): void {
  const { idJagMaxLifetimeSeconds, clockSkewSeconds } = ctx.config;
  ctx.store.revocations.prune(ctx.now() - (idJagMaxLifetimeSeconds + 2 * clockSkewSeconds) * 1000);
}
