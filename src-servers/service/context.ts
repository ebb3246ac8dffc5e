import type { ServiceConfig } from './config.js';
import { SERVICE_PATHS } from '../protocol/constants.js';
import type { IssuerKeys } from '../keys/issuerKeys.js';
import type { ClientMetadataCache } from './checks/clientId.js';
import type { AuditType } from './store/audit.js';
import type { Store } from './store/index.js';

export type SendMail = (mail: { to: string; subject: string; text: string; html: string }) => Promise<void>;

/** What every route and check needs: the service's identity, its config, its store and its clock. */
export interface ServiceContext {
  /** The AS issuer (RFC 8414 §2): the base URL, exactly. An ID-JAG's `aud` must equal it. */
  issuer: string;
  /** The PRM `resource` (RFC 9728 §2): the API's canonical URL. */
  resourceUrl: string;
  config: ServiceConfig;
  store: Store;
  trustedIssuers: ReadonlySet<string>;
  sendMail: SendMail;
  fetch: typeof fetch;
  now: () => number;
  keys: IssuerKeys;
  clientMetadata: ClientMetadataCache;
  audit(type: AuditType, registrationId: string | null, detail?: Record<string, unknown>): void;
  /** Expire registrations whose TTL passed; called on a timer and before every lookup that cares. */
  expireDue(): void;
  log: (line: string) => void;
}

export const url = (ctx: Pick<ServiceContext, 'issuer'>, path: keyof typeof SERVICE_PATHS) =>
  `${ctx.issuer}${SERVICE_PATHS[path]}`;

export const iso = (ms: number) => new Date(ms).toISOString();
