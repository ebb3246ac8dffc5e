import { ProtocolError } from '../../protocol/errors.js';
import type { CheckEnv, PresentedJwt } from './types.js';

const isNumericDate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * PROTOCOL.md §2 row 5 (RFC 7519 §4.1.4–4.1.6): `exp` still ahead and `iat` not ahead, each with
 * `clockSkewSeconds` of tolerance for clocks that disagree a little; and a lifetime `exp − iat` of at
 * most `idJagMaxLifetimeSeconds`, so an ID-JAG (and its replay-cache row) cannot live forever.
 */
export function checkTimes(token: PresentedJwt, env: Pick<CheckEnv, 'now' | 'config'>): void {
  const { exp, iat, nbf } = token.claims;
  const now = env.now() / 1000;
  const skew = env.config.clockSkewSeconds;
  if (!isNumericDate(exp)) throw new ProtocolError('invalid_request', 'The JWT has no numeric exp claim.');
  if (!isNumericDate(iat)) throw new ProtocolError('invalid_request', 'The JWT has no numeric iat claim.');
  if (exp + skew <= now) throw new ProtocolError('expired', `The JWT expired at ${new Date(exp * 1000).toISOString()}.`);
  if (iat - skew > now) throw new ProtocolError('invalid_request', 'The JWT iat is in the future.');
  const maxLifetime = env.config.idJagMaxLifetimeSeconds;
  if (exp - iat > maxLifetime) {
    throw new ProtocolError('invalid_request', `The JWT lives ${exp - iat} s (exp − iat); this service accepts at most ${maxLifetime} s.`);
  }
  if (nbf !== undefined && (!isNumericDate(nbf) || nbf - skew > now)) {
    throw new ProtocolError('invalid_request', 'The JWT is not valid yet (nbf).');
  }
}

/**
 * PROTOCOL-v0.6.md §2 row 4 (RFC 7519 §4.1.4–4.1.6): the time claims are numbers, `iat` and `nbf` not
 * ahead (with skew), and the lifetime bounded as checkTimes does — everything but expiry, which v0.6
 * checks after them (row 5, checkExpiry) and v0.1 before.
 */
export function checkTimeClaims(token: PresentedJwt, env: Pick<CheckEnv, 'now' | 'config'>): void {
  const { exp, iat, nbf } = token.claims;
  const now = env.now() / 1000;
  const skew = env.config.clockSkewSeconds;
  if (!isNumericDate(exp)) throw new ProtocolError('invalid_request', 'The JWT has no numeric exp claim.');
  if (!isNumericDate(iat)) throw new ProtocolError('invalid_request', 'The JWT has no numeric iat claim.');
  if (iat - skew > now) throw new ProtocolError('invalid_request', 'The JWT iat is in the future.');
  const maxLifetime = env.config.idJagMaxLifetimeSeconds;
  if (exp - iat > maxLifetime) {
    throw new ProtocolError('invalid_request', `The JWT lives ${exp - iat} s (exp − iat); this service accepts at most ${maxLifetime} s.`);
  }
  if (nbf !== undefined && (!isNumericDate(nbf) || nbf - skew > now)) {
    throw new ProtocolError('invalid_request', 'The JWT is not valid yet (nbf).');
  }
}

/** PROTOCOL-v0.6.md §2 row 5 (RFC 7519 §4.1.4): `exp` > now − skew. Call after checkTimeClaims. */
export function checkExpiry(token: PresentedJwt, env: Pick<CheckEnv, 'now' | 'config'>): void {
  const exp = token.claims.exp as number;
  if (exp + env.config.clockSkewSeconds <= env.now() / 1000) {
    throw new ProtocolError('expired', `The JWT expired at ${new Date(exp * 1000).toISOString()}.`);
  }
}
