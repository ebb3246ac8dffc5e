import type { Request, Router } from 'express';
import {
  ASSERTION_TYPE_VERIFIED_EMAIL,
  CREDENTIAL_TYPES,
  PREFIX,
  SERVICE_PATHS,
  TOKEN_TYPE_ID_JAG,
  type CredentialType,
} from '../../protocol/constants.js';
import { ProtocolError } from '../../protocol/errors.js';
import { iso, url, type ServiceContext } from '../context.js';
import { clientIp, noStore, requireMediaType } from '../http.js';
import { issueCredential } from '../issue.js';
import { limitIp, limitTenant } from '../rateLimit.js';
import { parseBody } from '../../http/body.js';
import { registrationRequest } from '../schemas.js';
import { newId, newSecret, sha256 } from '../secrets.js';
import { sendClaimEmail, startClaimAttempt } from './claim.js';
import { registerWithIdJag } from './idJagRegistration.js';

/** PROTOCOL.md §2: `POST /agent/auth`, dispatched on `type` (and `assertion_type`). */
export function registerRoutes(router: Router, ctx: ServiceContext): void {
  router.post(SERVICE_PATHS.register, async (req, res) => {
    requireMediaType(req, 'application/json', 'application/json');
    const body = parseBody(registrationRequest, req.body);
    noStore(res);
    if (body.type === 'anonymous') {
      res.json(registerAnonymous(ctx, req, body.requested_credential_type));
      return;
    }
    if (body.assertion_type === ASSERTION_TYPE_VERIFIED_EMAIL) {
      res.json(await registerVerifiedEmail(ctx, req, body.assertion, body.requested_credential_type));
      return;
    }
    if (body.assertion_type === TOKEN_TYPE_ID_JAG) {
      if (!ctx.config.identityTypes.idJag) throw new ProtocolError('id_jag_not_enabled', 'This service does not accept ID-JAG assertions. Check identity_assertion.assertion_types_supported in the metadata.');
      const credentialType = credentialTypeFor(body.requested_credential_type, ['access_token', 'api_key'], 'access_token');
      limitIp(ctx, 'identity_assertion', clientIp(req));
      const result = await registerWithIdJag(ctx, body.assertion, credentialType, {
        onTrustedIssuer: (iss) => limitTenant(ctx, 'identity_assertion', `iss:${iss}`),
      });
      res.json({ registration_id: result.registrationId, registration_type: 'agent-provider', ...result.issued });
      return;
    }
    throw new ProtocolError('invalid_request', `Unknown assertion_type ${JSON.stringify(body.assertion_type)}; use "${TOKEN_TYPE_ID_JAG}" or "${ASSERTION_TYPE_VERIFIED_EMAIL}".`);
  });
}

/** PROTOCOL.md §2 `unsupported_credential_type`: each registration type issues only some kinds. */
function credentialTypeFor(requested: string | undefined, allowed: CredentialType[], fallback: CredentialType): CredentialType {
  const type = requested ?? fallback;
  if (!(CREDENTIAL_TYPES as readonly string[]).includes(type) || !allowed.includes(type as CredentialType)) {
    throw new ProtocolError('unsupported_credential_type', `requested_credential_type must be one of ${allowed.map((t) => `"${t}"`).join(', ')} here.`);
  }
  return type as CredentialType;
}

/** PROTOCOL.md §2 anonymous: an API key with pre-claim scopes now, more scopes once a person claims it. */
function registerAnonymous(ctx: ServiceContext, req: Request, requested: string | undefined) {
  if (!ctx.config.identityTypes.anonymous) throw new ProtocolError('anonymous_not_enabled', 'This service does not accept anonymous registrations. Check identity_types_supported in the metadata.');
  const credentialType = credentialTypeFor(requested, ['api_key'], 'api_key');
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
}

/**
 * PROTOCOL.md §2 verified email: no credential yet. The claim email goes out now; the credential
 * comes from `/agent/auth/claim/complete` once the person reads the code back to the agent.
 */
async function registerVerifiedEmail(ctx: ServiceContext, req: Request, assertion: string, requested: string | undefined) {
  if (!ctx.config.identityTypes.verifiedEmail) throw new ProtocolError('verified_email_not_enabled', 'This service does not accept verified_email assertions. Check identity_assertion.assertion_types_supported in the metadata.');
  const credentialType = credentialTypeFor(requested, ['api_key', 'access_token'], 'api_key');
  const email = parseEmail(assertion);
  limitIp(ctx, 'identity_assertion', clientIp(req));
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
    // Without the email nobody can ever claim it: undo, and let the agent retry.
    ctx.store.transaction(() => {
      ctx.store.claimAttempts.removeForRegistration(registrationId);
      ctx.store.registrations.end(registrationId, 'expired', ctx.now());
    });
    ctx.log(`service: claim email to ${email} failed: ${(err as Error).message}`);
    throw new ProtocolError('server_error', 'Could not send the claim email. Retry later.');
  }
  return {
    registration_id: registrationId,
    registration_type: 'email-verification',
    claim_url: url(ctx, 'claim'),
    claim_token: claimToken,
    claim_token_expires: iso(expiresAt),
    post_claim_scopes: ctx.config.postClaimScopes,
  };
}

function parseEmail(assertion: string): string {
  const email = assertion.trim().toLowerCase();
  if (email.length > 320 || !/^[^\s@"<>]+@[^\s@"<>]+\.[^\s@"<>]+$/.test(email)) {
    throw new ProtocolError('invalid_request', 'A verified_email assertion must be the user\'s email address.');
  }
  return email;
}
