import { z } from 'zod';
import { PREFIX } from '../../../../protocol/constants.js';
import { ProtocolError } from '../../../../protocol/errors.js';
import { iso, url } from '../../../context.js';
import { clientIp } from '../../../http.js';
import { limitIp, limitTenant } from '../../../rateLimit.js';
import { sendClaimEmail, startClaimAttempt } from '../routes/claim.js';
import { newId, newSecret, sha256 } from '../../../secrets.js';
import { credentialTypeFor } from './credentialType.js';
import type { RegistrationHandler } from './index.js';

/**
 * PROTOCOL.md §2 verified email: no credential yet. The claim email goes out now; the credential
 * comes from `/agent/auth/claim/complete` once the person reads the code back to the agent.
 */
export const registerVerifiedEmail: RegistrationHandler = async (ctx, req, body) => {
  if (body.type !== 'identity_assertion') throw new Error('registry dispatched a non-assertion to verified_email');
  if (!ctx.config.identityTypes.verifiedEmail) throw new ProtocolError('verified_email_not_enabled', 'This service does not accept verified_email assertions. Check identity_assertion.assertion_types_supported in the metadata.');
  const credentialType = credentialTypeFor(body.requested_credential_type, ['api_key', 'access_token'], 'api_key');
  const email = parseEmail(body.assertion);
  limitIp(ctx, 'identity_assertion', clientIp(req));
  // The tenant is the mail domain: nobody can flood one domain's inboxes (rateLimit.ts).
  limitTenant(ctx, 'identity_assertion', `email:${email.split('@')[1]}`);

  const now = ctx.now();
  const registrationId = newId(PREFIX.registration);
  const claimToken = newSecret(PREFIX.claimToken);
  const expiresAt = now + ctx.config.registrationTtlSeconds * 1000;
  const attempt = ctx.store.transaction(() => {
    ctx.store.registrations.insert({
      id: registrationId, kind: 'email-verification', status: 'pending', credential_type: credentialType,
      user_id: null, email, iss: null, sub: null,
      claim_token_hash: sha256(claimToken), expires_at: expiresAt, created_at: now,
    });
    ctx.audit('registration.created', registrationId, { kind: 'email-verification', email, ip: clientIp(req) });
    return startClaimAttempt(ctx, registrationId, email);
  });
  try {
    await sendClaimEmail(ctx, registrationId, email, attempt);
  } catch (err) {
    // Without the email nobody can ever claim it: undo, and let the agent retry (or fix the address).
    ctx.store.transaction(() => {
      ctx.store.claimAttempts.removeForRegistration(registrationId);
      ctx.store.registrations.end(registrationId, 'expired', ctx.now());
    });
    throw err;
  }
  return {
    registration_id: registrationId,
    registration_type: 'email-verification',
    claim_url: url(ctx, 'claim'),
    claim_token: claimToken,
    claim_token_expires: iso(expiresAt),
    post_claim_scopes: ctx.config.postClaimScopes,
  };
};

/** The same address rule as the claim endpoint's `email` (schemas.ts): no trailing dot, no empty labels. */
const EMAIL = z.email().max(320);

function parseEmail(assertion: string): string {
  const email = assertion.trim().toLowerCase();
  if (!EMAIL.safeParse(email).success) {
    throw new ProtocolError('invalid_request', 'A verified_email assertion must be the user\'s email address.');
  }
  return email;
}
