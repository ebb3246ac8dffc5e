import type { JWTPayload, ProtectedHeaderParameters } from 'jose';
import type { ServiceContext } from '../context.js';

/** A JWT as presented: decoded but not yet trusted. Each check adds one piece of trust. */
export interface PresentedJwt {
  jwt: string;
  header: ProtectedHeaderParameters;
  claims: JWTPayload & Record<string, unknown>;
}

/** What the checks may read: the service's identity, config, clock, key caches and replay store. */
export type CheckEnv = Pick<
  ServiceContext,
  'issuer' | 'resourceUrl' | 'trustedIssuers' | 'config' | 'now' | 'keys' | 'clientMetadata' | 'store'
>;
