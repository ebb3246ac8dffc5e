import { ACTORS } from '../../src-servers/protocol/trace';
import type { Actor, Exchange, StepState } from '../types';
import type { ProfileId } from '../../src-servers/protocol/profiles';

/**
 * From the recorded trace to the sequence diagram (DESIGN.md rule 3): what is drawn solid is
 * what was on the wire; steps still to come come from the flow definition and are drawn greyed.
 */

/** Our own lifelines, in the contract's order; "External client" joins only when one called. */
const BASE_LIFELINES: readonly Actor[] = ACTORS.filter((a) => a !== 'External client');

export type BandStatus = StepState['status'] | 'outside';

export interface Row {
  key: string;
  exchange: Exchange;
  /** Identical consecutive requests (polling) are drawn once with a count. */
  repeat: number;
  /**
   * Calls the callee made while handling this request (the service fetching the provider's JWKS
   * during POST /agent/auth), drawn between the request and its answer, as sequence diagrams do.
   */
  nested: Row[];
}

export interface Band {
  key: string;
  /** Index into the run's steps; null for requests outside any step (before the run, curl). */
  index: number | null;
  title: string;
  status: BandStatus;
  rows: Row[];
}

type StepLike = Pick<StepState, 'name' | 'title' | 'status'>;

/**
 * The roles each profile's flows involve: v0.6 sends no mail (PROTOCOL-v0.6.md: the person signs in
 * and types the code on the service's own pages, §3), so its runs have no Inbox lifeline.
 */
const PROFILE_LIFELINES: Record<ProfileId, readonly Actor[]> = {
  'v0.1': BASE_LIFELINES,
  'v0.6': BASE_LIFELINES.filter((a) => a !== 'Inbox'),
};

/** The profile of the services that answered in a recorded trace, when it is one (a past run reopened). */
export function traceProfile(exchanges: Exchange[]): ProfileId | undefined {
  const seen = new Set(exchanges.flatMap((e) => (e.serviceProfile ? [e.serviceProfile] : [])));
  return seen.size === 1 ? ([...seen][0] as ProfileId) : undefined;
}

/**
 * The lifelines to draw: the roles the run's profile uses (all of ours when it is not known), plus any
 * role that was on the wire anyway — what was recorded is always drawn (DESIGN.md rule 3).
 */
export function actorsOf(exchanges: Exchange[], profile?: ProfileId): readonly Actor[] {
  const uses = new Set<Actor>(profile ? PROFILE_LIFELINES[profile] ?? BASE_LIFELINES : BASE_LIFELINES);
  for (const e of exchanges) uses.add(e.from).add(e.to);
  return ACTORS.filter((a) => uses.has(a));
}

const signature = (e: Exchange) => `${e.from}|${e.to}|${e.method}|${e.url}|${e.status}`;

// Exchanges are numbered as they complete, so a call made while another was handled has the lower
// number; the recorded wire times put each one back where it started (as the Mermaid export does).
const startOf = (e: Exchange) => e.timing?.start ?? Date.parse(e.startedAt);
const endOf = (e: Exchange) => e.timing?.end ?? Date.parse(e.startedAt) + e.durationMs;

/** Exchanges in the order their requests were sent (then by number). */
export function inWireOrder(exchanges: Exchange[]): Exchange[] {
  return [...exchanges].sort((a, b) => startOf(a) - startOf(b) || a.seq - b.seq);
}

/** `inner` was made by `outer`'s callee while it handled `outer` (its time span lies inside). */
export function isNestedIn(inner: Exchange, outer: Exchange): boolean {
  return inner.from === outer.to && inner.from !== outer.from
    && startOf(inner) >= startOf(outer) && endOf(inner) <= endOf(outer) && inner.id !== outer.id;
}

/** Add a row at the right depth: inside the innermost open row it is nested in, else at the top. */
function place(rows: Row[], e: Exchange): void {
  const last = rows[rows.length - 1];
  if (last && isNestedIn(e, last.exchange)) return place(last.nested, e);
  if (last && !last.nested.length && signature(last.exchange) === signature(e)) {
    last.repeat += 1;
    last.exchange = e;
    return;
  }
  rows.push({ key: e.id, exchange: e, repeat: 1, nested: [] });
}

/**
 * Bands in wire order: a new band whenever the step changes; steps without requests still get
 * one. A call made while handling another request of the same band is drawn inside it.
 */
