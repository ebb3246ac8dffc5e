import { ID_JAG_TYP } from '../../../protocol/constants.js';
import { ProtocolError } from '../../../protocol/errors.js';
import { checkAudience } from '../../checks/audience.js';
import { checkAuthTime } from '../../checks/authTime.js';
import { checkClientId } from '../../checks/clientId.js';
import { checkFormat } from '../../checks/format.js';
import { checkTyp } from '../../checks/header.js';
import { checkIssuer } from '../../checks/issuer.js';
import { checkReplay } from '../../checks/replay.js';
import { checkSignature } from '../../checks/signature.js';
import { checkTenantRateLimit } from '../../checks/tenantRateLimit.js';
import { checkExpiry, checkTimeClaims } from '../../checks/times.js';
import type { CheckEnv, PresentedJwt } from '../../checks/types.js';
import { checkVerifiedIdentity } from '../../checks/verifiedIdentity.js';

export interface VerifiedIdJagV06 {
  iss: string;
  sub: string;
  email?: string;
  emailVerified: boolean;
  phoneNumber?: string;
  phoneNumberVerified: boolean;
  name?: string;
  amr?: unknown[];
  claims: Record<string, unknown>;
}

/** §2 row 1: a non-JWT has "no issuer" — v0.6 answers `invalid_issuer`, not v0.1's `invalid_request`. */
function decode(jwt: string): PresentedJwt {
  try {
    return checkFormat(jwt);
  } catch {
    throw new ProtocolError('invalid_issuer', 'The assertion is not a JWT, so it names no issuer on this service\'s trust list.');
  }
}

/**
 * Verify an ID-JAG in the order of PROTOCOL-v0.6.md §2's table, each row a shared check
 * (checks/); the first that fails throws. Row 12 (`auth_time`) throws AuthTimeError, which the
 * identity route answers with 401 `login_required`. The issuer's tenant rate limit runs right after
 * the signature, as in v0.1 (checks/tenantRateLimit.ts says why).
 */
export async function verifyIdJagV06(jwt: string, env: CheckEnv): Promise<VerifiedIdJagV06> {
  const token = decode(jwt);
  const iss = checkIssuer(token, env); // row 1
  checkTyp(token, ID_JAG_TYP); // row 2
  await checkSignature(token, iss, env); // row 3
  checkTenantRateLimit(iss, env);
  checkTimeClaims(token, env); // row 4
  checkExpiry(token, env); // row 5
  checkAudience(token, env, { checkResource: true }); // rows 6–7
  await checkClientId(token, iss, env); // row 8
  checkReplay(token, iss, env); // rows 9–10 (the jti is burnt here, so a later failure still spends it)
  checkVerifiedIdentity(token); // row 11
  checkAuthTime(token, env, env.config.idJagMaxAuthAgeSeconds); // row 12

  const c = token.claims;
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  return {
    iss,
    sub: c.sub as string,
    email: str(c.email),
    emailVerified: c.email_verified === true,
    phoneNumber: str(c.phone_number),
    phoneNumberVerified: c.phone_number_verified === true,
    name: str(c.name),
    amr: Array.isArray(c.amr) ? c.amr : undefined,
    claims: c,
  };
}
