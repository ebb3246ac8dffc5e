/**
 * The studio's "Test a service" API (host/studioConformance.ts, issue 18): the conformance runner
 * started from the studio page, against a real host (in memory, every port free), its progress
 * read off the studio's real SSE stream, its report downloaded in each format.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Host } from '../../src-servers/host/host.js';
import type { StudioServer } from '../../src-servers/host/studio.js';
import { startStudioHost, type StudioHost } from './studioHost.js';
import type { ConformanceRun, ConformanceRunNews, StudioEvents } from '../../src-servers/protocol/studio.js';
import type { CheckResult, RunReport } from '../../src-servers/protocol/conformance.js';
import type { Exchange } from '../../src-servers/protocol/trace.js';

let t: StudioHost;
let host: Host;
let studio: StudioServer;
let api: string;

beforeAll(async () => {
  t = await startStudioHost();
  ({ host, studio, api } = t);
});
afterAll(() => t?.stop());
// Each test starts with no conformance run going ("Reset all data" cancels one).
beforeEach(async () => {
  await call('POST', '/reset');
});

const call = (...args: Parameters<StudioHost['call']>) => t.call(...args);

function expectError(r: Awaited<ReturnType<typeof call>>, status: number, error: string, message?: RegExp | string) {
  expect(r.status, r.text).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(r.json).sort()).toEqual(['error', 'message']);
  expect(r.json.error).toBe(error);
  if (message) expect(r.json.message).toMatch(message);
}

/** The studio's SSE stream, as the renderer reads it: every event, in order, by name. */
async function openEvents() {
  const ac = new AbortController();
  const res = await fetch(`${api}/events`, { signal: ac.signal, headers: { 'x-studio-token': studio.token } });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const seen: { event: string; data: any }[] = [];
  let buffer = '';
  let waiters: (() => void)[] = [];
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        const frames = buffer.split('\n\n');
        buffer = frames.pop()!;
        for (const f of frames) {
          const event = f.match(/^event: (.+)$/m)?.[1];
          if (event) seen.push({ event, data: JSON.parse(f.match(/^data: (.+)$/m)![1]) });
        }
        for (const w of waiters.splice(0)) w();
      }
    } catch {
      /* aborted */
    }
  })();
  /** Resolves with the first event (from the start) matching `pick`. */
  const until = async <K extends keyof StudioEvents>(event: K, pick: (d: StudioEvents[K]) => boolean, timeoutMs = 60_000): Promise<StudioEvents[K]> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = seen.find((s) => s.event === event && pick(s.data));
      if (hit) return hit.data;
      if (Date.now() > deadline) throw new Error(`no ${event} event matched; saw ${seen.map((s) => s.event).join(', ')}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 500);
      });
    }
  };
  return { seen, until, close: () => { ac.abort(); waiters = []; } };
}

const start = (body: Record<string, unknown>) => call('POST', '/conformance/runs', body);

describe('studio conformance API: the door', () => {
  it('answers the studio page only: no token → 401, a foreign Origin → 403, a form body → 415', async () => {
    const bare = await fetch(`${api}/conformance/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect([bare.status, ((await bare.json()) as { error: string }).error]).toEqual([401, 'studio_token_required']);
    expectError(await call('POST', '/conformance/runs', {}, { headers: { origin: 'http://evil.example' } }), 403, 'forbidden_origin');
    expectError(await call('GET', '/conformance/info', undefined, { headers: { origin: 'http://evil.example' } }), 403, 'forbidden_origin');
    const form = await fetch(`${api}/conformance/runs`, { method: 'POST', headers: { 'x-studio-token': studio.token, 'content-type': 'text/plain' }, body: 'serviceUrl=x' });
    expect([form.status, ((await form.json()) as { error: string }).error]).toEqual([415, 'unsupported_media_type']);
    // None of these started a run.
    expect((await call('GET', '/conformance/runs/current')).json).toBeNull();
  });

  it('GET /conformance/info prefills this host\'s own roles and lists every check of both profiles', async () => {
    const r = await call('GET', '/conformance/info');
    expect(r.status).toBe(200);
    expect(r.json.defaults).toEqual({ serviceUrl: host.urls.service, providerUrl: host.urls.provider, mailboxUrl: host.urls.mailbox });
    expect(r.json.checks['v0.1'].map((c: { id: string }) => c.id)).toContain('idjag.replay');
    expect(r.json.checks['v0.6'].map((c: { id: string }) => c.id)).toContain('discovery.agent_auth');
    expect(r.json.checks['v0.1'][0]).toMatchObject({ id: expect.any(String), title: expect.any(String), group: expect.any(String), spec: { protocol: expect.any(String) } });
  });

  it('refuses a bad body with a 400 naming the field, and starts nothing', async () => {
    expectError(await start({ serviceUrl: 'ftp://127.0.0.1/' }), 400, 'invalid_request', /serviceUrl: not an http\(s\) URL/);
    expectError(await start({ serviceUrl: 'not a url' }), 400, 'invalid_request', /serviceUrl/);
    expectError(await start({ providerUrl: 42 }), 400, 'invalid_request', /providerUrl/);
    expectError(await start({ profile: 'v9' }), 400, 'invalid_request', /profile/);
    expectError(await start({ servce: 'http://127.0.0.1:1' }), 400, 'invalid_request', /servce|Unrecognized/i);
    expectError(await start({ only: 'discovery.*' }), 400, 'invalid_request', /only/);
    expectError(await start({ only: ['discovery.nope'] }), 400, 'invalid_request', /only: no check of either profile is named "discovery.nope"/);
    // A v0.6-only check asked of v0.1 names the profile it looked in.
    expectError(await start({ profile: 'v0.1', only: ['token.jwt_bearer'] }), 400, 'invalid_request', /no check of profile v0.1 is named "token.jwt_bearer"/);
    expectError(await call('POST', '/conformance/runs', undefined, { raw: '{"serviceUrl":' }), 400, 'invalid_request', /not valid JSON/);
    expect((await call('GET', '/conformance/runs/current')).json).toBeNull();
  });

  it('unknown run ids are 404, an unknown report format 400', async () => {
    expectError(await call('POST', '/conformance/runs/cfr_nope/cancel'), 404, 'not_found', /cfr_nope/);
    expectError(await call('GET', '/conformance/runs/cfr_nope/report?format=json'), 404, 'not_found');
    expectError(await call('GET', '/conformance/runs/cfr_nope/report?format=pdf'), 400, 'invalid_request', /json, markdown, html/);
  });
});

