import type { Request } from 'express';
import { PREFIX_V06 } from '../../../../protocol/v0.6/constants.js';
import { iso, type ServiceContext } from '../../../context.js';
import { clientIp } from '../../../http.js';
import { limitIp, limitTenant } from '../../../rateLimit.js';
import { newOpaque, sha256 } from '../../../secrets.js';
import { issueServiceAssertion } from '../assertion.js';
import { IdentityError } from '../errors.js';
import { urlV06 } from '../paths.js';

/**
 * PROTOCOL-v0.6.md §2 anonymous: a "v1" service assertion (no identity claims) that exchanges for
 * `preClaimScopes` now, and a claim handle; no ceremony starts until the agent names a person (§3).
 */
export async function registerAnonymousV06(ctx: ServiceContext, req: Request) {
  if (!ctx.config.identityTypes.anonymous) throw new IdentityError('anonymous_not_enabled', 'This service does not accept anonymous registrations. Check identity_types_supported in the metadata.');
  limitIp(ctx, 'anonymous', clientIp(req));
  limitTenant(ctx, 'anonymous', 'anonymous');
  const now = ctx.now();
  const registrationId = newOpaque(PREFIX_V06.registration, 22);
  const claimToken = newOpaque(PREFIX_V06.claimToken, 26);
  const expiresAt = now + ctx.config.registrationTtlSeconds * 1000;
  ctx.store.transaction(() => {
    ctx.store.v06.registrations.insert({
      id: registrationId, type: 'anonymous', status: 'pending', user_id: null, login_hint: null,
      iss: null, sub: null, aud: null, claims: null, claim_token_hash: sha256(claimToken), expires_at: expiresAt, created_at: now,
    });
    ctx.audit('registration.created', registrationId, { kind: 'anonymous', ip: clientIp(req) });
  });
  const assertion = await issueServiceAssertion(ctx, registrationId);
  return {
    registration_id: registrationId,
    registration_type: 'anonymous',
    ...assertion,
    pre_claim_scopes: ctx.config.preClaimScopes,
    claim_url: urlV06(ctx, 'claim'),
    claim_token: claimToken,
    claim_token_expires: iso(expiresAt),
    post_claim_scopes: ctx.config.postClaimScopes,
  };
}
