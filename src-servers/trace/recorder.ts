/**
 * The trace recorder: one per host. Every exchange between the roles, the agent, the user's
 * browser and outside clients is recorded here once, stored, and announced as an event
 * ('exchange', then 'exchange-updated' when its JWT signatures have been checked; 'trace' when
 * a new trace begins). There is always a current trace: a run of a flow begins its own, and
 * everything else lands in the default "Session" trace.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Db } from '../db/sqlite.js';
import { flattenHeaders } from './capture.js';
import { wireTime } from './clock.js';
import { toHar } from './export/har.js';
import { toJson } from './export/json.js';
import { toMarkdown } from './export/markdown.js';
import { toMermaid } from './export/mermaid.js';
import { createFetchAs } from './fetch.js';
import { findJwts, toDecodedJwt } from './jwt.js';
import { createRecordingMiddleware, type RecordInput } from './middleware.js';
import { markSecrets, redactSecrets } from './secrets.js';
import { createSignatureChecker, PENDING } from './signature.js';
import { createTraceStore } from './store.js';
import type { Actor, Exchange, ExportFormat, TraceMeta, TraceRecorder } from './types.js';

export const SESSION_TRACE_TITLE = 'Session';
/** Marks the recorder's own JWKS fetches so no middleware records them (they belong to no flow). */
const INTERNAL_HEADER = 'x-studio-trace-internal';

export class TraceNotFoundError extends Error {
  constructor(readonly traceId: string) {
    super(`No trace with id "${traceId}".`);
    this.name = 'TraceNotFoundError';
  }
}

const newId = (prefix: string) => `${prefix}_${randomBytes(9).toString('base64url')}`;

