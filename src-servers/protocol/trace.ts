/**
 * The trace on the wire (DESIGN.md rules 3 and 4): what the recorder stores, the studio streams
 * and exports, and the renderer draws. Names, shapes and constants only — no imports — so the
 * renderer's browser build and the Node servers share this one declaration.
 */

/** The lifelines of the sequence diagram. Anything that is not ours is an "External client". */
export type Actor = 'User' | 'Agent' | 'Provider' | 'Service' | 'Inbox' | 'External client';

/** Every lifeline, in the order the sequence diagram (and its Mermaid export) draws them. */
export const ACTORS: readonly Actor[] = ['User', 'Agent', 'Provider', 'Service', 'Inbox', 'External client'];

export function isActor(value: unknown): value is Actor {
  return typeof value === 'string' && (ACTORS as readonly string[]).includes(value);
}

/** Header our own in-host callers set so the receiving server knows who called (never required). */
export const ACTOR_HEADER = 'x-studio-actor';
/** Header the agent sets with the name of the step that made the request. */
export const STEP_HEADER = 'x-studio-step';
/**
 * Header a host's service sets on the calls it makes (JWKS, CIMD) with the protocol profile it speaks,
 * so the receiving role's recorder can label the Service lifeline (DESIGN.md rule 8: two services, one per profile).
 */
export const PROFILE_HEADER = 'x-studio-profile';

/**
 * The public key that verified a JWT, as jwt.io shows it: its public members (RFC 7517 §4, RFC 7518
 * §6.2.1 x/y for EC, §6.3.1 n/e for RSA) and its RFC 7638 thumbprint, so a learner can match it
 * against the issuer's JWKS. Public parameters only: a verifying key never has a private part.
 */
export interface VerifyingKey {
  kty: string;
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  /** RFC 7638 SHA-256 JWK thumbprint, base64url. */
  thumbprint: string;
}

export interface DecodedJwt {
  /** Where it was found, e.g. "request.body.assertion" or "request.headers.authorization". */
  where: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** Signature status: verified by a key we know, failed, or not checkable. */
  signature:
    | { status: 'verified'; kid?: string; jwksUri: string; key?: VerifyingKey }
    | { status: 'invalid'; reason: string }
    | { status: 'unverified'; reason: string };
}

/** One HTTP exchange (or an SMTP hand-off, method "SMTP"), recorded once. */
export interface Exchange {
  id: string;
  traceId: string;
  seq: number;
  from: Actor;
  /** e.g. "curl/8.5.0" for an external client. */
  fromLabel?: string;
  to: Actor;
  /** e.g. "api.example.com" when an in-host caller reached a host outside the studio. */
  toLabel?: string;
  /**
   * The protocol profile (`v0.1`, `v0.6`: protocol/profiles.ts) of the host's service on this exchange's
   * Service side, when the host runs one per profile side by side; absent when no Service is involved.
   */
  serviceProfile?: string;
  step?: string;
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string | null;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string | null;
  startedAt: string;
  durationMs: number;
  jwts: DecodedJwt[];
  /** Dotted paths of secret values, e.g. "response.body.credential", "request.headers.authorization". */
  secrets: string[];
  /** Why no HTTP answer came back (status 0): connection refused, timeout, ... */
  error?: string;
  /**
   * When the request started and the answer was complete, in fractional ms since 1970 from a
   * monotonic clock. Exchanges are numbered (seq) as they complete, so a call made while handling
   * another (the service fetching JWKS during POST /agent/auth) completes — and is numbered — first;
   * these times put each arrow back where it happened on the wire.
   */
  timing?: { start: number; end: number };
}

/** One recorded run of a flow (or the default "Session" trace for everything outside a run). */
export interface TraceMeta {
  id: string;
  title: string;
  flow?: string;
  scenario?: string;
  startedAt: string;
  exchangeCount: number;
}

/** The formats GET /studio/api/traces/:id/export?format= answers in. */
export type ExportFormat = 'json' | 'har' | 'mermaid' | 'markdown';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'har', 'mermaid', 'markdown'];