export function buildBands(exchanges: Exchange[], steps: StepLike[], stepOf: Record<string, string> = {}): Band[] {
  const indexByName = new Map(steps.map((s, i) => [s.name, i]));
  const bands: Band[] = [];
  let emitted = -1; // highest step index that has a band
  let band = null as Band | null;

  const stepBand = (i: number): Band => ({
    key: `step-${i}-${bands.length}`, index: i, title: steps[i].title, status: steps[i].status, rows: [],
  });
  const openStep = (i: number) => {
    for (let k = emitted + 1; k < i; k++) bands.push(stepBand(k));
    band = stepBand(i);
    bands.push(band);
    emitted = Math.max(emitted, i);
  };

  for (const e of inWireOrder(exchanges)) {
    const name = e.step ?? stepOf[e.id];
    const i = name !== undefined ? indexByName.get(name) : undefined;
    if (i !== undefined && (!band || band.index !== i)) openStep(i);
    if (!band) {
      band = { key: 'outside', index: null, title: 'Outside the flow', status: 'outside', rows: [] };
      bands.push(band);
    }
    place((band as Band).rows, e);
  }
  for (let k = emitted + 1; k < steps.length; k++) bands.push(stepBand(k));
  return bands;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 250: 'OK', 302: 'Found', 303: 'See Other',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict',
  410: 'Gone', 413: 'Too Large', 429: 'Too Many', 500: 'Server Error',
};

/** "400 invalid_issuer" when the body names the error, else "200 OK". */
export function responseLabel(e: Exchange): string {
  if (e.status >= 400 && e.responseBody) {
    try {
      const body = JSON.parse(e.responseBody) as { error?: unknown };
      if (typeof body.error === 'string') return `${e.status} ${body.error}`;
    } catch {
      /* not JSON */
    }
  }
  return `${e.status} ${STATUS_TEXT[e.status] ?? ''}`.trim();
}

/** "POST /agent/auth" — the path is what a reader of PROTOCOL.md recognises. */
/**
 * A random id in a path (cr_DRofxy8pcKMhgCTonvRrQA): after an optional short prefix, 16+ url-safe
 * characters in mixed case — so words such as "oauth-protected-resource" are never taken for one.
 */
function opaqueId(seg: string): { prefix: string; id: string } | null {
  const prefix = /^[a-z]{1,6}_/.exec(seg)?.[0] ?? '';
  const id = seg.slice(prefix.length);
  return /^[A-Za-z0-9_-]{16,}$/.test(id) && /[A-Z]/.test(id) && /[a-z]/.test(id) ? { prefix, id } : null;
}

/**
 * "METHOD /path" for the diagram: a query is shown as "?…" and a random id by its first characters
 * ("cr_DRof…"), so the label says which endpoint at any width; the inspector shows the whole URL.
 */
export function requestLabel(e: Exchange): string {
  if (e.method === 'SMTP') return 'SMTP mail';
  try {
    const u = new URL(e.url);
    const path = u.pathname.split('/').map((seg) => {
      const m = opaqueId(seg);
      return m ? `${m.prefix}${m.id.slice(0, 4)}…` : seg;
    }).join('/');
    return `${e.method} ${path}${u.search ? '?…' : ''}`;
  } catch {
    return `${e.method} ${e.url}`;
  }
}

export function pathOf(e: Exchange): string {
  try {
    const u = new URL(e.url);
    return u.pathname + u.search;
  } catch {
    return e.url;
  }
}

export type Tone = 'ok' | 'redirect' | 'client-error' | 'server-error';
export function toneOf(status: number): Tone {
  if (status >= 500) return 'server-error';
  if (status >= 400) return 'client-error';
  if (status >= 300) return 'redirect';
  return 'ok';
}

/** Fit a label into `px` of monospace text (≈ 0.6 em per character). */
export function fit(text: string, px: number, fontPx = 11): string {
  const max = Math.max(4, Math.floor(px / (fontPx * 0.61)));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Where an arrow's label goes: centred on the arrow, but free to run past its two lifelines (it
 * has its row to itself, and a halo keeps it legible over the lines), shifted to stay inside the
 * diagram; cut with "…" only when it is wider than the whole diagram.
 */
export function placeLabel(text: string, mid: number, width: number, side: number, fontPx = 11): { text: string; x: number } {
  const shown = fit(text, width - 2 * side, fontPx);
  const half = (shown.length * fontPx * 0.61) / 2;
  const x = Math.min(Math.max(mid, side + half), width - side - half);
  return { text: shown, x };
}
