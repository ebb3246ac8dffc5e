import type { RequestHandler } from 'express';

/** The lifelines of the sequence diagram. Anything that is not ours is an "External client". */
export type Actor = 'User' | 'Agent' | 'Provider' | 'Service' | 'Inbox' | 'External client';

/** Header our own in-host callers set so the receiving server knows who called (never required). */
export const ACTOR_HEADER = 'x-studio-actor';
/** Header the agent sets with the name of the step that made the request. */
export const STEP_HEADER = 'x-studio-step';

export interface DecodedJwt {
  /** Where it was found, e.g. "request.body.assertion" or "request.headers.authorization". */
  where: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** Signature status: verified by a key we know, failed, or not checkable. */
  signature:
    | { status: 'verified'; kid?: string; jwksUri: string }
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
}
