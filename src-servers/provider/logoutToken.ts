import { SignJWT } from 'jose';
import { EVENT_ASSERTION_REVOKED, LOGOUT_TOKEN_CONTENT_TYPE, LOGOUT_TOKEN_TYP } from '../protocol/constants.js';
import { epochSeconds, randomId, type ProviderContext } from './context.js';
import { pushToken, type DeliveryResult } from './delivery.js';

export type { DeliveryResult } from './delivery.js';

/** A logout token is only for immediate delivery; two minutes covers any clock skew. */
export const LOGOUT_TOKEN_TTL_SECONDS = 120;

/**
 * OIDC Back-Channel Logout 1.0 §2.4, as PROTOCOL.md §4 profiles it: header typ "logout+jwt";
 * claims iss, sub, aud (the service's AS issuer), jti, iat, exp, and `events` holding the
 * assertion-revoked event. Never a `nonce` (§2.4: its presence makes the token invalid).
 */
export async function mintLogoutToken(ctx: ProviderContext, sub: string, audience: string): Promise<string> {
  const { kid, privateKey } = ctx.keys.signingKey();
  const iat = epochSeconds(ctx.now());
  return new SignJWT({ events: { [EVENT_ASSERTION_REVOKED]: {} } })
    .setProtectedHeader({ alg: 'ES256', typ: LOGOUT_TOKEN_TYP, kid })
    .setIssuer(ctx.issuer)
    .setSubject(sub)
    .setAudience(audience)
    .setJti(randomId(''))
    .setIssuedAt(iat)
    .setExpirationTime(iat + LOGOUT_TOKEN_TTL_SECONDS)
    .sign(privateKey);
}

/** OIDC Back-Channel Logout §2.5 — POST the token as the body, Content-Type application/logout+jwt. */
export const deliverLogoutToken = (ctx: ProviderContext, uri: string, token: string): Promise<DeliveryResult> =>
  pushToken(ctx, uri, token, LOGOUT_TOKEN_CONTENT_TYPE);
