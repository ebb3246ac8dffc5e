import { SignJWT } from 'jose';
import { EVENT_ASSERTION_REVOKED, LOGOUT_TOKEN_CONTENT_TYPE, LOGOUT_TOKEN_TYP } from '../protocol/constants.js';
import { epochSeconds, randomId, type ProviderContext } from './context.js';

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

/** What the receiver answered, kept on the grant for the studio's state view. */
export interface DeliveryResult {
  at: string;
  uri: string;
  status?: number;
  body?: string;
  error?: string;
}

/** OIDC Back-Channel Logout §2.5 — POST the token as the body, Content-Type application/logout+jwt. */
export async function deliverLogoutToken(ctx: ProviderContext, uri: string, token: string): Promise<DeliveryResult> {
  const at = new Date(ctx.now()).toISOString();
  try {
    const res = await ctx.fetch(uri, {
      method: 'POST',
      headers: { 'Content-Type': LOGOUT_TOKEN_CONTENT_TYPE, Accept: 'application/json' },
      body: token,
      redirect: 'manual', // §2.5: a redirect is not a delivery
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await res.text()).slice(0, 2_000);
    return { at, uri, status: res.status, body };
  } catch (err) {
    return { at, uri, error: (err as Error).message };
  }
}
