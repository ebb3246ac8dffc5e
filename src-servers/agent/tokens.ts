import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { ID_JAG_TYP } from '../protocol/constants.js';

/**
 * JWT helpers for the agent's lessons and its printout. The agent never verifies or edits a
 * real token it relies on; these make deliberately broken ones to show how a service refuses them.
 */

export const UNTRUSTED_ISSUER = 'https://untrusted-provider.example';

/** Header and claims of a JWT, without checking anything (for display only). */
export function peek(jwt: string): { header: Record<string, unknown>; claims: Record<string, unknown> } | undefined {
  try {
    return { header: decodeProtectedHeader(jwt) as Record<string, unknown>, claims: decodeJwt(jwt) as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

const b64url = (s: string) => Buffer.from(s).toString('base64url');

/**
 * Change one claim and keep the original signature — what an attacker (or a "helpful" agent
 * fixing a token) would do. RFC 7515 §5.2: the signature covers header and payload, so it no longer verifies.
 */
export function tamperClaims(jwt: string, edit: (claims: Record<string, unknown>) => void): string {
  const [header, payload, signature] = jwt.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  edit(claims);
  return `${header}.${b64url(JSON.stringify(claims))}.${signature}`;
}

/**
 * An ID-JAG in the right shape, signed by a provider the service has never heard of: a fresh
 * ES256 key that nobody publishes in a JWKS the service trusts.
 */
export async function mintForeignIdJag(claims: { sub: string; aud: string; email: string; resource?: string; client_id?: string }) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const kid = `foreign-${randomUUID().slice(0, 8)}`;
  const now = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({
    email: claims.email,
    email_verified: true,
    client_id: claims.client_id ?? `${UNTRUSTED_ISSUER}/agent-auth.json`,
    ...(claims.resource ? { resource: claims.resource } : {}),
  })
    .setProtectedHeader({ alg: 'ES256', typ: ID_JAG_TYP, kid })
    .setIssuer(UNTRUSTED_ISSUER)
    .setSubject(claims.sub)
    .setAudience(claims.aud)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(privateKey);
  return { jwt, publicJwk: { ...(await exportJWK(publicKey)), kid } };
}

/** Every JWT-looking string in a text (compact JWS: three base64url parts, header starts "eyJ"). */
export function findJwts(text: string | null | undefined): string[] {
  if (!text) return [];
  return [...new Set(text.match(/eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g) ?? [])];
}
