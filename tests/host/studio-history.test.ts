/**
 * The run history (issue 16): every run keeps its trace; traffic that arrives after a run has
 * ended (curl against the service) goes to a "Between runs" trace, never into the finished run
 * or its exports; a past trace can be reopened and deleted, the live one cannot.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Host } from '../../src-servers/host/host.js';
import type { StudioServer } from '../../src-servers/host/studio.js';
import { startStudioHost, type StudioHost } from './studioHost.js';
import type { StudioRun, StudioTraces } from '../../src-servers/protocol/studio.js';

let t: StudioHost;
let host: Host;
let studio: StudioServer;
let api: string;

beforeAll(async () => {
  t = await startStudioHost();
  ({ host, studio, api } = t);
});
afterAll(() => t?.stop());
beforeEach(async () => {
  await call('POST', '/reset');
});

const call = (method: string, path: string, body?: unknown) => t.call(method, path, body);

async function runToEnd(flow: string): Promise<StudioRun> {
  const run = (await call('POST', '/runs', { flow, autopilot: true })).json as StudioRun;
  expect((await call('POST', `/runs/${run.id}/play`, { delayMs: 0 })).status).toBe(200);
  for (;;) {
    const r = (await call('GET', '/runs/current')).json as StudioRun;
    if (r.status === 'succeeded' || r.status === 'failed') return r;
    await new Promise((res) => setTimeout(res, 25));
  }
}

/** What curl does: a plain request from outside the studio, no studio headers. */
const curlTheService = () => fetch(`${host.urls.service}/api/resource`, { headers: { 'user-agent': 'curl/8.5.0' } });

const traces = async () => (await call('GET', '/traces')).json as StudioTraces;

describe('run history', () => {
  it('traffic after a run ends goes "Between runs": not into the finished run, nor its exports', async () => {
    const run = await runToEnd('anonymous');
    const before = (await call('GET', `/traces/${run.traceId}/exchanges`)).json as unknown[];
    const exportBefore = (await call('GET', `/traces/${run.traceId}/export?format=json`)).json;

    expect((await curlTheService()).status).toBe(401);
    await host.trace.idle();

    const after = (await call('GET', `/traces/${run.traceId}/exchanges`)).json as unknown[];
    expect(after).toEqual(before);
    expect((await call('GET', `/traces/${run.traceId}/export?format=json`)).json.exchanges).toEqual(exportBefore.exchanges);

    const list = await traces();
    expect(list.current).toBe(run.traceId); // the studio still shows the finished run
    const between = list.traces.find((t) => t.id === list.recording)!;
    expect(between).toMatchObject({ title: 'Between runs', exchangeCount: 1 });
    expect(between.flow).toBeUndefined();
    const [curl] = (await call('GET', `/traces/${between.id}/exchanges`)).json;
    expect(curl).toMatchObject({ from: 'External client', fromLabel: 'curl/8.5.0', method: 'GET', status: 401 });
  });

  it('keeps every run with how it ended and its steps; a new run after a quiet gap leaves no empty bucket', async () => {
    const first = await runToEnd('anonymous');
    const second = await runToEnd('anonymous');
    const list = await traces();
    const runs = list.traces.filter((t) => t.flow);
    expect(runs.map((t) => t.id)).toEqual([first.traceId, second.traceId]);
    for (const t of runs) {
      expect(t.outcome).toBe('succeeded');
      expect(t.exchangeCount).toBeGreaterThan(0);
      expect(t.steps?.map((s) => s.status)).toEqual(second.steps.map((s) => s.status));
    }
    // Nothing arrived between the two runs: no "Between runs" trace was kept for that gap.
    const buckets = list.traces.filter((t) => t.title === 'Between runs');
    expect(buckets.map((t) => t.id)).toEqual([list.recording]);
  });

  it('a run replaced midway is kept as "stopped"', async () => {
    const run = (await call('POST', '/runs', { flow: 'anonymous' })).json as StudioRun;
    expect((await call('POST', `/runs/${run.id}/next`)).status).toBe(200);
    await call('POST', '/runs', { flow: 'anonymous' });
    const entry = (await traces()).traces.find((t) => t.id === run.traceId)!;
    expect(entry.outcome).toBe('stopped');
    expect(entry.steps?.[0]).toMatchObject({ name: 'probe', status: 'done' });
  });

  it('deletes a past trace; refuses the live one (409) and an unknown one (404), in JSON', async () => {
    const first = await runToEnd('anonymous');
    const second = (await call('POST', '/runs', { flow: 'anonymous' })).json as StudioRun;
    const del = await call('DELETE', `/traces/${first.traceId}`);
    expect(del).toMatchObject({ status: 200, json: { deleted: first.traceId } });
    expect((await traces()).traces.some((t) => t.id === first.traceId)).toBe(false);
    expect((await call('GET', `/traces/${first.traceId}/exchanges`)).json).toEqual([]);

    const live = await call('DELETE', `/traces/${second.traceId}`);
    expect(live.status).toBe(409);
    expect(live.json.error).toBe('trace_in_use');
    expect(Object.keys(live.json).sort()).toEqual(['error', 'message']);
    const unknown = await call('DELETE', '/traces/trc_nope');
    expect(unknown).toMatchObject({ status: 404, json: { error: 'not_found', message: 'No trace with id trc_nope.' } });
  });

  it('deleting needs the studio token, like every studio call', async () => {
    const r = await fetch(`${api}/traces/whatever`, { method: 'DELETE' });
    expect(r.status).toBe(401);
  });
});
