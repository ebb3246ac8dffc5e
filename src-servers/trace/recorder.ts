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
import { buildExchange, compact, newId } from './buildExchange.js';
import { TraceInUseError, TraceNotFoundError } from './errors.js';
import { exportAs } from './export/index.js';
import { createFetchAs } from './fetch.js';
import { createHandlingStack } from './handling.js';
import type { FoundJwt } from './jwt.js';
import { createRecordingMiddleware, type RecordInput } from './middleware.js';
import { redactSecrets } from './secrets.js';
import { createSignatureChecker, PENDING } from './signature.js';
import { createTraceStore } from './store.js';
import { VerifiedSignatures } from '../keys/verifiedSignatures.js';
import type { Actor, Exchange, ExportFormat, TraceMeta, TraceRecorder } from './types.js';

export { TraceInUseError, TraceNotFoundError };

export const SESSION_TRACE_TITLE = 'Session';
/** Where traffic goes once a run has ended (curl against the service, a page left open): never into the finished run. */
export const BETWEEN_RUNS_TITLE = 'Between runs';
/** Marks the recorder's own JWKS fetches so no middleware records them (they belong to no flow). */
const INTERNAL_HEADER = 'x-studio-trace-internal';

/** How many captured exchanges (and built ones awaiting their write) may wait for the next tick. */
const MAX_QUEUED = 1_000;

/**
 * Exchanges are announced every tick (the live diagram) but written at most this often: on disk
 * every commit is a WAL fsync, and per tick that was one for every few requests. Every read of
 * the trace writes what is waiting first (settle), and the host's stop flushes.
 */
const WRITE_EVERY_MS = 50;

