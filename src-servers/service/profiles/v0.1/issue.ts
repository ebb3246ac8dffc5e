import { PREFIX, type CredentialType } from '../../../protocol/constants.js';
import type { ServiceContext } from '../../context.js';
import { iso } from '../../context.js';
import { newId, newSecret, secretHint, sha256 } from '../../secrets.js';

export interface IssuedCredential {
  credential_type: CredentialType;
  credential: string;
  credential_expires: string | null;
  scopes: string[];
}

/**
 * Mint an API key (`sk_test_`, no expiry) or an access token (`at_`, `accessTokenTtlSeconds`).
 * Only the SHA-256 is stored (PROTOCOL.md §7); the plaintext is returned to be sent once.
 * There is never a refresh token (PROTOCOL.md §2): the agent re-registers or re-asserts instead.
 */
export function issueCredential(
  ctx: ServiceContext,
  registrationId: string,
  type: CredentialType,
  scopes: string[],
): IssuedCredential {
  const now = ctx.now();
  const prefix = type === 'api_key' ? PREFIX.apiKey : PREFIX.accessToken;
  const credential = newSecret(prefix);
  const expiresAt = type === 'access_token' ? now + ctx.config.accessTokenTtlSeconds * 1000 : null;
  const id = newId('cred_');
  ctx.store.credentials.insert({
    id,
    registration_id: registrationId,
    type,
    token_hash: sha256(credential),
    hint: secretHint(credential, prefix),
    scopes: scopes.join(' '),
    expires_at: expiresAt,
    created_at: now,
  });
  ctx.audit('credential.issued', registrationId, { credential_id: id, type, scopes });
  return { credential_type: type, credential, credential_expires: expiresAt === null ? null : iso(expiresAt), scopes };
}
