import { randomBytes } from 'node:crypto';
import { base64url, CompactSign, generateKeyPair, type CompactJWSHeaderParameters } from 'jose';
import { ID_JAG_TYP } from '../protocol/constants.js';

/**
 * Deliberately broken ID-JAGs, for failure lessons and tests — NOT the real minting path
 * (that is `idJag.ts`, which enforces consent and policy). A forged token is shaped like a real
 * one (alice, every PROTOCOL.md §6 claim) and then bent the way a lesson needs:
 *
 *   await mintIdJag(host.provider, { aud: 'http://127.0.0.1:9999' })                  // wrong audience
 *   await mintIdJag(host.provider, { aud, iat: t - 900, exp: t - 600 })               // expired (t = seconds)
 *   await mintIdJag(host.provider, { aud }, { tamper: true })                         // payload edited after signing
 *   await mintIdJag(host.provider, { aud }, { tamper: 'signature' })                  // signature bytes flipped
 *   await mintIdJag(host.provider, { aud }, { signWithForeignKey: true })             // right kid, someone else's key
 *   await mintIdJag(host.provider, { aud }, { headerOverrides: { typ: 'JWT' } })      // wrong typ
 *   await mintIdJag(host.provider, { aud }, { headerOverrides: { alg: 'none' } })     // unsigned
 *   await mintIdJag(host.provider, { aud }, { headerOverrides: { alg: 'HS256' } })    // symmetric alg
 *   await mintIdJag(host.provider, { aud, email_verified: false, jti: undefined })   // policy / missing claim
 *
 * Claims: `aud` is required (the service's AS issuer); every other claim defaults to what the
 * provider would mint for alice now. An override of `undefined` removes the claim. The first
 * argument is a ProviderHandle (uses its issuer, CIMD client_id, clock and current signing key)
 * or explicit key material.
 */

export interface ForgeKeys {
  issuer: string;
  kid: string;
  privateKey: CryptoKey;
  /** Default: `${issuer}/agent-auth.json`. */
  clientId?: string;
  now?: () => number;
}

/** What forge needs from a running provider (ProviderHandle satisfies it). */
export interface ForgeSource {
  issuer: string;
  clientId: string;
  signingKey(): { kid: string; privateKey: CryptoKey };
  now(): number;
}

export interface ForgeOptions {
  /** Merged over {typ:"oauth-id-jag+jwt", alg:"ES256", kid}; `undefined` removes a header. */
  headerOverrides?: Record<string, unknown>;
  /** Sign with a fresh key the issuer never published, keeping the real kid in the header. */
  signWithForeignKey?: boolean;
  /**
   * Break the token after signing: `true`/'payload' swaps the identity in the payload
   * (email → mallory@example.com); 'signature' flips signature bits; an object overwrites those claims.
   */
  tamper?: true | 'payload' | 'signature' | Record<string, unknown>;
}

const isSource = (s: ForgeSource | ForgeKeys): s is ForgeSource => typeof (s as ForgeSource).signingKey === 'function';
const encodeJson = (v: unknown) => base64url.encode(JSON.stringify(v));
const dropUndefined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export async function mintIdJag(
  source: ForgeSource | ForgeKeys,
  claimsOverrides: Record<string, unknown>,
  opts: ForgeOptions = {},
): Promise<string> {
  if (!('aud' in claimsOverrides))
    throw new TypeError('mintIdJag: pass claimsOverrides.aud (the service issuer), or aud: undefined to omit it');
  const key = isSource(source) ? source.signingKey() : { kid: source.kid, privateKey: source.privateKey };
  const issuer = source.issuer;
  const clientId = (isSource(source) ? source.clientId : source.clientId) ?? `${issuer}/agent-auth.json`;
  const nowMs = (isSource(source) ? source.now() : source.now?.()) ?? Date.now();
  const iat = Math.floor(nowMs / 1000);

  const claims = dropUndefined({
    iss: issuer,
    sub: 'usr_alice',
    client_id: clientId,
    jti: `forged_${randomBytes(12).toString('base64url')}`,
    iat,
    exp: iat + 300,
    email: 'alice@example.com',
    email_verified: true,
    name: 'Alice Example',
    amr: ['mfa'],
    auth_time: iat,
    ...claimsOverrides,
  });
  const header = dropUndefined({ typ: ID_JAG_TYP, alg: 'ES256', kid: key.kid, ...opts.headerOverrides }) as CompactJWSHeaderParameters;
  const payload = new TextEncoder().encode(JSON.stringify(claims));

  let token: string;
  if (header.alg === 'none') {
    // RFC 7519 §6 — an unsecured JWT: empty signature. Every verifier must refuse it.
    token = `${encodeJson(header)}.${base64url.encode(payload)}.`;
  } else if (/^HS/.test(String(header.alg))) {
    // A symmetric alg: the classic "verify with the public key as HMAC secret" confusion attack.
    token = await new CompactSign(payload).setProtectedHeader(header).sign(randomBytes(32));
  } else {
    const signer = opts.signWithForeignKey ? (await generateKeyPair('ES256')).privateKey : key.privateKey;
    token = await new CompactSign(payload).setProtectedHeader(header).sign(signer);
  }

  if (opts.tamper) {
    const [h, p, s] = token.split('.');
    if (opts.tamper === 'signature') {
      const sig = base64url.decode(s);
      if (sig.length) sig[0] ^= 0xff;
      token = `${h}.${p}.${base64url.encode(sig)}`;
    } else {
      const edits = opts.tamper === true || opts.tamper === 'payload' ? { email: 'mallory@example.com', name: 'Mallory' } : opts.tamper;
      token = `${h}.${encodeJson(dropUndefined({ ...claims, ...edits }))}.${s}`;
    }
  }
  return token;
}
