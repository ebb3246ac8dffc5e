import type { Request } from 'express';
import { PREFIX_V06 } from '../../../../protocol/v0.6/constants.js';
import { iso, type ServiceContext } from '../../../context.js';
import { clientIp } from '../../../http.js';
import { limitIp, limitTenant } from '../../../rateLimit.js';
import { newOpaque, sha256 } from '../../../secrets.js';
import { startAttemptV06 } from '../ceremony.js';
import { IdentityError } from '../errors.js';
import { urlV06 } from '../paths.js';

/** PROTOCOL-v0.6.md §2: the login_hint rule, exactly as the reference classifies it. */
const LOGIN_HINT = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * PROTOCOL-v0.6.md §2 service_auth (OIDC CIBA §7.1 `login_hint`): no assertion; the ceremony starts
 * at once for whoever signs in at `/login` with that email (ignoring case), existing account or not.
 */
export function registerServiceAuthV06(ctx: ServiceContext, req: Request, loginHint: unknown) {
  if (ctx.config.identityTypes.serviceAuth === false) throw new IdentityError('service_auth_not_enabled', 'This service does not accept service_auth registrations. Check identity_types_supported in the metadata.');
  if (typeof loginHint !== 'string' || loginHint.length > 320) throw new IdentityError('invalid_request', 'service_auth needs login_hint: the person\'s email address.');
  const hint = loginHint.trim();
  if (hint === '') throw new IdentityError('invalid_request', 'login_hint is empty; send the person\'s email address.');
  if (!LOGIN_HINT.test(hint)) throw new IdentityError('invalid_login_hint', `login_hint ${JSON.stringify(hint)} is not an email address.`);
  limitIp(ctx, 'identity_assertion', clientIp(req));
  // The tenant is the mail domain, as v0.1's verified_email: nobody can flood one domain's people with ceremonies.
  limitTenant(ctx, 'identity_assertion', `email:${hint.split('@')[1]!.toLowerCase()}`);

  const now = ctx.now();
  const registrationId = newOpaque(PREFIX_V06.registration, 22);
  const claimToken = newOpaque(PREFIX_V06.claimToken, 26);
  const expiresAt = now + ctx.config.registrationTtlSeconds * 1000;
  const attempt = ctx.store.transaction(() => {
    ctx.store.v06.registrations.insert({
      id: registrationId, type: 'service_auth', status: 'pending', user_id: null, login_hint: hint.toLowerCase(),
      iss: null, sub: null, aud: null, claims: null, claim_token_hash: sha256(claimToken), expires_at: expiresAt, created_at: now,
    });
    ctx.audit('registration.created', registrationId, { kind: 'service_auth', login_hint: hint.toLowerCase(), ip: clientIp(req) });
    return startAttemptV06(ctx, registrationId, hint);
  });
  return {
    registration_id: registrationId,
    registration_type: 'service_auth',
    claim_url: urlV06(ctx, 'claim'),
    claim_token: claimToken,
    claim_token_expires: iso(expiresAt),
    post_claim_scopes: ctx.config.postClaimScopes,
    claim: attempt.block,
  };
}
