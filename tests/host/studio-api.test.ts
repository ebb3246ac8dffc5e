/**
 * The studio API (src-servers/host/studio.ts), the renderer's only door into the host: every route,
 * its answer and its error JSON, over HTTP against a real host (in memory, every port free).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHost, type Host } from '../../src-servers/host/host.js';
import { startStudioServer, type StudioServer } from '../../src-servers/host/studio.js';
import { MAX_BODY_BYTES } from '../../src-servers/protocol/constants.js';
import type { StudioRun } from '../../src-servers/protocol/studio.js';

let host: Host;
let studio: StudioServer;
let api: string;
const rendererDir = mkdtempSync(join(tmpdir(), 'ars-studio-renderer-'));
const INDEX_HTML = '<!doctype html><title>studio test page</title>';

beforeAll(async () => {
  writeFileSync(join(rendererDir, 'index.html'), INDEX_HTML);
  writeFileSync(join(rendererDir, 'app.js'), 'console.log(1)');
  const log = () => {};
  host = await startHost({ inMemory: true, ports: { service: 0, provider: 0, mailbox: 0, smtp: 0 }, log });
  studio = await startStudioServer(host, 0, { log, rendererDir });
  api = `${studio.url}/studio/api`;
});
afterAll(async () => {
  await studio?.stop();
  await host?.stop();
  rmSync(rendererDir, { recursive: true, force: true });
});
// Every test starts from a wiped host with no run, as the studio's "Reset all data" leaves it.
beforeEach(async () => {
  await post('/reset');
});

async function call(method: string, path: string, body?: unknown, raw?: string) {
  const res = await fetch(`${api}${path}`, {
    method,
    // The studio page's own secret (host/studioGuard.ts), as the desktop shell reads it from the handle.
    headers: { 'x-studio-token': studio.token, ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: raw ?? (body !== undefined ? JSON.stringify(body) : undefined),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}
const get = (path: string) => call('GET', path);
const post = (path: string, body?: unknown) => call('POST', path, body);

/** The error JSON every failing route answers with. */
function expectError(r: Awaited<ReturnType<typeof call>>, status: number, error: string, message?: RegExp | string) {
  expect(r.status, r.text).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(r.json).sort()).toEqual(['error', 'message']);
  expect(r.json.error).toBe(error);
  if (message) expect(r.json.message).toMatch(message);
}

async function createRun(body: Record<string, unknown>): Promise<StudioRun> {
  const r = await post('/runs', body);
  expect(r.status, r.text).toBe(201);
  return r.json;
}

/** Poll the current run until `done` holds (runs move on by themselves while playing). */
async function until(done: (run: StudioRun) => boolean, timeoutMs = 20_000): Promise<StudioRun> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await get('/runs/current');
    if (r.status === 200 && done(r.json)) return r.json;
    if (Date.now() > deadline) throw new Error(`run never got there; last: ${r.text.slice(0, 500)}`);
    await new Promise((res) => setTimeout(res, 25));
  }
}

/** A whole flow on autopilot, played without pauses. */
async function runToEnd(flow: string): Promise<StudioRun> {
  const run = await createRun({ flow, autopilot: true });
  expect((await post(`/runs/${run.id}/play`, { delayMs: 0 })).status).toBe(200);
  return until((r) => r.status === 'succeeded' || r.status === 'failed');
}

describe('GET /studio/api/info', () => {
  it("names the host's URLs, every flow with its steps, and every failure lesson", async () => {
    const r = await get('/info');
    expect(r.status).toBe(200);
    expect(r.json.urls).toEqual(host.urls);
    expect(r.json.flows.map((f: { id: string }) => f.id)).toEqual(['id-jag', 'verified-email', 'anonymous', 'revocation']);
    for (const f of r.json.flows) expect(f.steps.length, f.id).toBeGreaterThan(0);
    expect(r.json.scenarios.length).toBeGreaterThan(0);
    for (const s of r.json.scenarios) expect(r.json.flows.map((f: { id: string }) => f.id)).toContain(s.flow);
  });
});

