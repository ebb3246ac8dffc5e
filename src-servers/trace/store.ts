/**
 * The trace's own SQLite tables (DESIGN.md rule 5: each part owns its storage). An exchange is
 * kept whole as one JSON row: it is written once (rewritten only when its JWT signatures were
 * checked after it was first written) and always read back whole, so columns per field would buy
 * nothing. The recorder writes in batches, one transaction for all that a tick recorded.
 */
import type { Db, Migration } from '../db/sqlite.js';
import type { Exchange, TraceMeta } from './types.js';
import { redactSecrets } from './secrets.js';

/** How many exchanges keep their secrets in memory for this session's inspector. */
const LIVE_EXCHANGES = 10_000;

export const traceMigrations: Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE traces (
        id         TEXT PRIMARY KEY,
        title      TEXT NOT NULL,
        flow       TEXT,
        scenario   TEXT,
        started_at TEXT NOT NULL,
        created    INTEGER NOT NULL      -- insertion order (startedAt may tie within a millisecond)
      );
      CREATE TABLE exchanges (
        id       TEXT PRIMARY KEY,
        trace_id TEXT NOT NULL REFERENCES traces(id) ON DELETE CASCADE,
        seq      INTEGER NOT NULL,
        data     TEXT NOT NULL,         -- the Exchange as JSON
        UNIQUE (trace_id, seq)
      );
    `,
  },
];

interface TraceRow { id: string; title: string; flow: string | null; scenario: string | null; started_at: string; count: number }

function toMeta(r: TraceRow): TraceMeta {
  return {
    id: r.id,
    title: r.title,
    ...(r.flow !== null ? { flow: r.flow } : {}),
    ...(r.scenario !== null ? { scenario: r.scenario } : {}),
    startedAt: r.started_at,
    exchangeCount: r.count,
  };
}

export interface TraceStore {
  addTrace(meta: Omit<TraceMeta, 'exchangeCount'>): void;
  getTrace(id: string): TraceMeta | undefined;
  latestTrace(): TraceMeta | undefined;
  listTraces(): TraceMeta[];
  /** The seq the next exchange of this trace gets (the recorder counts on from here in memory). */
  nextSeq(traceId: string): number;
  /** Writes (inserts, or rewrites by id) these exchanges in one transaction. */
  putExchanges(list: readonly Exchange[]): void;
  exchanges(traceId: string): Exchange[];
  /** Removes one trace and its exchanges. */
  deleteTrace(id: string): void;
  clear(): void;
  isOpen(): boolean;
}

/**
 * PROTOCOL.md §7: secrets never rest in plaintext. What reaches the database is redacted; the
 * plaintext stays in memory only, so this session's inspector can still reveal a credential,
 * while traces reopened after a restart show "[redacted]" in its place.
 */
export function createTraceStore(db: Db): TraceStore {
  // Only what redaction replaced is kept in memory (the plaintext of a header, the URL, a body), not
  // the whole exchange: under load this map is the trace's largest resident, so it holds bytes of
  // secrets, not copies of every header and body already in the database.
  const live = new Map<string, Plaintext>();
  const keepLive = (id: string, p: Plaintext | undefined) => {
    live.delete(id);
    if (!p) return;
    live.set(id, p);
    if (live.size > LIVE_EXCHANGES) live.delete(live.keys().next().value as string);
  };

  const selectTrace = `SELECT t.id, t.title, t.flow, t.scenario, t.started_at,
      (SELECT COUNT(*) FROM exchanges e WHERE e.trace_id = t.id) AS count FROM traces t`;
  const q = {
    addTrace: db.prepare(`INSERT INTO traces (id, title, flow, scenario, started_at, created)
      VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(created), 0) + 1 FROM traces))`),
    getTrace: db.prepare(`${selectTrace} WHERE t.id = ?`),
    latest: db.prepare(`${selectTrace} ORDER BY t.created DESC LIMIT 1`),
    list: db.prepare(`${selectTrace} ORDER BY t.created`),
    nextSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM exchanges WHERE trace_id = ?'),
    putExchange: db.prepare(`INSERT INTO exchanges (id, trace_id, seq, data) VALUES (?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET data = excluded.data`),
    exchanges: db.prepare('SELECT data FROM exchanges WHERE trace_id = ? ORDER BY seq'),
    exchangeIds: db.prepare('SELECT id FROM exchanges WHERE trace_id = ?'),
    deleteExchanges: db.prepare('DELETE FROM exchanges WHERE trace_id = ?'),
    deleteTrace: db.prepare('DELETE FROM traces WHERE id = ?'),
  };
  const deleteTrace = db.transaction((id: string) => {
    for (const r of q.exchangeIds.all(id) as { id: string }[]) live.delete(r.id);
    q.deleteExchanges.run(id);
    q.deleteTrace.run(id);
  });
  // One commit (one WAL fsync on disk) per batch, not per exchange.
  const putExchanges = db.transaction((list: readonly Exchange[]) => {
    for (const e of list) {
      const redacted = redactSecrets(e);
      q.putExchange.run(e.id, e.traceId, e.seq, JSON.stringify(redacted));
      keepLive(e.id, plaintextOf(e, redacted));
    }
  });

  return {
    addTrace(m) {
      q.addTrace.run(m.id, m.title, m.flow ?? null, m.scenario ?? null, m.startedAt);
    },
    getTrace(id) {
      const row = q.getTrace.get(id) as TraceRow | undefined;
      return row && toMeta(row);
    },
    latestTrace() {
      const row = q.latest.get() as TraceRow | undefined;
      return row && toMeta(row);
    },
    listTraces: () => (q.list.all() as TraceRow[]).map(toMeta),
    nextSeq: (traceId) => (q.nextSeq.get(traceId) as { seq: number }).seq,
    putExchanges,
    exchanges: (traceId) =>
      (q.exchanges.all(traceId) as { data: string }[]).map((r) => {
        const stored = JSON.parse(r.data) as Exchange;
        const p = live.get(stored.id);
        return p ? withPlaintext(stored, p) : stored;
      }),
    deleteTrace,
    clear() {
      db.exec('DELETE FROM exchanges; DELETE FROM traces;');
      live.clear();
    },
    isOpen: () => db.open,
  };
}

/** What redaction replaced in one exchange, to put back for this session's inspector. */
interface Plaintext {
  url?: string;
  requestBody?: string | null;
  responseBody?: string | null;
  requestHeaders?: Record<string, string>;
  responseHeaders?: Record<string, string>;
}

function plaintextOf(e: Exchange, redacted: Exchange): Plaintext | undefined {
  if (redacted === e) return undefined; // nothing marked secret
  const p: Plaintext = {};
  if (redacted.url !== e.url) p.url = e.url;
  if (redacted.requestBody !== e.requestBody) p.requestBody = e.requestBody;
  if (redacted.responseBody !== e.responseBody) p.responseBody = e.responseBody;
  const changed = (plain: Record<string, string>, masked: Record<string, string>) => {
    let out: Record<string, string> | undefined;
    for (const k in plain) if (masked[k] !== plain[k]) (out ??= {})[k] = plain[k];
    return out;
  };
  const rh = changed(e.requestHeaders, redacted.requestHeaders);
  const sh = changed(e.responseHeaders, redacted.responseHeaders);
  if (rh) p.requestHeaders = rh;
  if (sh) p.responseHeaders = sh;
  return p;
}

function withPlaintext(stored: Exchange, p: Plaintext): Exchange {
  const out: Exchange = { ...stored };
  if (p.url !== undefined) out.url = p.url;
  if (p.requestBody !== undefined) out.requestBody = p.requestBody;
  if (p.responseBody !== undefined) out.responseBody = p.responseBody;
  if (p.requestHeaders) out.requestHeaders = { ...stored.requestHeaders, ...p.requestHeaders };
  if (p.responseHeaders) out.responseHeaders = { ...stored.responseHeaders, ...p.responseHeaders };
  return out;
}