describe('studio conformance API: a run against this host', () => {
  it('streams the plan, each check as it starts and its result, then the summary; the trace holds every request under its check', async () => {
    const events = await openEvents();
    try {
      const r = await start({ profile: 'v0.1', only: ['discovery.*', 'registration.anonymous', 'provider.jwks'] });
      expect(r.status, r.text).toBe(202);
      const run = r.json as ConformanceRun;
      expect(run).toMatchObject({
        status: 'running', results: [],
        request: { serviceUrl: host.urls.service, providerUrl: host.urls.provider, mailboxUrl: host.urls.mailbox, profile: 'v0.1', only: ['discovery.*', 'registration.anonymous', 'provider.jwks'] },
      });
      const done = (await events.until('conformance-run', (n) => n.id === run.id && n.status !== 'running')) as ConformanceRunNews;
      expect(done).toMatchObject({ status: 'finished', passed: true, profile: 'v0.1', profileSource: 'flag', summary: { FAILURE: 0 } });
      expect(done.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(done.trustLine).toBe(`{"service":{"trustedIssuers":["${done.issuer}"]}}`);

      const ids = done.planned.map((c) => c.id);
      expect(ids).toContain('registration.anonymous');
      expect(ids.every((id) => id.startsWith('discovery.') || id === 'registration.anonymous' || id === 'provider.jwks')).toBe(true);
      // Each check was announced as it began, and its result followed, in the planned order.
      const ofRun = events.seen.filter((e) => (e.data.id ?? e.data.runId) === run.id);
      const began = ofRun.filter((e) => e.event === 'conformance-run' && e.data.current).map((e) => e.data.current);
      expect([...new Set(began)]).toEqual(ids);
      const results = ofRun.filter((e) => e.event === 'conformance-check').map((e) => e.data as StudioEvents['conformance-check']);
      expect(results.map((e) => [e.index, e.result.id])).toEqual(ids.map((id, i) => [i, id]));
      expect(results.every((e) => e.result.status === 'SUCCESS')).toBe(true);
      expect(done.resultCount).toBe(ids.length);

      // The HTTP snapshot agrees with the stream, results and all.
      const current = (await call('GET', '/conformance/runs/current')).json as ConformanceRun;
      expect(current.results.map((c: CheckResult) => c.id)).toEqual(ids);
      expect(current.rev).toBeGreaterThan(run.rev);

      // Every request the runner sent is in the run's trace, drawn from the Agent, its step the check's id.
      const trace = (await call('GET', `/traces/${run.traceId}/exchanges`)).json as Exchange[];
      const anonymous = trace.filter((e) => e.step === 'registration.anonymous');
      expect(anonymous.some((e) => e.from === 'Agent' && e.to === 'Service' && e.method === 'POST' && e.url.endsWith('/agent/auth') && e.status === 200)).toBe(true);
      expect(trace.some((e) => e.step === 'provider.jwks' && e.to === 'Provider' && e.url.endsWith('/.well-known/jwks.json'))).toBe(true);
      // One trace exchange from the Agent per request in each check's evidence (a check reusing discovery has none of its own).
      for (const c of current.results) expect([c.id, trace.filter((e) => e.step === c.id && e.from === 'Agent').length]).toEqual([c.id, c.exchanges.length]);
      expect(current.results.find((c) => c.id === 'registration.anonymous')!.exchanges.length).toBeGreaterThan(0);
      const traces = (await call('GET', '/traces')).json as { traces: { id: string; title: string }[] };
      expect(traces.traces.find((t) => t.id === run.traceId)?.title).toBe(`Conformance · ${host.urls.service}`);
    } finally {
      events.close();
    }
  });

  it('serves the finished report as JSON, Markdown and HTML — the runner\'s own renderers, as downloads', async () => {
    const events = await openEvents();
    try {
      const { json: run } = await start({ profile: 'v0.1', only: ['discovery.prm', 'provider.jwks'], providerUrl: null });
      await events.until('conformance-run', (n) => n.id === run.id && n.status === 'finished');
      const json = await call('GET', `/conformance/runs/${run.id}/report?format=json`);
      expect(json.status).toBe(200);
      expect(json.headers.get('content-type')).toMatch(/^application\/json/);
      expect(json.headers.get('content-disposition')).toMatch(/^attachment; filename="?conformance-v0\.1-[\d-]+\.json"?$/);
      const report = json.json as RunReport;
      expect(report).toMatchObject({ schema: 'agentic-registration-conformance/1', profile: 'v0.1', service: host.urls.service, summary: { total: 2, SUCCESS: 1, SKIPPED: 1 } });
      // providerUrl: null leaves the provider out, as a CLI run without --provider.
      expect(report.provider).toBeUndefined();
      expect(report.results.find((c) => c.id === 'provider.jwks')).toMatchObject({ status: 'SKIPPED', message: 'no --provider URL given' });

      const md = await call('GET', `/conformance/runs/${run.id}/report?format=markdown`);
      expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
      expect(md.headers.get('content-disposition')).toMatch(/\.md"?$/);
      expect(md.text).toMatch(/^# Agentic registration conformance — profile v0\.1\n/);
      expect(md.text).toContain('2 checks: 1 passed, 0 failed');

      const html = await call('GET', `/conformance/runs/${run.id}/report?format=html`);
      expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(html.headers.get('content-disposition')).toMatch(/\.html"?$/);
      expect(html.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
      expect(html.text).toMatch(/^<!doctype html>/i);
      expect(html.text).toContain('discovery.prm');

      // The token may ride in the query, as a download link sends it (no header).
      const link = await fetch(`${api}/conformance/runs/${run.id}/report?format=markdown&studio_token=${encodeURIComponent(studio.token)}`);
      expect(link.status).toBe(200);
    } finally {
      events.close();
    }
  });

  it('one run at a time: a second start is 409 while one runs; cancel stops it (no report, nothing more streamed) and frees the slot', async () => {
    const events = await openEvents();
    try {
      const first = await start({});
      expect(first.status, first.text).toBe(202);
      const run = first.json as ConformanceRun;
      expect(run.request).toEqual({ serviceUrl: host.urls.service, providerUrl: host.urls.provider, mailboxUrl: host.urls.mailbox, profile: 'auto', only: [] });
      // The default profile is detected from this host's metadata: v0.1.
      const planned = await events.until('conformance-run', (n) => n.id === run.id && n.planned.length > 0);
      expect([planned.profile, planned.profileSource]).toEqual(['v0.1', 'detected']);

      expectError(await start({ only: ['discovery.prm'] }), 409, 'conformance_running', new RegExp(run.id));
      expectError(await call('GET', `/conformance/runs/${run.id}/report?format=json`), 409, 'report_not_ready', /still running/);

      const cancelled = await call('POST', `/conformance/runs/${run.id}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.json).toMatchObject({ id: run.id, status: 'cancelled' });
      expect(cancelled.json.current).toBeUndefined();
      const kept = cancelled.json.results.length;
      expect(kept).toBeLessThan(planned.planned.length);
      expectError(await call('POST', `/conformance/runs/${run.id}/cancel`), 409, 'not_running', /cancelled/);
      expectError(await call('GET', `/conformance/runs/${run.id}/report?format=html`), 409, 'report_not_ready', /cancelled/);

      // The slot is free at once; the cancelled run's check in flight never reports.
      const second = await start({ profile: 'v0.1', only: ['discovery.prm'] });
      expect(second.status, second.text).toBe(202);
      await events.until('conformance-run', (n) => n.id === second.json.id && n.status === 'finished');
      const cancelledAt = events.seen.findIndex((e) => e.event === 'conformance-run' && e.data.id === run.id && e.data.status === 'cancelled');
      expect(events.seen.slice(cancelledAt + 1).filter((e) => e.data.runId === run.id || (e.data.id === run.id && e.data.status !== 'cancelled'))).toEqual([]);
      expect(events.seen.filter((e) => e.event === 'conformance-check' && e.data.runId === run.id)).toHaveLength(kept);
    } finally {
      events.close();
    }
  });

  it('one trace records at a time: no conformance run while an agent run is open, no agent run while a conformance run goes', async () => {
    const agent = await call('POST', '/runs', { flow: 'anonymous' });
    expect(agent.status, agent.text).toBe(201);
    expectError(await start({ profile: 'v0.1', only: ['discovery.prm'] }), 409, 'agent_run_going', /An agent run is open \(ready\)/);
    expect((await call('GET', '/conformance/runs/current')).json).toBeNull();
    await call('POST', '/reset'); // ends the agent's run

    const { json: run } = await start({});
    expectError(await call('POST', '/runs', { flow: 'anonymous' }), 409, 'conformance_running', /Test a service/);
    await call('POST', `/conformance/runs/${run.id}/cancel`);
    expect((await call('POST', '/runs', { flow: 'anonymous' })).status).toBe(201);
  });

  it('"Reset all data" cancels a run that is going (its roles are wiped under it) and forgets the last one (its trace is gone)', async () => {
    const events = await openEvents();
    try {
      const { json: run } = await start({});
      await call('POST', '/reset');
      await events.until('conformance-run', (n) => n.id === run.id && n.status === 'cancelled');
      expect((await call('GET', '/conformance/runs/current')).json).toBeNull();
      expectError(await call('GET', `/conformance/runs/${run.id}/report?format=json`), 404, 'not_found');
      expect((await start({ profile: 'v0.1', only: ['discovery.prm'] })).status).toBe(202);
    } finally {
      events.close();
    }
  });

  it('a run that cannot start says why (only naming no check of the detected profile) and has no report', async () => {
    const events = await openEvents();
    try {
      // token.jwt_bearer is a v0.6 check: the studio cannot refuse it up front when the profile is detected.
      const { json: run } = await start({ only: ['token.jwt_bearer'] });
      const failed = await events.until('conformance-run', (n) => n.id === run.id && n.status !== 'running');
      expect(failed).toMatchObject({ status: 'error', error: expect.stringContaining('token.jwt_bearer') });
      expectError(await call('GET', `/conformance/runs/${run.id}/report?format=json`), 409, 'report_not_ready', /could not run/);
    } finally {
      events.close();
    }
  });
});
