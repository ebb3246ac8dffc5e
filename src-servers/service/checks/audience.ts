import { ProtocolError } from '../../protocol/errors.js';
import type { CheckEnv, PresentedJwt } from './types.js';

/**
 * PROTOCOL.md §2 rows 6–7 (ID-JAG draft §3, RFC 7523 §3): the token is for this authorization
 * server — `aud` is our RFC 8414 `issuer` — and, when it names a `resource`, for our API
 * (RFC 8707, RFC 9728 `resource`). A token minted for another service is useless here.
 */
export function checkAudience(
  token: PresentedJwt,
  env: Pick<CheckEnv, 'issuer' | 'resourceUrl'>,
  { checkResource }: { checkResource: boolean },
): void {
  const aud = token.claims.aud;
  // RFC 7519 §4.1.3 allows an array; a single-valued one is the same audience.
  const single = Array.isArray(aud) && aud.length === 1 ? aud[0] : aud;
  if (single !== env.issuer) {
    throw new ProtocolError('invalid_audience', `The JWT aud must be this service's issuer ${env.issuer}, not ${JSON.stringify(aud ?? null)}.`);
  }
  const resource = token.claims.resource;
  if (checkResource && resource !== undefined && resource !== env.resourceUrl) {
    throw new ProtocolError('invalid_audience', `The ID-JAG resource must be ${env.resourceUrl}, not ${JSON.stringify(resource)}.`);
  }
}
