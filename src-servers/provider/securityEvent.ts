import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { EVENT_ASSERTION_REVOKED } from '../protocol/constants.js';
import { SET_CONTENT_TYPE, SET_TYP } from '../protocol/v0.6/constants.js';
import { epochSeconds, type ProviderContext } from './context.js';
import { pushToken, type DeliveryResult } from './delivery.js';

/**
 * The revocation a v0.6 service hears (PROTOCOL-v0.6.md §6, §4): an RFC 8417 Security Event Token
 * with header {alg:"ES256", kid, typ:"secevent+jwt"} (RFC 8417 §2.3) and claims iss, sub (the user),
 * aud (the grant's audience: the service issuer), jti, iat and `events` holding the
 * assertion-revoked event. No `exp`: neither provider sends one, and RFC 8417 §2.2 makes it optional.
 */
export async function mintSecurityEventToken(ctx: ProviderContext, sub: string, audience: string): Promise<string> {
  const { kid, privateKey } = ctx.keys.signingKey();
  return new SignJWT({ events: { [EVENT_ASSERTION_REVOKED]: {} } })
    .setProtectedHeader({ alg: 'ES256', kid, typ: SET_TYP })
    .setIssuer(ctx.issuer)
    .setSubject(sub)
    .setAudience(audience)
    .setJti(randomUUID())
    .setIssuedAt(epochSeconds(ctx.now()))
    .sign(privateKey);
}

/** RFC 8935 §2 — push the SET as the body, Content-Type application/secevent+jwt; success is a 2xx (the spec's 202). */
export const pushSecurityEvent = (ctx: ProviderContext, uri: string, set: string): Promise<DeliveryResult> =>
  pushToken(ctx, uri, set, SET_CONTENT_TYPE);