describe('POST /studio/api/runs', () => {
  it('creates the current run: 201, ready, its flow, its steps pending, not playing', async () => {
    const run = await createRun({ flow: 'anonymous' });
    expect(run).toMatchObject({ flow: 'anonymous', status: 'ready', autopilot: false, playing: false, current: 0 });
    expect(run.steps[0]).toMatchObject({ name: 'probe', status: 'pending' });
    expect(typeof run.rev).toBe('number');
    const current = await get('/runs/current');
    expect(current.json.id).toBe(run.id);
    // every snapshot carries a newer revision, so a client can drop a stale answer
    expect(current.json.rev).toBeGreaterThan(run.rev);
  });

  it('a scenario brings its own flow; a new run replaces the old one', async () => {
    const first = await createRun({ flow: 'anonymous' });
    const lesson = await createRun({ scenario: 'replayed-id-jag', autopilot: true });
    expect(lesson).toMatchObject({ flow: 'id-jag', scenario: 'replayed-id-jag', autopilot: true });
    expect((await get('/runs/current')).json.id).toBe(lesson.id);
    expectError(await post(`/runs/${first.id}/next`), 404, 'not_found', first.id);
  });

  it('refuses a body it cannot use, saying why', async () => {
    expectError(await post('/runs', {}), 400, 'invalid_request', 'Give a flow (or a scenario).');
    expectError(await post('/runs', { flow: 'teleport' }), 400, 'invalid_request', /^flow: /);
    expectError(await post('/runs', { flow: 'anonymous', speed: 3 }), 400, 'invalid_request', /speed/);
    expectError(await post('/runs', { flow: 'anonymous', autopilot: 'yes' }), 400, 'invalid_request', /^autopilot: /);
    expectError(await post('/runs', { scenario: 'nope' }), 400, 'invalid_request', 'Unknown scenario "nope".');
    expectError(
      await post('/runs', { scenario: 'replayed-id-jag', flow: 'anonymous' }),
      400,
      'invalid_request',
      'Scenario "replayed-id-jag" belongs to the id-jag flow.',
    );
    expectError(await call('POST', '/runs', undefined, '{"flow": '), 400, 'invalid_request', 'The body is not valid JSON.');
    expectError(await call('POST', '/runs', undefined, JSON.stringify({ flow: 'x'.repeat(MAX_BODY_BYTES) })), 413, 'payload_too_large');
    // none of those made a run
    expect(await get('/runs/current')).toMatchObject({ status: 200, json: null });
  });
});

