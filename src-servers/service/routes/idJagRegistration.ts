import { PREFIX, type CredentialType } from '../../protocol/constants.js';
import { verifyIdJag } from '../checks/index.js';
import type { ServiceContext } from '../context.js';
import { matchUser } from '../identity.js';
import { issueCredential, type IssuedCredential } from '../issue.js';
import { newId } from '../secrets.js';

/**
 * Shared by `POST /agent/auth` (PROTOCOL.md §2) and `POST /oauth2/token` (§5): verify the ID-JAG,
 * match the user, and issue a credential under the (iss, sub) delegation's registration. A verified
 * ID-JAG needs no claim ceremony: the provider already vouched for the user, so the credential gets
 * the post-claim scopes at once. (The ID-JAG's optional `scope` claim is not used to narrow them.)
 */
export async function registerWithIdJag(
  ctx: ServiceContext,
  assertion: string,
  credentialType: CredentialType,
  hooks: { onTrustedIssuer?: (iss: string) => void } = {},
): Promise<{ registrationId: string; userId: string; issued: IssuedCredential }> {
  const idJag = await verifyIdJag(assertion, ctx, hooks);
  return ctx.store.transaction(() => {
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
    return { registrationId, userId, issued };
  });
}
