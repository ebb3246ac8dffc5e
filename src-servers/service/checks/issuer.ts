import { ProtocolError } from '../../protocol/errors.js';
import type { CheckEnv, PresentedJwt } from './types.js';

/** PROTOCOL.md §2 row 2 (ID-JAG draft §4.3): `iss` must be on the trust list, compared exactly. */
export function checkIssuer(token: PresentedJwt, env: Pick<CheckEnv, 'trustedIssuers'>): string {
  const iss = token.claims.iss;
  if (typeof iss !== 'string' || !env.trustedIssuers.has(iss)) {
    throw new ProtocolError('invalid_issuer', `The issuer ${JSON.stringify(iss ?? null)} is not on this service's trust list.`);
  }
  return iss;
}
