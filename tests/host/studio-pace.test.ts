/**
 * The presenter's pace (issue 16: "a pace that waits at key moments"): POST /runs/:id/play with
 * holdAtMoments stops after a credential is issued, after a lesson's failure shows, and after its
 * remedy works; `held` says which; playing again carries on. Without it, play never stops there.
 * A real host (in memory, every port free), the real agent on autopilot.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StudioServer } from '../../src-servers/host/studio.js';
import { startStudioHost, type StudioHost } from './studioHost.js';
import type { StudioRun } from '../../src-servers/protocol/studio.js';

let t: StudioHost;
let studio: StudioServer;

beforeAll(async () => {
  t = await startStudioHost({ 'index.html': '<!doctype html><title>studio</title>' });
  studio = t.studio;
});
afterAll(() => t?.stop());
beforeEach(async () => {
  await post('/reset');
});

async function post(path: string, body?: unknown) {
  const res = await fetch(`${studio.url}/studio/api${path}`, {
    method: 'POST',
    headers: { 'x-studio-token': studio.token, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: (await res.json()) as StudioRun & { error?: string; message?: string } };
}
async function current(): Promise<StudioRun> {
  const res = await fetch(`${studio.url}/studio/api/runs/current`, { headers: { 'x-studio-token': studio.token } });
  return (await res.json()) as StudioRun;
}
/** Poll until play has stopped (held at a moment, or the run ended). */
async function untilStopped(): Promise<StudioRun> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const run = await current();
    if (!run.playing) return run;
    if (Date.now() > deadline) throw new Error(`still playing: ${JSON.stringify(run).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const TERMINAL = ['succeeded', 'failed'];

async function playHeld(scenario: Record<string, unknown>): Promise<{ stops: StudioRun[]; end: StudioRun }> {
  const created = await post('/runs', { ...scenario, autopilot: true });
  expect(created.status).toBe(201);
  const stops: StudioRun[] = [];
  for (let i = 0; i < 10; i++) {
    expect((await post(`/runs/${created.json.id}/play`, { delayMs: 0, holdAtMoments: true })).status).toBe(200);
    const run = await untilStopped();
    if (TERMINAL.includes(run.status)) return { stops, end: run };
    stops.push(run);
  }
  throw new Error('never ended');
}

describe('play with holdAtMoments (the presenter pace)', () => {
  it('ID-JAG stops once the credential is issued, says so in `held`, and playing again finishes the flow', async () => {
    const { stops, end } = await playHeld({ flow: 'id-jag' });
    expect(stops.map((s) => s.held?.kind)).toEqual(['credential']);
    const [stop] = stops;
    expect(stop.held!.text).toMatch(/issued a credential/);
    // It stopped right after the step that got the credential, with steps still to come.
    expect(stop.steps[stop.held!.step].status).toBe('done');
    expect(stop.current).toBe(stop.held!.step + 1);
    expect(stop.steps.slice(stop.current).some((s) => s.status === 'pending')).toBe(true);
    expect(end.status).toBe('succeeded');
    expect(end.held).toBeUndefined();
    expect(end.moments?.map((m) => m.kind)).toEqual(['credential']);
  });

  it('a lesson stops where its failure shows and again where the remedy works', async () => {
    const { stops, end } = await playHeld({ scenario: 'replayed-id-jag' });
    expect(stops.map((s) => s.held?.kind)).toEqual(['credential', 'failure', 'remedy']);
    expect(stops[1].held!.text).toMatch(/replay_detected/);
    expect(end.status).toBe('succeeded');
  });

  it('without holdAtMoments play never stops at them (the pace is off outside presenter mode)', async () => {
    const created = await post('/runs', { flow: 'id-jag', autopilot: true });
    await post(`/runs/${created.json.id}/play`, { delayMs: 0 });
    const end = await untilStopped();
    expect(end.status).toBe('succeeded');
    expect(end.moments?.map((m) => m.kind)).toEqual(['credential']);
    expect(end.held).toBeUndefined();
  });

  it('holdAtMoments must be a boolean', async () => {
    const created = await post('/runs', { flow: 'id-jag', autopilot: true });
    const bad = await post(`/runs/${created.json.id}/play`, { holdAtMoments: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: 'invalid_request', message: expect.stringMatching(/holdAtMoments/) });
  });
});
