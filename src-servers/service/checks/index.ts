import { ID_JAG_TYP, LOGOUT_TOKEN_TYP } from '../../protocol/constants.js';
import { checkAudience } from './audience.js';
import { checkClientId } from './clientId.js';
import { checkFormat } from './format.js';
import { checkHeader } from './header.js';
import { checkIssuer } from './issuer.js';
import { checkLogoutEvent, checkLogoutTimes } from './logoutEvent.js';
import { checkPolicy } from './policy.js';
import { checkReplay } from './replay.js';
import { checkSignature } from './signature.js';
import { checkTenantRateLimit } from './tenantRateLimit.js';
import { checkTimes } from './times.js';
import type { CheckEnv } from './types.js';
import { checkVerifiedIdentity } from './verifiedIdentity.js';

export type { CheckEnv } from './types.js';

/** The claims a verified ID-JAG gives us (ID-JAG draft §3; PROTOCOL.md §6). */
export interface VerifiedIdJag {
  iss: string;
  sub: string;
  jti: string;
  clientId: string;
  email?: string;
  emailVerified: boolean;
  phoneNumber?: string;
  phoneNumberVerified: boolean;
  name?: string;
  scope?: string;
  claims: Record<string, unknown>;
}

/**
 * Verify an ID-JAG, one rule at a time, in the order of PROTOCOL.md §2's table; the first rule
 * that fails throws its `ProtocolError`. The issuer's tenant rate limit is a step too, right after
 * the signature (tenantRateLimit.ts says why there).
 */
export async function verifyIdJag(jwt: string, env: CheckEnv): Promise<VerifiedIdJag> {
  return (await verifyIdJagUntilReplay(jwt, env))();
}

/**
 * verifyIdJag in two parts: the rules up to the last one that waits (the client's metadata), then a
 * function running the rest, from the replay check on, synchronously — so that a caller can run it
 * inside the transaction that registers, and the jti commits with the registration: one commit
 * per request, not two (issue 19).
 */
export async function verifyIdJagUntilReplay(jwt: string, env: CheckEnv): Promise<() => VerifiedIdJag> {
  const token = checkFormat(jwt);
  const iss = checkIssuer(token, env);
  checkHeader(token, ID_JAG_TYP);
  await checkSignature(token, iss, env);
  checkTenantRateLimit(iss, env);
  checkTimes(token, env);
  checkAudience(token, env, { checkResource: true });
  await checkClientId(token, iss, env);
  return () => {
    checkReplay(token, iss, env);
    checkVerifiedIdentity(token);
    checkPolicy(token, env);
    return verifiedClaims(token.claims, iss);
  };
}

function verifiedClaims(c: Record<string, unknown>, iss: string): VerifiedIdJag {
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  return {
    iss,
    sub: c.sub as string,
    jti: c.jti as string,
    clientId: c.client_id as string,
    email: str(c.email),
    emailVerified: c.email_verified === true,
    phoneNumber: str(c.phone_number),
    phoneNumberVerified: c.phone_number_verified === true,
    name: str(c.name),
    scope: str(c.scope),
    claims: c,
  };
}

/** PROTOCOL.md §4: a logout token is "verified like an ID-JAG" with its own typ and event rules. */
export async function verifyLogoutToken(jwt: string, env: CheckEnv): Promise<{ iss: string; sub: string }> {
  const token = checkFormat(jwt);
  const iss = checkIssuer(token, env);
  checkHeader(token, LOGOUT_TOKEN_TYP);
  await checkSignature(token, iss, env);
  const acceptableUntil = checkLogoutTimes(token, env);
  checkAudience(token, env, { checkResource: false });
  checkLogoutEvent(token);
  checkReplay(token, iss, env, acceptableUntil);
  return { iss, sub: token.claims.sub as string };
}
