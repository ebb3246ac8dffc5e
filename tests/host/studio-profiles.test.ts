/**
 * The studio API's profile switch (protocol/studio.ts; PROTOCOL-v0.6.md §9): /info names both services
 * with their profiles, POST /runs `profile` picks the service the run talks to, /state shows that
 * service's tables. A real host with its companion, and one without, every port free.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../src-servers/host/host.js';
import { startStudioServer, type StudioServer } from '../../src-servers/host/studio.js';
import type { StudioInfo, StudioRun } from '../../src-servers/protocol/studio.js';

const PORTS = { service: 0, provider: 0, mailbox: 0, smtp: 0, companion: 0 };
const rendererDir = mkdtempSync(join(tmpdir(), 'ars-studio-profiles-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>studio</title>');
afterAll(() => rmSync(rendererDir, { recursive: true, force: true }));

function client(studio: StudioServer) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${studio.url}/studio/api${path}`, {
      method,
      headers: { 'x-studio-token': studio.token, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined, text };
  };
  return { get: (p: string) => call('GET', p), post: (p: string, b?: unknown) => call('POST', p, b) };
}

describe('studio API with both profiles', () => {
  let host: Host;
  let studio: StudioServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    // A 1 s claim-grant interval (PROTOCOL-v0.6.md §9 pollIntervalSeconds) keeps the autopilot walk short.
    host = await startHost({ inMemory: true, companion: true, config: { service: { pollIntervalSeconds: 1 } }, ports: PORTS, log: () => {} });
    studio = await startStudioServer(host, 0, { log: () => {}, rendererDir });
    api = client(studio);
  });
  afterAll(async () => {
    await studio?.stop();
    await host?.stop();
  });
  beforeEach(async () => {
    await api.post('/reset');
  });

  it('/info tells the renderer both service URLs with their profiles, and the flows of each', async () => {
    const info = (await api.get('/info')).json as StudioInfo;
    expect(info.services).toEqual([
      { profile: 'v0.1', url: host.urls.service, primary: true },
      { profile: 'v0.6', url: host.serviceFor('v0.6')!.url, primary: false },
    ]);
    expect(info.urls.service).toBe(host.urls.service);
    // PROTOCOL-v0.6.md §11: v0.6 has no verified-email flow (service_auth replaced it).
    expect(info.profileFlows['v0.1']).toEqual(['id-jag', 'verified-email', 'anonymous', 'revocation']);
    expect(info.profileFlows['v0.6']).not.toContain('verified-email');
    expect(info.profileFlows['v0.6']).toEqual(['id-jag', 'service-auth', 'anonymous', 'revocation']);
    expect(info.flows.map((f) => f.id)).toEqual(['id-jag', 'verified-email', 'anonymous', 'revocation', 'service-auth']);
  });

  it('a run with profile v0.6 talks to the v0.6 service; without one, to the primary', async () => {
    const v06 = await api.post('/runs', { flow: 'anonymous', profile: 'v0.6' });
    expect(v06.status, v06.text).toBe(201);
    expect((v06.json as StudioRun).service).toEqual({ profile: 'v0.6', url: host.serviceFor('v0.6')!.url });
    // Its first step probes the v0.6 service's API, and the trace says so.
    const stepped = await api.post(`/runs/${v06.json.id}/next`);
    expect(stepped.status, stepped.text).toBe(200);
    await host.trace.idle();
    const exchanges = (await api.get(`/traces/${v06.json.traceId}/exchanges`)).json as { url: string; serviceProfile?: string }[];
    expect(exchanges.length).toBeGreaterThan(0);
    expect(exchanges[0].url.startsWith(host.serviceFor('v0.6')!.url)).toBe(true);
    expect(exchanges[0].serviceProfile).toBe('v0.6');
    expect((await api.get('/runs/current')).json.service.profile).toBe('v0.6');

    const primary = await api.post('/runs', { flow: 'anonymous' });
    expect((primary.json as StudioRun).service).toEqual({ profile: 'v0.1', url: host.urls.service });
  });

  it('refuses a flow the profile does not have, and an unknown profile, as JSON errors', async () => {
    const ve = await api.post('/runs', { flow: 'verified-email', profile: 'v0.6' });
    expect(ve.status).toBe(400);
    expect(ve.json).toMatchObject({ error: 'invalid_request', message: expect.stringMatching(/verified-email flow does not exist in v0\.6/) });
    const bad = await api.post('/runs', { flow: 'anonymous', profile: 'v0.9' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('invalid_request');
    expect((await api.get('/runs/current')).json).toBeNull(); // nothing was started
  });

  it('refuses a lesson that does not apply to the chosen profile, naming where it does, and starts nothing (issue 17)', async () => {
    // "Wrong code" is v0.1's OTP lesson; "Stale sign-in" is v0.6's auth_time rule (ScenarioInfo.profiles).
    const otp = await api.post('/runs', { scenario: 'wrong-otp', profile: 'v0.6' });
    expect(otp.status).toBe(400);
    expect(otp.json).toEqual({ error: 'lesson_not_applicable', message: expect.stringMatching(/"Wrong code" applies to v0\.1 only, not to v0\.6/) });
    const stale = await api.post('/runs', { scenario: 'stale-auth-time' }); // the primary speaks v0.1
    expect(stale.status).toBe(400);
    expect(stale.json).toMatchObject({ error: 'lesson_not_applicable', message: expect.stringMatching(/applies to v0\.6 only, not to v0\.1/) });
    expect((await api.get('/runs/current')).json).toBeNull();
    // Where it applies, the same lesson starts.
    expect((await api.post('/runs', { scenario: 'stale-auth-time', profile: 'v0.6' })).status).toBe(201);
  });

  it('/state?profile= shows that service\'s tables; a bad profile is a 400', async () => {
    const r = await fetch(`${host.serviceFor('v0.6')!.url}/agent/identity`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'anonymous' }),
    });
    const { registration_id } = (await r.json()) as { registration_id: string };
    const ids = (p: string) => api.get(`/state${p}`).then((x) => (x.json.service.registrations as { id: string }[]).map((y) => y.id));
    expect(await ids('?profile=v0.6')).toContain(registration_id);
    expect(await ids('')).not.toContain(registration_id);
    expect(await ids('?profile=v0.1')).not.toContain(registration_id);
    const bad = await api.get('/state?profile=v2');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('invalid_request');
  });

  it('an autopilot run of v0.6 service-auth walks the v0.6 service to the API: sign-in and claim pages, claim grant, at_ token', async () => {
    const created = await api.post('/runs', { flow: 'service-auth', profile: 'v0.6', autopilot: true });
    expect(created.status, created.text).toBe(201);
    const id = created.json.id as string;
    expect((await api.post(`/runs/${id}/play`, { delayMs: 0 })).status).toBe(200);
    let run: StudioRun = created.json;
    for (let i = 0; i < 600 && !['succeeded', 'failed'].includes(run.status); i++) {
      await new Promise((r) => setTimeout(r, 100));
      run = (await api.get('/runs/current')).json;
    }
    expect(run.status, JSON.stringify(run.outcome ?? run.narration.slice(-3))).toBe('succeeded');
    expect(run.profile).toBe('v0.6'); // what the agent discovered
    await host.trace.idle();
    const v06 = host.serviceFor('v0.6')!.url;
    const wire = ((await api.get(`/traces/${run.traceId}/exchanges`)).json as { from: string; method: string; url: string; status: number; serviceProfile?: string }[])
      .filter((e) => e.url.startsWith(v06))
      .map((e) => `${e.from} ${e.method} ${new URL(e.url).pathname} ${e.status}`);
    expect(wire).toContain('Agent POST /agent/identity 200');
    expect(wire.some((w) => /^User GET \/login 200$/.test(w))).toBe(true);
    expect(wire.some((w) => /^User POST \/agent\/identity\/claim\/complete 200$/.test(w))).toBe(true);
    expect(wire).toContain('Agent POST /oauth2/token 200');
    expect(wire.filter((w) => w.startsWith('Agent GET /api/resource')).at(-1)).toBe('Agent GET /api/resource 200');
    // Nothing of it went to the v0.1 service.
    const exchanges = (await api.get(`/traces/${run.traceId}/exchanges`)).json as { url: string }[];
    expect(exchanges.some((e) => e.url.startsWith(host.urls.service))).toBe(false);
  });

  it('reset wipes both services', async () => {
    await fetch(`${host.serviceFor('v0.6')!.url}/agent/identity`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'anonymous' }),
    });
    expect((await api.get('/state?profile=v0.6')).json.service.registrations.length).toBe(1);
    expect((await api.post('/reset')).status).toBe(200);
    expect((await api.get('/state?profile=v0.6')).json.service.registrations).toEqual([]);
  });
});

describe('studio API on a host without the companion', () => {
  let host: Host;
  let studio: StudioServer;
  beforeAll(async () => {
    host = await startHost({ inMemory: true, ports: PORTS, log: () => {} });
    studio = await startStudioServer(host, 0, { log: () => {}, rendererDir });
  });
  afterAll(async () => {
    await studio?.stop();
    await host?.stop();
  });

  it('lists the one service, and a run for the other profile says how to get it', async () => {
    const api = client(studio);
    expect(((await api.get('/info')).json as StudioInfo).services.map((s) => s.profile)).toEqual(['v0.1']);
    const r = await api.post('/runs', { flow: 'anonymous', profile: 'v0.6' });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: 'profile_not_running', message: expect.stringMatching(/--companion/) });
    // v0.6's email flow needs a v0.6 service: not offered, and refused by name.
    expect(((await api.get('/info')).json as StudioInfo).flows.map((f) => f.id)).not.toContain('service-auth');
    const sa = await api.post('/runs', { flow: 'service-auth' });
    expect(sa.status).toBe(400);
    expect(sa.json.message).toMatch(/service-auth flow does not exist in v0\.1/);
  });
});
