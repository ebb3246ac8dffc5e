import { PREFIX } from '../../../../protocol/constants.js';
import { ProtocolError } from '../../../../protocol/errors.js';
import { iso, url } from '../../../context.js';
import { clientIp } from '../../../http.js';
import { issueCredential } from '../issue.js';
import { limitIp, limitTenant } from '../../../rateLimit.js';
import { newId, newSecret, sha256 } from '../../../secrets.js';
import { credentialTypeFor } from './credentialType.js';
import type { RegistrationHandler } from './index.js';

/** PROTOCOL.md §2 anonymous: an API key with pre-claim scopes now, more scopes once a person claims it. */
export const registerAnonymous: RegistrationHandler = async (ctx, req, body) => {
  if (!ctx.config.identityTypes.anonymous) throw new ProtocolError('anonymous_not_enabled', 'This service does not accept anonymous registrations. Check identity_types_supported in the metadata.');
  const credentialType = credentialTypeFor(body.requested_credential_type, ['api_key'], 'api_key');
  limitIp(ctx, 'anonymous', clientIp(req));
  limitTenant(ctx, 'anonymous', 'anonymous');

  const now = ctx.now();
  const registrationId = newId(PREFIX.registration);
  const claimToken = newSecret(PREFIX.claimToken);
  const expiresAt = now + ctx.config.registrationTtlSeconds * 1000;
  const issued = ctx.store.transaction(() => {
    ctx.store.registrations.insert({
      id: registrationId, kind: 'anonymous', status: 'pending', credential_type: credentialType,
      user_id: null, email: null, iss: null, sub: null,
      claim_token_hash: sha256(claimToken), expires_at: expiresAt, created_at: now,
    });
    ctx.audit('registration.created', registrationId, { kind: 'anonymous', ip: clientIp(req) });
    return issueCredential(ctx, registrationId, credentialType, ctx.config.preClaimScopes);
  });
  return {
    registration_id: registrationId,
    registration_type: 'anonymous',
    ...issued,
    claim_url: url(ctx, 'claim'),
    claim_token: claimToken,
    claim_token_expires: iso(expiresAt),
    post_claim_scopes: ctx.config.postClaimScopes,
  };
};
