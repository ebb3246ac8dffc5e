/**
 * Does the studio still show every exchange while the service is under load? (issue 19: "every
 * exchange still reaches the trace and the live diagram — no sampling, nothing dropped".)
 *
 * On a host child started with `--studio` (bench/host-process.ts): an autopilot ID-JAG flow through
 * the studio API, as the studio page drives it, twice idle (the first warms the service's JWKS and
 * CIMD caches) and once while the load runs. The loaded run must have the same exchanges as the idle
 * one (from, to, method, path, status — the load's own requests come from an External client), its
 * live event stream (SSE `exchange`, what draws the diagram) must have announced each of them, and
 * the trace must hold an exchange for every answer the load generator counted.
 */
import type { HostChild } from './child.js';
import type { LoadResult } from './load.js';
import { STUDIO_API_PATH, STUDIO_TOKEN_HEADER, type StudioRun, type StudioTraces } from '../src-servers/protocol/studio.js';
import type { Exchange } from '../src-servers/protocol/trace.js';

export interface StudioCheck {
  ok: boolean;
  detail: string;
  flowExchanges?: number;
  loadAnswers?: number;
  loadExchanges?: number;
}

const EXTERNAL = 'External client';

function api(host: HostChild) {
  const studio = String(host.ready.studio);
  const token = String(host.ready.studioToken);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${studio}${STUDIO_API_PATH}${path}`, {
      method,
      headers: { [STUDIO_TOKEN_HEADER]: token, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`studio ${method} ${path} → ${res.status} ${(await res.text()).slice(0, 200)}`);
    return res.json();
  };
  return { studio, token, call };
}

/** Live `exchange` events of the studio's SSE stream, counted by trace. */
async function listen(studio: string, token: string) {
  const perTrace = new Map<string, Exchange[]>();
  const abort = new AbortController();
  const res = await fetch(`${studio}${STUDIO_API_PATH}/events`, { headers: { [STUDIO_TOKEN_HEADER]: token }, signal: abort.signal });
  if (!res.ok || !res.body) throw new Error(`studio events → ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const pump = (async () => {
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        buffer += r.value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!event.startsWith('event: exchange\n')) continue;
          const e = JSON.parse(event.slice(event.indexOf('data: ') + 6)) as Exchange;
          if (e.from === EXTERNAL) continue;
          perTrace.set(e.traceId, [...(perTrace.get(e.traceId) ?? []), e]);
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return {
    announced: (traceId: string) => perTrace.get(traceId) ?? [],
    async close() {
      abort.abort();
      await pump;
    },
  };
}

/** An exchange's kind: ids in a path (a consent request's cr_…, a grant's) differ from run to run. */
const shape = (e: Exchange) => `${e.from}→${e.to} ${e.method} ${new URL(e.url).pathname.replace(/\/[a-z]{2,6}_[A-Za-z0-9_-]{6,}/g, '/:id')} ${e.status}`;
const shapes = (list: Exchange[]) => list.map(shape).sort();

/** `connections`: the load's; autocannon does not count what is in flight when its time is up. */
export async function studioUnderLoad(host: HostChild, connections: number, load: () => Promise<LoadResult>): Promise<StudioCheck> {
  const { studio, token, call } = api(host);
  const events = await listen(studio, token);
  const flow = async () => {
    const run = (await call('POST', '/runs', { flow: 'id-jag', autopilot: true })) as StudioRun;
    await call('POST', `/runs/${run.id}/play`, { delayMs: 0 });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const now = (await call('GET', '/runs/current')) as StudioRun;
      if (now.status === 'succeeded' || now.status === 'failed') return now;
      if (Date.now() > deadline) throw new Error(`the studio's run never finished (${now.status})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const stored = async (traceId: string) => (await call('GET', `/traces/${traceId}/exchanges`)) as Exchange[];
  const totalExchanges = async () => ((await call('GET', '/traces')) as StudioTraces).traces.reduce((n, t) => n + t.exchangeCount, 0);
  try {
    await flow();
    const idle = await flow();
    const idleShapes = shapes((await stored(idle.traceId)).filter((e) => e.from !== EXTERNAL));
    const before = await totalExchanges();
    const [loaded, answered] = await Promise.all([
      // Start the flow a moment into the load, so all of it runs under load.
      new Promise((r) => setTimeout(r, 200)).then(flow),
      load(),
    ]);
    const all = await stored(loaded.traceId);
    const flowSeen = all.filter((e) => e.from !== EXTERNAL);
    const loadAnswers = answered.ok + answered.non2xx;
    const loadExchanges = (await totalExchanges()) - before - flowSeen.length;
    // The live stream may trail the stored trace by a moment under load: give it a few seconds.
    for (const until = Date.now() + 5_000; events.announced(loaded.traceId).length < flowSeen.length && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
    const announced = events.announced(loaded.traceId);
    const missing = idleShapes.filter((s, i, list) => shapes(flowSeen).filter((x) => x === s).length < list.filter((x) => x === s).length);
    const problems = [
      loaded.status !== 'succeeded' ? `the flow under load ended ${loaded.status}` : '',
      missing.length ? `the trace under load lacks ${[...new Set(missing)].join('; ')}` : '',
      flowSeen.length !== idleShapes.length ? `${flowSeen.length} flow exchanges under load against ${idleShapes.length} idle` : '',
      announced.length !== flowSeen.length ? `the live stream announced ${announced.length} of the flow's ${flowSeen.length} exchanges` : '',
      // autocannon does not count the requests in flight when its time is up; the host answered and recorded them.
      loadExchanges < loadAnswers || loadExchanges > loadAnswers + connections ? `the trace holds ${loadExchanges} load exchanges for ${loadAnswers} answers` : '',
    ].filter(Boolean);
    return {
      ok: problems.length === 0,
      detail: problems.length
        ? problems.join('; ')
        : `the ID-JAG flow under load (${loadAnswers} anonymous registrations answered meanwhile) shows all its ${flowSeen.length} exchanges, each announced live; the trace holds ${loadExchanges} load exchanges for them`,
      flowExchanges: flowSeen.length,
      loadAnswers,
      loadExchanges,
    };
  } finally {
    await events.close();
  }
}
