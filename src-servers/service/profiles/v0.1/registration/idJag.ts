import { PREFIX, type CredentialType } from '../../../../protocol/constants.js';
import { ProtocolError } from '../../../../protocol/errors.js';
import { verifyIdJagUntilReplay, type VerifiedIdJag } from '../../../checks/index.js';
import type { ServiceContext } from '../../../context.js';
import { clientIp } from '../../../http.js';
import { matchUser } from '../identity.js';
import { issueCredential, type IssuedCredential } from '../issue.js';
import { refuseRevokedIdJag } from '../../../lifecycle.js';
import { limitIp } from '../../../rateLimit.js';
import { newId } from '../../../secrets.js';
import { credentialTypeFor } from './credentialType.js';
import type { RegistrationHandler } from './index.js';

/** PROTOCOL.md §2 identity_assertion + ID-JAG: a credential at once, no claim ceremony, never a refresh token. */
export const registerIdJag: RegistrationHandler = async (ctx, req, body) => {
  if (body.type !== 'identity_assertion') throw new Error('registry dispatched a non-assertion to the ID-JAG handler');
  if (!ctx.config.identityTypes.idJag) throw new ProtocolError('id_jag_not_enabled', 'This service does not accept ID-JAG assertions. Check identity_assertion.assertion_types_supported in the metadata.');
  const credentialType = credentialTypeFor(body.requested_credential_type, ['access_token', 'api_key'], 'access_token');
  limitIp(ctx, 'identity_assertion', clientIp(req));
  const result = await registerWithIdJag(ctx, body.assertion, credentialType);
  return { registration_id: result.registrationId, registration_type: 'agent-provider', ...result.issued };
};

/**
 * Shared by `POST /agent/auth` (PROTOCOL.md §2) and `POST /oauth2/token` (§5): verify the ID-JAG
 * (its pipeline charges the issuer's tenant rate limit), match the user, and issue a credential
 * under the (iss, sub) delegation's registration. A verified ID-JAG needs no claim ceremony: the
 * provider already vouched for the user, so the credential gets the post-claim scopes at once.
 * (The ID-JAG's optional `scope` claim is not used to narrow them.)
 */
export async function registerWithIdJag(
  ctx: ServiceContext,
  assertion: string,
  credentialType: CredentialType,
): Promise<{ registrationId: string; userId: string; issued: IssuedCredential }> {
  const finishChecks = await verifyIdJagUntilReplay(assertion, ctx);
  // One transaction: the jti (the replay rule) commits with the registration (issue 19). A rule that
  // refuses the token leaves what the rules before it recorded — the jti, as when it committed on
  // its own — so the transaction commits, and the refusal is thrown after it.
  const outcome = ctx.store.transaction(() => {
    let idJag: VerifiedIdJag;
    try {
      idJag = finishChecks();
      // Inside the transaction: a revocation that lands while the signature was being checked still counts.
      refuseRevokedIdJag(ctx, { iss: idJag.iss, sub: idJag.sub, iat: idJag.claims.iat as number });
    } catch (refusal) {
      return { refusal };
    }
    const existing = ctx.store.registrations.activeForDelegation(idJag.iss, idJag.sub);
    const registrationId = existing?.id ?? newId(PREFIX.registration);
    const userId = matchUser(ctx, { ...idJag }, registrationId);
    if (!existing) {
      ctx.store.registrations.insert({
        id: registrationId, kind: 'agent-provider', status: 'active', credential_type: credentialType,
        user_id: userId, email: idJag.emailVerified ? (idJag.email?.toLowerCase() ?? null) : null,
        iss: idJag.iss, sub: idJag.sub, claim_token_hash: null, expires_at: null, created_at: ctx.now(),
      });
      ctx.audit('registration.created', registrationId, { kind: 'agent-provider', iss: idJag.iss, sub: idJag.sub, client_id: idJag.clientId });
    }
    const issued = issueCredential(ctx, registrationId, credentialType, ctx.config.postClaimScopes);
    return { registered: { registrationId, userId, issued } };
  });
  if ('refusal' in outcome) throw outcome.refusal;
  return outcome.registered;
}
