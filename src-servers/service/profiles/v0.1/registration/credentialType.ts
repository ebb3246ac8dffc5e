import { CREDENTIAL_TYPES, type CredentialType } from '../../../../protocol/constants.js';
import { ProtocolError } from '../../../../protocol/errors.js';

/** PROTOCOL.md §2 `unsupported_credential_type`: each registration type issues only some kinds. */
export function credentialTypeFor(requested: string | undefined, allowed: CredentialType[], fallback: CredentialType): CredentialType {
  const type = requested ?? fallback;
  if (!(CREDENTIAL_TYPES as readonly string[]).includes(type) || !allowed.includes(type as CredentialType)) {
    throw new ProtocolError('unsupported_credential_type', `requested_credential_type must be one of ${allowed.map((t) => `"${t}"`).join(', ')} here.`);
  }
  return type as CredentialType;
}
