import { asMetadataUrl, parseWwwAuthenticate, type AuthorizationServerMetadata, type ProtectedResourceMetadata } from '../../agent/discovery.js';
import { Client, brief, type Res } from './http.js';
import type { TestIssuer } from './issuer.js';
import { Outcome, skip, type CheckResult, type Profile } from './types.js';

/** What the person asked for on the command line (or the studio, later). */
export interface RunOptions {
  serviceUrl: string;
  providerUrl?: string;
  /** The provider user the provider checks sign in as (PROTOCOL.md §6 seeded users). */
  providerUser: string;
  mailboxUrl?: string;
  /** The profile to judge by; absent = detected from the AS metadata (detectProfile). */
  profile?: Profile;
  interactive: boolean;
  /** Check ids (or id prefixes) to run; empty = all of the profile. */
  only: string[];
  /** The expected-failures baseline: check ids known to fail (reported, not failing the run). */
  expected?: string[];
  /** Port of the runner's test issuer (0 = any free port). */
  issuerPort: number;
  /** Where the runner's issuer keeps its key between runs (see issuer.ts); none = a fresh key. */
  issuerKeyFile?: string;
  /** A test issuer the caller started and owns (tests pre-trust its URL); else the run starts one on issuerPort. */
  issuer?: TestIssuer;
  /** Ask the person at the terminal (interactive runs only). */
  ask?: (question: string) => Promise<string>;
}

/** The options of a run once its profile is known. */
export type ResolvedOptions = RunOptions & { profile: Profile };

export interface Discovered {
  prmUrl: string;
  prm: ProtectedResourceMetadata & Record<string, unknown>;
  asUrl: string;
  as: AuthorizationServerMetadata & Record<string, unknown>;
}

/** State shared by the checks of one run: discovery is fetched once and reused. */
export class Shared {
  constructor(
    readonly opts: ResolvedOptions,
    readonly issuer: TestIssuer,
  ) {}

  /** Results so far, in run order (the error-code audit reads their evidence). */
  readonly results: CheckResult[] = [];
  private readonly memos = new Map<string, Promise<unknown>>();

  /**
   * A value one check produces and later ones reuse (e.g. an anonymous registration). A check
   * that depends on it is SKIPPED, naming the failure, when producing it failed.
   */
  memo<T>(key: string, make: () => Promise<T>, owner = false): Promise<T> {
    if (!this.memos.has(key)) this.memos.set(key, make());
    return (this.memos.get(key) as Promise<T>).catch((err: Error) => (owner || (err instanceof Outcome && err.status === 'SKIPPED') ? Promise.reject(err) : skip(`needs ${key}, which failed: ${err.message}`)));
  }

  /** RFC 9728 §5.1 then RFC 8414 §3: the documents every later check starts from. */
  discovered(http: Client, owner = false): Promise<Discovered> {
    return this.memo('discovery', () => discover(http, this.opts.serviceUrl), owner);
  }
}

/** The context one check runs with: the shared state plus its own evidence-recording client. */
export interface CheckContext {
  shared: Shared;
  http: Client;
  opts: ResolvedOptions;
}

/** PRM URL per RFC 9728 §3.1: the well-known segment between host and path. */
export function prmUrlFor(resourceBase: string): string {
  const u = new URL(resourceBase);
  const path = u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '');
  return `${u.origin}/.well-known/oauth-protected-resource${path}`;
}

async function discover(http: Client, serviceUrl: string): Promise<Discovered> {
  const base = serviceUrl.replace(/\/+$/, '');
  // RFC 9728 §5.1: the 401's resource_metadata names the PRM; the well-known URL is the fallback.
  let prmUrl = prmUrlFor(base);
  try {
    const challenge = await http.get(`${base}/api/resource`);
    prmUrl = parseWwwAuthenticate(challenge.headers.get('www-authenticate'))?.params.resource_metadata ?? prmUrl;
  } catch {
    /* unreachable resource: the PRM fetch below says so */
  }
  const prmRes = await http.get(prmUrl);
  const prm = documentOf(prmRes, prmUrl);
  const asUrl = Array.isArray(prm.authorization_servers) && typeof prm.authorization_servers[0] === 'string' ? prm.authorization_servers[0] : undefined;
  if (!asUrl) throw new Error(`${prmUrl} names no authorization_servers`);
  const asMetaUrl = asMetadataUrl(asUrl);
  const as = documentOf(await http.get(asMetaUrl), asMetaUrl);
  return { prmUrl, prm: prm as Discovered['prm'], asUrl, as: as as Discovered['as'] };
}

function documentOf(res: Res, url: string): Record<string, unknown> {
  if (res.status !== 200 || !res.json || typeof res.json !== 'object') throw new Error(`GET ${url} → ${brief(res)}`);
  return res.json;
}

/** v0.6 endpoints (PROTOCOL-v0.6.md §1): named in agent_auth or at the top level, else the documented path under the AS. */
export function endpoint06(d: Discovered, field: 'identity_endpoint' | 'claim_endpoint' | 'events_endpoint' | 'token_endpoint' | 'revocation_endpoint'): string {
  const named = field === 'token_endpoint' || field === 'revocation_endpoint' ? d.as[field] : (d.as.agent_auth as Record<string, unknown> | undefined)?.[field];
  if (typeof named === 'string') return named;
  const path = { identity_endpoint: '/agent/identity', claim_endpoint: '/agent/identity/claim', events_endpoint: '/agent/event/notify', token_endpoint: '/oauth2/token', revocation_endpoint: '/oauth2/revoke' }[field];
  return `${d.asUrl.replace(/\/+$/, '')}${path}`;
}

/**
 * The profile a service speaks, from its AS metadata: `agent_auth.identity_endpoint` is v0.6's
 * (PROTOCOL-v0.6.md §11), anything else v0.1. Undefined when discovery fails (the run says why).
 */
export async function detectProfile(serviceUrl: string, fetchFn: typeof fetch = fetch): Promise<Profile | undefined> {
  try {
    const d = await discover(new Client([], fetchFn), serviceUrl);
    return typeof (d.as.agent_auth as Record<string, unknown> | undefined)?.identity_endpoint === 'string' ? 'v0.6' : 'v0.1';
  } catch {
    return undefined;
  }
}

/** The AS endpoint the metadata names, else the PROTOCOL.md §1 default path under the AS. */
export function endpoint(d: Discovered, field: 'register_uri' | 'claim_uri' | 'revocation_uri'): string {
  const named = d.as.agent_auth?.[field];
  if (typeof named === 'string') return named;
  const path = { register_uri: '/agent/auth', claim_uri: '/agent/auth/claim', revocation_uri: '/agent/auth/revoke' }[field];
  return `${d.asUrl.replace(/\/+$/, '')}${path}`;
}
