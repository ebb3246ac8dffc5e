import type { Router } from 'express';
import { z } from 'zod';
import { SERVICE_PATHS_V06 } from '../../../protocol/v0.6/constants.js';
import { iso, type ServiceContext } from '../../context.js';
import { clientIp, noStore } from '../../http.js';
import { limitIp } from '../../rateLimit.js';
import { sha256 } from '../../secrets.js';
import { startAttemptV06 } from './ceremony.js';
import { IdentityError } from './errors.js';

const claimBody = z.object({ claim_token: z.string().min(1).max(512), email: z.email().max(320) });

/**
 * PROTOCOL-v0.6.md §3 `POST /agent/identity/claim`: start (anonymous) or restart (any pending kind)
 * the ceremony. Checks in §3's order: body → claim_token → outer window → claimed; then (beyond) a
 * step-up row's email must be its matched account's, so a restart cannot re-aim the link.
 */
export function claimRoutesV06(router: Router, ctx: ServiceContext): void {
  router.post(SERVICE_PATHS_V06.claim, (req, res) => {
    if (!req.is('application/json')) throw new IdentityError('invalid_request', 'Send a JSON body with Content-Type: application/json.');
    const parsed = claimBody.safeParse(req.body ?? {});
    if (!parsed.success) throw new IdentityError('invalid_request', 'The body must be {"claim_token": "clm_…", "email": "<the person\'s email address>"}.');
    const { claim_token: claimToken, email } = parsed.data;
    ctx.expireDue();
    const reg = ctx.store.v06.registrations.byClaimTokenHash(sha256(claimToken));
    if (!reg) throw new IdentityError('invalid_claim_token', 'Unknown claim_token (replaced by a newer one, or the registration was revoked). Register again.');
    if (reg.status === 'expired' || (reg.expires_at !== null && reg.expires_at <= ctx.now())) {
      throw new IdentityError('claim_expired', 'The claim window of this registration is over. Register again.');
    }
    if (reg.status === 'claimed') throw new IdentityError('claimed_or_in_flight', 'This registration is already claimed; poll the claim grant for its token.');
    // beyond (§3): the reference lets a restart aim a step-up at any account, which would then get the delegation.
    if (reg.type === 'identity_assertion' && reg.login_hint && email.toLowerCase() !== reg.login_hint.toLowerCase()) {
      throw new IdentityError('invalid_login_hint', 'This registration links to an existing account; the ceremony can only be restarted for that account\'s email.');
    }
    limitIp(ctx, 'anonymous', clientIp(req)); // each call mints a new code: keep it from becoming a guessing oracle
    const attempt = ctx.store.transaction(() => startAttemptV06(ctx, reg.id, email));
    noStore(res);
    res.json({ registration_id: reg.id, claim_attempt_id: attempt.id, status: 'initiated', expires_at: iso(attempt.linkExpiresAt), claim_attempt: attempt.block });
  });
}
