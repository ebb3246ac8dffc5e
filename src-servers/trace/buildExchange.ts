/**
 * One exchange, built from what went over the wire: bodies parsed once, JWTs found and decoded
 * (with any signature verdict already known), secrets marked, ids and order assigned. Pure but for
 * the id counter and the trace's seq, which the recorder hands in.
 */
import { randomBytes } from 'node:crypto';
import { flattenHeaders } from './capture.js';
import { wireTime } from './clock.js';
import { parseBody } from './body.js';
import { findJwts, toDecodedJwt, type FoundJwt } from './jwt.js';
import type { RecordInput } from './middleware.js';
import { markSecrets } from './secrets.js';
import { PENDING, type createSignatureChecker } from './signature.js';
import type { Exchange } from './types.js';

/**
 * Ids unique across restarts (a trace file outlives the process): a random part drawn once per
 * process, then a counter — not 9 random bytes per exchange.
 */
const ID_BASE = randomBytes(9).toString('base64url');
let idCounter = 0;
export const newId = (prefix: string) => `${prefix}_${ID_BASE}${(idCounter++).toString(36)}`;
/** Drops undefined fields so an exchange reads back from JSON exactly as it was recorded. */
export function compact<T extends object>(o: T): T {
  const rec = o as Record<string, unknown>;
  for (const k in rec) if (rec[k] === undefined) delete rec[k]; // in place: o is always a fresh literal
  return o;
}

export interface BuildContext {
  /** The trace it goes in (the one it started in, else the current one). */
  traceId: string;
  /** The step of the request its sender was handling, for exchanges reported after the fact. */
  senderStep: string | undefined;
  now: () => number;
  checker: ReturnType<typeof createSignatureChecker>;
  nextSeq: (traceId: string) => number;
}

export function buildExchange(input: RecordInput, ctx: BuildContext): Exchange & { found: FoundJwt[] } {
const { traceId, senderStep, now, checker } = ctx;
  const requestHeaders = flattenHeaders(input.requestHeaders);
  const responseHeaders = flattenHeaders(input.responseHeaders);
  const wire = { url: input.url, requestHeaders, requestBody: input.requestBody ?? null, responseHeaders, responseBody: input.responseBody ?? null };
  // Each body parsed once for both looks at it.
  const bodies = {
    request: parseBody(wire.requestBody, requestHeaders['content-type']),
    response: parseBody(wire.responseBody, responseHeaders['content-type']),
  };
  const found = input.jwts ? [] : findJwts(wire, bodies);
  const jwts = input.jwts ?? found.map((f) => toDecodedJwt(f, checker.immediate(f.header, f.claims) ?? PENDING));
  const marked = markSecrets(wire, bodies);
  const secrets = input.secrets?.length ? [...new Set([...input.secrets, ...marked])] : marked;
  const draft = compact({
    id: input.id ?? newId('exc'), traceId, seq: 0,
    from: input.from, fromLabel: input.fromLabel, to: input.to, toLabel: input.toLabel, serviceProfile: input.serviceProfile,
    step: input.step ?? senderStep,
    method: input.method, url: input.url,
    requestHeaders, requestBody: wire.requestBody,
    status: input.status, responseHeaders, responseBody: wire.responseBody,
    startedAt: input.startedAt ?? new Date(now()).toISOString(), durationMs: input.durationMs ?? 0,
    jwts, secrets, error: input.error, timing: input.timing,
  });
  if (!draft.timing) {
    // Recorded after the fact (an SMTP hand-off): it ended now and lasted durationMs.
    const end = wireTime();
    draft.timing = { start: end - draft.durationMs, end };
  }
  draft.seq = ctx.nextSeq(traceId);
  return Object.assign(draft, { found }) as Exchange & { found: FoundJwt[] };
}
