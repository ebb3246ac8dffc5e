/** The trace as JSON: the studio's own format, lossless, so a saved trace can be loaded back. */
import { z } from 'zod';
import { ACTORS, type Actor, type Exchange, type TraceMeta } from '../types.js';

export const TRACE_JSON_FORMAT = 'agentic-registration-trace';

export interface TraceExport {
  format: typeof TRACE_JSON_FORMAT;
  version: 1;
  trace: TraceMeta;
  exchanges: Exchange[];
}

export function toJson(trace: TraceMeta, exchanges: Exchange[]): string {
  const doc: TraceExport = { format: TRACE_JSON_FORMAT, version: 1, trace, exchanges };
  return JSON.stringify(doc, null, 2);
}

const actor = z.enum(ACTORS as [Actor, ...Actor[]]);
const headers = z.record(z.string(), z.string());
const signature = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('verified'), kid: z.string().optional(), jwksUri: z.string(),
    key: z.object({
      kty: z.string(), crv: z.string().optional(), x: z.string().optional(), y: z.string().optional(),
      n: z.string().optional(), e: z.string().optional(), thumbprint: z.string(),
    }).optional(),
  }),
  z.object({ status: z.literal('invalid'), reason: z.string() }),
  z.object({ status: z.literal('unverified'), reason: z.string() }),
]);
const exchange = z.object({
  id: z.string(), traceId: z.string(), seq: z.number().int(),
  from: actor, fromLabel: z.string().optional(), to: actor, toLabel: z.string().optional(), step: z.string().optional(),
  method: z.string(), url: z.string(),
  requestHeaders: headers, requestBody: z.string().nullable(),
  status: z.number().int(), responseHeaders: headers, responseBody: z.string().nullable(),
  startedAt: z.string(), durationMs: z.number(),
  jwts: z.array(z.object({ where: z.string(), header: z.record(z.string(), z.unknown()), claims: z.record(z.string(), z.unknown()), signature })),
  secrets: z.array(z.string()),
  error: z.string().optional(),
  timing: z.object({ start: z.number(), end: z.number() }).optional(),
});
const traceExport = z.object({
  format: z.literal(TRACE_JSON_FORMAT),
  version: z.literal(1),
  trace: z.object({
    id: z.string(), title: z.string(), flow: z.string().optional(), scenario: z.string().optional(),
    startedAt: z.string(), exchangeCount: z.number().int(),
  }),
  exchanges: z.array(exchange),
});

/** Reads a saved trace back; throws with the path of the first field that does not fit. */
export function parseTraceJson(text: string): TraceExport {
  const r = traceExport.safeParse(JSON.parse(text));
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`not a trace export: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return r.data as TraceExport;
}
