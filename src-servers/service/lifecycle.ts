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

/** PROTOCOL.md §4: every credential issued for (iss, sub) stops working at once. */
export function revokeDelegation(ctx: ServiceContext, iss: string, sub: string, reason: string): number {
  const now = ctx.now();
  return ctx.store.transaction(() => {
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