export function createTraceRecorder(opts: { db: Db; now?: () => number; trustedIssuers?: readonly string[] }): TraceRecorder {
  const now = opts.now ?? Date.now;
  const store = createTraceStore(opts.db);
  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  const origins = new Map<string, Actor>();
  const pending = new Set<Promise<void>>();
  const internalToken = randomBytes(16).toString('hex');
  const stepContext = new AsyncLocalStorage<{ step?: string }>();
  const { startHandling, stepOfSender } = createHandlingStack();

  const internalFetch: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set(INTERNAL_HEADER, internalToken);
    return fetch(input, { ...init, headers });
  };
  // Only issuers the host trusts get their keys fetched for the display (DESIGN.md rule 9).
  const trusted = new Set(opts.trustedIssuers ?? []);
  const verifiedSignatures = new VerifiedSignatures(now);
  const checker = createSignatureChecker(internalFetch, now, (iss) => trusted.has(iss), verifiedSignatures);

  const captured: { build: () => RecordInput; traceId: string; senderStep?: string }[] = [];
  /** Built exchanges not yet in the database, by id (a signature check's result replaces its entry). */
  const writes = new Map<string, Exchange>();
  /**
   * Built exchanges whose signatures are being checked: written once, with the result, unless a
   * read comes first (then written as they are, and rewritten when the check is done).
   */
  const checking = new Map<string, Exchange>();
  /** The next seq of each trace seen since start (or the last clear), counted in memory. */
  const seqs = new Map<string, number>();
  /** Bumped by clear(): a signature check begun before it must not write its exchange back. */
  let generation = 0;
  let scheduled = false;
  let draining = false;

  function beginTrace(meta: { title: string; flow?: string; scenario?: string }): string {
    drain(); // what was recorded before is announced before the new trace
    dropIfEmptyBetweenRuns(current);
    const trace = compact({ id: newId('trc'), title: meta.title, flow: meta.flow, scenario: meta.scenario, startedAt: new Date(now()).toISOString() });
    store.addTrace(trace);
    known.add(trace.id);
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
  /** Ids of the traces that exist, so an exchange filed under a deleted one goes to the current trace instead. */
  const known = new Set(store.listTraces().map((t) => t.id));
  let current = '';
  current = openingTrace();

  /** A "Between runs" bucket nothing reached is not history: it goes when the next trace begins. */
  function dropIfEmptyBetweenRuns(id: string) {
    const meta = id ? store.getTrace(id) : undefined;
    if (meta?.title !== BETWEEN_RUNS_TITLE || meta.flow || seqs.has(id) || meta.exchangeCount) return;
    store.deleteTrace(id);
    known.delete(id);
  }

  /**
   * The request path only queues what went over the wire (bounded bytes, already captured) and a
   * function that turns it into an exchange; decoding JWTs, marking secrets, building the view and
   * storing happen once per tick for the whole queue (drain, flushWrites), and before any read.
   */

  let writeTimer: NodeJS.Timeout | undefined;
  const scheduleWrite = () => {
    if (writeTimer || !writes.size) return;
    writeTimer = setTimeout(() => {
      writeTimer = undefined;
      flushWrites();
    }, WRITE_EVERY_MS);
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      drain();
      scheduleWrite();
    });
  };
  /** Everything recorded so far built, announced and stored (every read goes through here first). */
  function settle() {
    drain();
    storeChecking();
    flushWrites();
  }
  function storeChecking() {
    for (const [id, e] of checking) if (!writes.has(id)) writes.set(id, e);
  }

  /** `startedIn`: the trace that was current when the request arrived (it belongs there even if a run ended meanwhile). */
  function capture(from: Actor, build: () => RecordInput, startedIn?: string) {
    captured.push({ build, traceId: startedIn ?? current, senderStep: stepOfSender(from) });
    // Memory stays bounded under sustained load even if ticks come late: past this, build now.
    if (captured.length >= MAX_QUEUED) drain();
    schedule();
  }

  function drain() {
    if (draining) return; // a listener reading the trace while we announce: the loop below goes on
    draining = true;
    try {
      while (captured.length) {
        for (const c of captured.splice(0)) {
          try {
            const input = c.build();
            publish(input, build(input, known.has(c.traceId) ? c.traceId : current, c.senderStep));
          } catch {
            // Recording is an observer: one exchange it cannot build must not stop the others.
          }
        }
      }
    } finally {
      draining = false;
    }
  }

  function flushWrites() {
    if (writeTimer) {
      clearTimeout(writeTimer);
      writeTimer = undefined;
    }
    if (!writes.size) return;
    const list = [...writes.values()];
    writes.clear();
    if (!store.isOpen()) return; // shut down meanwhile
    try {
      store.putExchanges(list);
    } catch {
      // Recording is an observer: a failed write must not break the role that was recorded.
    }
  }

  function nextSeq(traceId: string): number {
    const seq = seqs.get(traceId) ?? store.nextSeq(traceId);
    seqs.set(traceId, seq + 1);
    return seq;
  }

  const build = (input: RecordInput, currentTrace: string, senderStep: string | undefined) =>
    buildExchange(input, { traceId: input.traceId && known.has(input.traceId) ? input.traceId : currentTrace, senderStep, now, checker, nextSeq });

  /** Queues the write, announces the exchange, and starts the checks its signatures still need. */
  function publish(input: RecordInput, built: Exchange & { found: FoundJwt[] }): Exchange {
    const { found, ...exchange } = built;
    const toCheck = input.jwts ? [] : found.map((f, i) => ({ f, i })).filter(({ i }) => exchange.jwts[i].signature === PENDING);
    if (toCheck.length) checking.set(exchange.id, exchange);
    else writes.set(exchange.id, exchange);
    if (checking.size >= MAX_QUEUED) storeChecking(); // checks running slow (an issuer timing out): store them as they are
    if (writes.size >= MAX_QUEUED) flushWrites();
    emitter.emit('exchange', exchange);
    if (toCheck.length) track(checkSignatures(exchange, toCheck.map(({ f, i }) => ({ index: i, token: f.token, header: f.header, claims: f.claims }))));
    return exchange;
  }

  /** The public, synchronous record (SMTP hand-offs, outside fetches, tests): built and stored at once. */
  function record(input: RecordInput): Exchange {
    drain(); // whatever the request path queued before this comes first
    const exchange = publish(input, build(input, current, input.step === undefined ? stepOfSender(input.from) : undefined));
    settle();
    return exchange;
  }

  /** Verification never throws and never holds up the request: it rewrites the exchange later. */
  async function checkSignatures(exchange: Exchange, items: { index: number; token: string; header: Record<string, unknown>; claims: Record<string, unknown> }[]) {
    const at = generation;
    const results = await Promise.all(items.map((it) => checker.check(it.token, it.header, it.claims)));
    checking.delete(exchange.id);
    if (at !== generation || !store.isOpen()) return; // cleared or shut down meanwhile
    const jwts = exchange.jwts.map((j, i) => {
      const k = items.findIndex((it) => it.index === i);
      return k < 0 ? j : { ...j, signature: results[k] };
    });
    const updated: Exchange = { ...exchange, jwts };
    writes.set(updated.id, updated);
    schedule();
    emitter.emit('exchange-updated', updated);
  }

  function track(p: Promise<void>) {
    const done = p.catch(() => {}).finally(() => pending.delete(done));
    pending.add(done);
  }

  function exportTrace(traceId: string, format: ExportFormat, o?: { redact?: boolean }): string {
    settle();
    const meta = store.getTrace(traceId);
    if (!meta) throw new TraceNotFoundError(traceId);
    const list = store.exchanges(traceId).map((e) => (o?.redact ? redactSecrets(e) : e));
    return exportAs(format, meta, list);
  }

  const recorder = Object.assign(emitter, {
    middleware: (role: 'Service' | 'Provider' | 'Inbox', o?: { profile?: string }) =>
      createRecordingMiddleware(role, {
        capture,
        isInternal: (h: IncomingHttpHeaders) => h[INTERNAL_HEADER] === internalToken,
        now,
        stepContext,
        handling: startHandling,
        currentTrace: () => current,
      }, o),
    fetchAs: (actor: Actor, o?: { getStep?: () => string | undefined; profile?: string }) =>
      createFetchAs(actor, o ?? {}, { roleAt: (origin) => origins.get(origin), record, now, stepContext }),
    registerOrigin(origin: string, actor: 'Service' | 'Provider' | 'Inbox') {
      origins.set(new URL(origin).origin, actor);
    },
    trustIssuers(issuers: readonly string[]) {
      for (const iss of issuers) trusted.add(iss);
    },
    record,
    verifiedSignatures,
    beginTrace,
    currentTraceId: () => current,
    endTrace(traceId: string) {
      if (traceId === current) beginTrace({ title: BETWEEN_RUNS_TITLE });
    },
    deleteTrace(traceId: string) {
      if (!known.has(traceId)) throw new TraceNotFoundError(traceId);
      if (traceId === current) throw new TraceInUseError(traceId);
      settle(); // its queued exchanges are written before the rows go
      store.deleteTrace(traceId);
      known.delete(traceId);
      seqs.delete(traceId);
    },
    listTraces: () => {
      settle();
      return store.listTraces();
    },
    exchanges: (traceId: string) => {
      settle();
      return store.exchanges(traceId);
    },
    flush: settle,
    exportTrace,
    clear() {
      drain(); // announced, then wiped with the rest
      writes.clear();
      checking.clear();
      seqs.clear();
      generation++;
      store.clear();
      known.clear();
      checker.reset();
      verifiedSignatures.clear();
      beginTrace({ title: SESSION_TRACE_TITLE });
    },
    async idle() {
      for (;;) {
        drain();
        if (pending.size) {
          await Promise.all([...pending]);
          continue;
        }
        storeChecking(); // none should be left once every check is done; if one is, it is stored as it is
        checking.clear();
        flushWrites();
        if (!captured.length && !pending.size && !writes.size) return;
      }
    },
  });
  return recorder;
}