/** Drops undefined fields so an exchange reads back from JSON exactly as it was recorded. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function createTraceRecorder(opts: { db: Db; now?: () => number; trustedIssuers?: readonly string[] }): TraceRecorder {
  const now = opts.now ?? Date.now;
  const store = createTraceStore(opts.db);
  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  const origins = new Map<string, Actor>();
  const pending = new Set<Promise<void>>();
  const internalToken = randomBytes(16).toString('hex');
  const stepContext = new AsyncLocalStorage<{ step?: string }>();
  /** Requests the roles are handling right now, newest last, with their step. */
  const handling: { role: Actor; step?: string }[] = [];
  const startHandling = (role: Actor, step: string | undefined) => {
    const entry = { role, step };
    handling.push(entry);
    return () => {
      const i = handling.indexOf(entry);
      if (i >= 0) handling.splice(i, 1);
    };
  };
  /**
   * A role that reports an exchange after the fact (the mailbox's SMTP hand-off) cannot say which step
   * caused it; the request its sender is handling right now (the newest, if several) can.
   */
  const stepOfSender = (from: Actor) => [...handling].reverse().find((h) => h.role === from && h.step)?.step;

  const internalFetch: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set(INTERNAL_HEADER, internalToken);
    return fetch(input, { ...init, headers });
  };
  // Only issuers the host trusts get their keys fetched for the display (DESIGN.md rule 9).
  const trusted = new Set(opts.trustedIssuers ?? []);
  const checker = createSignatureChecker(internalFetch, now, (iss) => trusted.has(iss));

  function beginTrace(meta: { title: string; flow?: string; scenario?: string }): string {
    const trace = compact({ id: newId('trc'), title: meta.title, flow: meta.flow, scenario: meta.scenario, startedAt: new Date(now()).toISOString() });
    store.addTrace(trace);
    current = trace.id;
    emitter.emit('trace', { ...trace, exchangeCount: 0 } satisfies TraceMeta);
    return trace.id;
  }

  /** At start, reuse an empty "Session" trace left by the last start instead of piling up empty ones. */
  function openingTrace(): string {
    const latest = store.latestTrace();
    if (latest && latest.title === SESSION_TRACE_TITLE && !latest.flow && latest.exchangeCount === 0) return latest.id;
    return beginTrace({ title: SESSION_TRACE_TITLE });
  }
  let current = '';
  current = openingTrace();

  function record(input: RecordInput): Exchange {
    const traceId = input.traceId && store.getTrace(input.traceId) ? input.traceId : current;
    const requestHeaders = flattenHeaders(input.requestHeaders);
    const responseHeaders = flattenHeaders(input.responseHeaders);
    const wire = { url: input.url, requestHeaders, requestBody: input.requestBody ?? null, responseHeaders, responseBody: input.responseBody ?? null };
    // Decode now (synchronously) so the exchange is complete when announced; check signatures after.
    const found = input.jwts ? [] : findJwts(wire);
    const jwts = input.jwts ?? found.map((f) => toDecodedJwt(f, checker.immediate(f.header, f.claims) ?? PENDING));
    const secrets = [...new Set([...(input.secrets ?? []), ...markSecrets(wire)])];
    const draft = compact({
      id: input.id ?? newId('exc'), traceId,
      from: input.from, fromLabel: input.fromLabel, to: input.to, toLabel: input.toLabel, step: input.step ?? stepOfSender(input.from),
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
    const seq = store.addExchange(draft);
    const exchange: Exchange = { ...draft, seq };
    emitter.emit('exchange', exchange);

    const toCheck = found.map((f, i) => ({ f, i })).filter(({ i }) => jwts[i].signature === PENDING);
    if (toCheck.length) track(checkSignatures(exchange, toCheck.map(({ f, i }) => ({ index: i, token: f.token, header: f.header, claims: f.claims }))));
    return exchange;
  }

  /** Verification never throws and never holds up the request: it updates the stored exchange later. */
  async function checkSignatures(exchange: Exchange, items: { index: number; token: string; header: Record<string, unknown>; claims: Record<string, unknown> }[]) {
    const results = await Promise.all(items.map((it) => checker.check(it.token, it.header, it.claims)));
    const jwts = exchange.jwts.map((j, i) => {
      const k = items.findIndex((it) => it.index === i);
      return k < 0 ? j : { ...j, signature: results[k] };
    });
    const updated: Exchange = { ...exchange, jwts };
    if (!store.isOpen() || !store.updateExchange(updated)) return; // cleared or shut down meanwhile
    emitter.emit('exchange-updated', updated);
  }

  function track(p: Promise<void>) {
    const done = p.catch(() => {}).finally(() => pending.delete(done));
    pending.add(done);
  }

  function exportTrace(traceId: string, format: ExportFormat, o?: { redact?: boolean }): string {
    const meta = store.getTrace(traceId);
    if (!meta) throw new TraceNotFoundError(traceId);
    const list = store.exchanges(traceId).map((e) => (o?.redact ? redactSecrets(e) : e));
    switch (format) {
      case 'json': return toJson(meta, list);
      case 'har': return toHar(meta, list);
      case 'mermaid': return toMermaid(list);
      case 'markdown': return toMarkdown(meta, list);
      default: throw new Error(`Unknown export format "${String(format)}": use json, har, mermaid or markdown.`);
    }
  }

  const recorder = Object.assign(emitter, {
    middleware: (role: 'Service' | 'Provider' | 'Inbox') =>
      createRecordingMiddleware(role, {
        record,
        isInternal: (h: IncomingHttpHeaders) => h[INTERNAL_HEADER] === internalToken,
        now,
        stepContext,
        handling: startHandling,
      }),
    fetchAs: (actor: Actor, o?: { getStep?: () => string | undefined }) =>
      createFetchAs(actor, o ?? {}, { roleAt: (origin) => origins.get(origin), record, now, stepContext }),
    registerOrigin(origin: string, actor: 'Service' | 'Provider' | 'Inbox') {
      origins.set(new URL(origin).origin, actor);
    },
    trustIssuers(issuers: readonly string[]) {
      for (const iss of issuers) trusted.add(iss);
    },
    record,
    beginTrace,
    currentTraceId: () => current,
    listTraces: () => store.listTraces(),
    exchanges: (traceId: string) => store.exchanges(traceId),
    exportTrace,
    clear() {
      store.clear();
      checker.reset();
      beginTrace({ title: SESSION_TRACE_TITLE });
    },
    async idle() {
      while (pending.size) await Promise.all([...pending]);
    },
  });
  return recorder;
}
