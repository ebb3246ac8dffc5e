import type { ServiceContext } from '../../context.js';

/**
 * PROTOCOL-v0.6.md §3 "Expiry": the outer window (`claim_token_expires`) closing makes an unclaimed
 * registration `expired`, and (beyond) its access tokens stop working with it. Runs on the timer and
 * before each lookup that cares, so a moved clock never leaves a dead registration alive.
 */
export function expireDueV06(ctx: ServiceContext): void {
  const now = ctx.now();
  const { registrations, tokens } = ctx.store.v06;
  const due = registrations.dueForExpiry(now);
  if (due.length === 0) return;
  ctx.store.transaction(() => {
    for (const reg of due) {
      registrations.expire(reg.id, now);
      const revoked = tokens.revokeForRegistration(reg.id, now);
      ctx.audit('registration.expired', reg.id, { kind: reg.type, tokens_revoked: revoked });
    }
  });
}

/** Rows nobody can use any more: assertions past their exp, sessions past theirs. */
export function sweepV06(ctx: ServiceContext): void {
  const now = ctx.now();
  ctx.store.v06.tokens.pruneAssertions(now - ctx.config.clockSkewSeconds * 1000);
  ctx.store.v06.accounts.pruneSessions(now);
}
