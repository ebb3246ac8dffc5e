import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import { ID_JAG_TYP } from '../../../protocol/constants.js';
import { PREFIX_V06 } from '../../../protocol/v0.6/constants.js';
import type { ServiceContext } from '../../context.js';

/**
 * The service-signed identity_assertion (PROTOCOL-v0.6.md §2): ES256, `kid` = the key's RFC 7638
 * thumbprint, `iss` = `aud` = our issuer, `sub` = the registration id. The key lives in the service
 * database (mode 0600 like the provider's key file, §7), so a restart keeps verifying what it signed.
 */
const ALG = 'ES256';

interface AssertionKey { kid: string; privateKey: CryptoKey; publicJwk: JWK }

const keys = new WeakMap<object, Promise<AssertionKey>>();

function assertionKey(ctx: ServiceContext): Promise<AssertionKey> {
  let key = keys.get(ctx.store);
  if (!key) {
    key = loadOrCreate(ctx);
    keys.set(ctx.store, key);
    key.catch(() => keys.delete(ctx.store)); // a failure is retried on the next use
  }
  return key;
}

async function loadOrCreate(ctx: ServiceContext): Promise<AssertionKey> {
  const accounts = ctx.store.v06.accounts;
  let row = accounts.signingKey();
  if (!row) {
    const { privateKey } = await generateKeyPair(ALG, { extractable: true });
    const jwk = await exportJWK(privateKey);
    // RFC 7638: the kid is the thumbprint, stable across restarts and derivable by anyone holding the key.
    const kid = await calculateJwkThumbprint(jwk);
    if (!accounts.signingKey()) accounts.insertSigningKey(kid, JSON.stringify(jwk), ctx.now());
    row = accounts.signingKey()!;
  }
  const jwk = JSON.parse(row.private_jwk) as JWK;
  return {
    kid: row.kid,
    privateKey: (await importJWK(jwk, ALG)) as CryptoKey,
    publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid: row.kid, alg: ALG, use: 'sig' },
  };
}

/** PROTOCOL-v0.6.md §1 (beyond): `{keys:[…]}`, each with `kid`, `alg: "ES256"`, `use: "sig"`. */
export async function serviceAssertionJwks(ctx: ServiceContext): Promise<{ keys: JWK[] }> {
  return { keys: [{ ...(await assertionKey(ctx)).publicJwk }] };
}

export interface IssuedAssertion { identity_assertion: string; assertion_expires: string }

/**
 * Sign one assertion for `registrationId` and record its jti with the issue time, so one issued
 * before the registration's last SET never exchanges again (§4 beyond). `claims` are the identity
 * claims §2 names per path (email, email_verified, amr), or none (the anonymous v1 assertion).
 */
export async function issueServiceAssertion(ctx: ServiceContext, registrationId: string, claims: Record<string, unknown> = {}): Promise<IssuedAssertion> {
  const key = await assertionKey(ctx);
  const nowMs = ctx.now();
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + ctx.config.serviceAssertionTtlSeconds;
  const jti = `${PREFIX_V06.serviceAssertionJti}${randomUUID()}`;
  const jwt = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: ALG, kid: key.kid, typ: ID_JAG_TYP })
    .setIssuer(ctx.issuer).setAudience(ctx.issuer).setSubject(registrationId)
    .setJti(jti).setIssuedAt(iat).setExpirationTime(exp)
    .sign(key.privateKey);
  ctx.store.v06.tokens.recordAssertion({ jti, registration_id: registrationId, issued_at: nowMs, expires_at: exp * 1000 });
  ctx.audit('assertion.issued', registrationId, { jti });
  return { identity_assertion: jwt, assertion_expires: new Date(exp * 1000).toISOString() };
}

/** §5 jwt-bearer: verify that `jwt` is one of ours (typ, iss, aud, exp with skew, sub, jti); throws a reason. */
export async function verifyServiceAssertion(ctx: ServiceContext, jwt: string): Promise<{ sub: string; jti: string; issuedAt: number }> {
  const key = await assertionKey(ctx);
  const { payload } = await jwtVerify(jwt, key.publicJwk, {
    algorithms: [ALG], typ: ID_JAG_TYP, issuer: ctx.issuer, audience: ctx.issuer,
    clockTolerance: ctx.config.clockSkewSeconds, currentDate: new Date(ctx.now()), requiredClaims: ['exp', 'sub', 'jti'],
  });
  const issued = ctx.store.v06.tokens.assertion(payload.jti!);
  if (!issued || issued.registration_id !== payload.sub) throw new Error('this service has no live record of it (revoked by the user, or never issued here)');
  return { sub: payload.sub!, jti: payload.jti!, issuedAt: issued.issued_at };
}