describe('a run, step by step', () => {
  it('POST next takes one step and answers with the run after it', async () => {
    const run = await createRun({ flow: 'anonymous' });
    const r = await post(`/runs/${run.id}/next`);
    expect(r.status).toBe(200);
    expect(r.json.steps[0]).toMatchObject({ name: 'probe', status: 'done' });
    expect(r.json.current).toBe(1);
  });

  it('stops at the person: act does what the person would, otp hands over the code', async () => {
    const run = await createRun({ flow: 'anonymous' });
    let r = run;
    while (r.status !== 'waiting') r = (await post(`/runs/${run.id}/next`)).json;
    expect(r.waitingFor?.kind).toBe('open_mail');
    const acted = await post(`/runs/${run.id}/act`);
    expect(acted.status).toBe(200);
    expect(acted.json.steps.find((s: { name: string }) => s.name === 'open_mail').status).toBe('done');

    // The code, as the person reads it on the claim page.
    const otp = await post(`/runs/${run.id}/otp`, { otp: '000000' });
    expect(otp.status).toBe(200);
    expect(otp.json.narration.map((n: { text: string }) => n.text)).toContain('You told me the code.');
  });

  it('act when the agent is not waiting → 409 not_waiting', async () => {
    const run = await createRun({ flow: 'anonymous' });
    expectError(await post(`/runs/${run.id}/act`), 409, 'not_waiting', 'The agent is not waiting for you.');
    expectError(await post(`/runs/${run.id}/act`, { choice: 'maybe' }), 400, 'invalid_request', /^choice: /);
  });

  it('autopilot switches on and off, and takes only a boolean', async () => {
    const run = await createRun({ flow: 'anonymous' });
    expect((await post(`/runs/${run.id}/autopilot`, { on: true })).json.autopilot).toBe(true);
    expect((await post(`/runs/${run.id}/autopilot`, { on: false })).json.autopilot).toBe(false);
    expectError(await post(`/runs/${run.id}/autopilot`, { on: 'yes' }), 400, 'invalid_request', /^on: /);
    expectError(await post(`/runs/${run.id}/autopilot`), 400, 'invalid_request', /Send a JSON body/);
  });

  it('otp takes 1–32 characters', async () => {
    const run = await createRun({ flow: 'anonymous' });
    expectError(await post(`/runs/${run.id}/otp`, { otp: '   ' }), 400, 'invalid_request', /^otp: /);
    expectError(await post(`/runs/${run.id}/otp`, { otp: '1'.repeat(33) }), 400, 'invalid_request', /^otp: /);
    expectError(await post(`/runs/${run.id}/otp`, {}), 400, 'invalid_request', /^otp: /);
  });

  it('play runs on by itself, pause stops it; the pace is 0–10,000 ms', async () => {
    const run = await createRun({ flow: 'anonymous' });
    expectError(await post(`/runs/${run.id}/play`, { delayMs: -1 }), 400, 'invalid_request', /^delayMs: /);
    expectError(await post(`/runs/${run.id}/play`, { delayMs: 10_001 }), 400, 'invalid_request', /^delayMs: /);
    expectError(await post(`/runs/${run.id}/play`, { delayMs: 1.5 }), 400, 'invalid_request', /^delayMs: /);

    const playing = await post(`/runs/${run.id}/play`, { delayMs: 10_000 });
    expect(playing.status).toBe(200);
    expect(playing.json.playing).toBe(true);
    // the first step happens at once; the next only after 10 s, so pausing now stops it after one
    const first = await until((r) => r.steps[0].status === 'done');
    const paused = await post(`/runs/${run.id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.json.playing).toBe(false);
    expect(paused.json.current).toBe(first.current);
    expect((await get('/runs/current')).json).toMatchObject({ playing: false, current: first.current });
  });

  it('every run route answers 404 for a run that is not the current one', async () => {
    await createRun({ flow: 'anonymous' });
    for (const [route, body] of [['next'], ['play', {}], ['pause'], ['autopilot', { on: true }], ['otp', { otp: '1' }], ['act']] as const) {
      expectError(await post(`/runs/run-nope/${route}`, body), 404, 'not_found', 'No current run with id run-nope.');
    }
  });

  it('a finished run stays finished: next answers with it as it is', async () => {
    const done = await runToEnd('anonymous');
    expect(done.status, JSON.stringify(done.outcome)).toBe('succeeded');
    const again = await post(`/runs/${done.id}/next`);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ status: 'succeeded', current: done.current });
  });
});

describe('traces', () => {
  it("lists the run's trace and its exchanges, as recorded on the wire", async () => {
    const run = await runToEnd('anonymous');
    const list = await get('/traces');
    expect(list.status).toBe(200);
    expect(list.json.current).toBe(run.traceId);
    const meta = list.json.traces.find((t: { id: string }) => t.id === run.traceId);
    expect(meta).toMatchObject({ flow: 'anonymous' });
    const exchanges = await get(`/traces/${run.traceId}/exchanges`);
    expect(exchanges.status).toBe(200);
    expect(exchanges.json.length).toBe(meta.exchangeCount);
    expect(exchanges.json.some((e: { method: string; url: string; status: number }) => e.method === 'POST' && e.url.endsWith('/agent/auth') && e.status === 200)).toBe(true);
    expect((await get('/traces/no-such-trace/exchanges')).json).toEqual([]);
  });

  it('exports a trace as JSON, HAR, Mermaid or Markdown, as a download named after the trace', async () => {
    const { traceId } = await runToEnd('anonymous');
    for (const [format, ext] of [['json', 'json'], ['har', 'har'], ['mermaid', 'mmd'], ['markdown', 'md']]) {
      const r = await get(`/traces/${traceId}/export?format=${format}`);
      expect(r.status, format).toBe(200);
      expect(r.headers.get('content-disposition'), format).toMatch(new RegExp(`^attachment; filename="?trace-${traceId}\\.${ext}"?$`));
    }
    const json = await get(`/traces/${traceId}/export?format=json`);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(json.json.exchanges.length).toBeGreaterThan(0);
    // no format: JSON
    expect(await get(`/traces/${traceId}/export`)).toMatchObject({ text: json.text });
    expect((await get(`/traces/${traceId}/export?format=har`)).json.log.entries.length).toBe(json.json.exchanges.length);
    expect((await get(`/traces/${traceId}/export?format=mermaid`)).text).toMatch(/^sequenceDiagram/);
    const md = await get(`/traces/${traceId}/export?format=markdown`);
    expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(md.text).toContain('POST /agent/auth');
    expectError(await get(`/traces/${traceId}/export?format=pdf`), 400, 'invalid_request', 'format must be json, har, mermaid or markdown.');
  });

  // res.attachment() sets the type from the file name: a .har went out as application/octet-stream
  // and a .mmd as application/vnd.chipnuts.karaoke-mmd until the type was set after it.
  it('sends HAR as application/json and Mermaid as text/plain', async () => {
    const { traceId } = await runToEnd('anonymous');
    expect((await get(`/traces/${traceId}/export?format=har`)).headers.get('content-type')).toMatch(/^application\/json/);
    expect((await get(`/traces/${traceId}/export?format=mermaid`)).headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('an export of a trace that does not exist is 404 not_found, in the same JSON shape', async () => {
    const r = await get('/traces/no-such-trace/export?format=json');
    expect(r.status).toBe(404);
    expect(r.json.error).toBe('not_found');
    expect(Object.keys(r.json).sort()).toEqual(['error', 'message']);
  });
});

describe('GET /studio/api/state and /inbox', () => {
  it("shows the service's and the provider's records, and the person's inbox", async () => {
    const empty = await get('/state');
    expect(empty.status).toBe(200);
    expect(empty.json.service.registrations).toEqual([]);
    expect(empty.json.provider.users.length).toBeGreaterThan(0);
    expect((await get('/inbox')).json).toEqual([]);

    await runToEnd('anonymous');
    const after = await get('/state');
    expect(after.json.service.registrations.length).toBe(1);
    expect(after.json.service.credentials.length).toBeGreaterThan(0);
    const inbox = await get('/inbox');
    expect(inbox.status).toBe(200);
    expect(inbox.json.length).toBe(1); // the claim mail
    expect(inbox.json[0].text).toMatch(/token=cv_/);
  });
});

describe('POST /studio/api/grants/:id/revoke', () => {
  it("revokes the user's grant at the provider, once", async () => {
    const run = await runToEnd('id-jag');
    expect(run.status, JSON.stringify(run.outcome)).toBe('succeeded');
    const { grants } = (await get('/state')).json.provider as { grants: { id: string; status: string }[] };
    const grant = grants.find((g) => g.status !== 'revoked');
    expect(grant, JSON.stringify(grants)).toBeDefined();
    const r = await post(`/grants/${grant!.id}/revoke`);
    expect(r.status, r.text).toBe(200);
    expect(r.json).toEqual({ revoked: grant!.id });
    const now = (await get('/state')).json.provider.grants.find((g: { id: string }) => g.id === grant!.id);
    expect(now.status).toBe('revoked');
    expectError(await post(`/grants/${grant!.id}/revoke`), 409, 'already_revoked', `Grant ${grant!.id} is already revoked.`);
  });

  it('an unknown grant → 404', async () => {
    expectError(await post('/grants/grant-nope/revoke'), 404, 'not_found', 'No grant grant-nope.');
  });
});

describe('POST /studio/api/reset', () => {
  it('wipes every role and the trace, and ends the current run', async () => {
    await runToEnd('anonymous');
    const r = await post('/reset');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ reset: true });
    expect(await get('/runs/current')).toMatchObject({ status: 200, json: null });
    expect((await get('/state')).json.service.registrations).toEqual([]);
    expect((await get('/inbox')).json).toEqual([]);
    const traces = (await get('/traces')).json;
    expect(traces.traces.every((t: { flow?: string }) => t.flow === undefined)).toBe(true);
  });
});

describe('GET /studio/api/events', () => {
  it('streams every change of the run as Server-Sent Events, from the moment it connects', async () => {
    const ac = new AbortController();
    const res = await fetch(`${api}/events`, { signal: ac.signal, headers: { 'x-studio-token': studio.token } });
    try {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      const nextEvent = async (name: string) => {
        for (;;) {
          const frames = buffer.split('\n\n');
          for (let i = 0; i < frames.length - 1; i++) {
            const ev = frames[i].match(/^event: (.+)$/m)?.[1];
            if (ev === name) {
              buffer = frames.slice(i + 1).join('\n\n');
              return JSON.parse(frames[i].match(/^data: (.+)$/m)![1]);
            }
          }
          const { value, done } = await reader.read();
          if (done) throw new Error(`stream ended before "${name}"`);
          buffer += value;
        }
      };
      const run = await createRun({ flow: 'anonymous' });
      const announced = await nextEvent('run');
      expect(announced).toMatchObject({ id: run.id, flow: 'anonymous', status: 'ready' });

      await post(`/runs/${run.id}/next`);
      const exchange = await nextEvent('exchange');
      expect(exchange).toMatchObject({ from: 'Agent', to: 'Service', method: 'GET' });

      await post('/reset');
      expect(await nextEvent('reset')).toEqual({});
    } finally {
      ac.abort();
    }
  });
});

describe('anything else', () => {
  it('an unknown API route → 404 not_found in JSON', async () => {
    expectError(await get('/nope'), 404, 'not_found', 'No such studio API endpoint.');
    expectError(await post('/info'), 404, 'not_found', 'No such studio API endpoint.');
  });

  it('serves the built renderer, and its index.html for any other page (the app routes itself)', async () => {
    const index = await fetch(`${studio.url}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toBe(INDEX_HTML);
    expect(await (await fetch(`${studio.url}/app.js`)).text()).toBe('console.log(1)');
    const deep = await fetch(`${studio.url}/some/page`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(INDEX_HTML);
    const postPage = await fetch(`${studio.url}/some/page`, { method: 'POST' });
    expect(postPage.status).toBe(404);
    expect(await postPage.json()).toEqual({ error: 'not_found', message: 'Not found.' });
  });

  it('without a built renderer, says how to build it (503)', async () => {
    const bare = await startStudioServer(host, 0, { log: () => {}, rendererDir: join(rendererDir, 'missing') });
    try {
      const r = await fetch(`${bare.url}/`);
      expect(r.status).toBe(503);
      expect(await r.text()).toContain('npm run build:renderer');
    } finally {
      await bare.stop();
    }
  });
});
