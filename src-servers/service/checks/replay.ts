import { ProtocolError } from '../../protocol/errors.js';
import type { CheckEnv, PresentedJwt } from './types.js';

/**
 * PROTOCOL.md §2 row 9 (RFC 7519 §4.1.7, RFC 7523 §3 item 7): `sub` and `jti` present, and the
 * jti used once. The cache keeps each jti until exp + skew — the last moment the token could still
 * pass the times check — which is at least exp − iat + skew from its issue — or, when that check
 * computed another last moment (a logout token without exp, PROTOCOL.md §4), until `acceptableUntil`.
 */
export function checkReplay(
  token: PresentedJwt,
  iss: string,
  env: Pick<CheckEnv, 'store' | 'config' | 'now'>,
  acceptableUntil?: number,
): void {
  const { sub, jti, exp } = token.claims;
  if (typeof sub !== 'string' || sub.length === 0) throw new ProtocolError('invalid_request', 'The JWT has no sub claim.');
  if (typeof jti !== 'string' || jti.length === 0) throw new ProtocolError('invalid_request', 'The JWT has no jti claim.');
  const keepUntil = acceptableUntil ?? ((exp as number) + env.config.clockSkewSeconds) * 1000;
  if (!env.store.replay.remember(iss, jti, keepUntil, env.now())) {
    throw new ProtocolError('replay_detected', 'This JWT (its jti) was already used. Mint a fresh one.');
  }
}
