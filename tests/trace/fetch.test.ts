import { afterEach, describe, expect, it } from 'vitest';
import express from 'express';
import { listen, memoryRecorder, nextExchanges, type Running } from './helpers.js';

const servers: Running[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A role of the host (recorder installed) and an outside API (no recorder). */
async function setup() {
  const recorder = memoryRecorder();
  const roleApp = express();
  roleApp.use(recorder.middleware('Service'));
  roleApp.use(express.json());
  roleApp.post('/agent/auth', (req, res) => res.json({ registration_id: 'reg_1', got: req.body }));
  const outsideApp = express();
  outsideApp.use(express.json());
  outsideApp.post('/hook', (req, res) => res.status(201).json({ ok: true, got: req.body }));
  const roleServer = await listen(roleApp);
  const outsideServer = await listen(outsideApp);
  servers.push(roleServer, outsideServer);
  recorder.registerOrigin(roleServer.url, 'Service');
  return { recorder, role: roleServer.url, outside: outsideServer.url };
}

describe('fetchAs', () => {
  it('to a registered origin: recorded once, by the target middleware, from the actor with the step', async () => {
    const { recorder, role, outside } = await setup();
    let step = 'register';
    const agentFetch = recorder.fetchAs('Agent', { getStep: () => step });
    const seen = nextExchanges(recorder, 2);
    const res = await agentFetch(`${role}/agent/auth`, { method: 'POST', body: '{"type":"anonymous"}', headers: { 'content-type': 'application/json' } });
    expect(await res.json()).toEqual({ registration_id: 'reg_1', got: { type: 'anonymous' } });
    // A second call, to an origin the wrapper records itself, fences the first: a duplicate would show up before it.
    step = 'notify';
    await (await agentFetch(`${outside}/hook`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).text();
    const [first, second] = await seen;
    expect(first).toMatchObject({ from: 'Agent', to: 'Service', step: 'register', status: 200, requestBody: '{"type":"anonymous"}', seq: 1 });
    expect(second).toMatchObject({ seq: 2, step: 'notify' });
    expect(recorder.exchanges(recorder.currentTraceId()).filter((e) => e.url.startsWith(role))).toHaveLength(1);
  });

  it('to an outside origin: the wrapper records it, to "External client" labelled with the host', async () => {
    const { recorder, outside } = await setup();
    const serviceFetch = recorder.fetchAs('Service', { getStep: () => 'fetch-cimd' });
    const seen = nextExchanges(recorder);
    const res = await serviceFetch(`${outside}/hook?x=1`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ ok: true, got: { a: 1 } }); // the caller still reads the body itself
    const [e] = await seen;
    expect(e).toMatchObject({
      from: 'Service', to: 'External client', toLabel: new URL(outside).host, step: 'fetch-cimd',
      method: 'POST', url: `${outside}/hook?x=1`, status: 201, requestBody: '{"a":1}',
    });
    expect(JSON.parse(e.responseBody!)).toEqual({ ok: true, got: { a: 1 } });
    expect(e.responseHeaders['content-type']).toMatch(/application\/json/);
    expect(e.requestHeaders['x-studio-actor']).toBe('Service');
  });

  it('records a request that got no answer (status 0, the error) and still rejects', async () => {
    const { recorder } = await setup();
    const dead = await listen(express());
    await dead.close(); // nothing listens there any more
    recorder.registerOrigin(dead.url, 'Provider');
    const seen = nextExchanges(recorder);
    await expect(recorder.fetchAs('Agent')(`${dead.url}/login`, { method: 'POST', body: '{}' })).rejects.toThrow();
    const [e] = await seen;
    expect(e).toMatchObject({ from: 'Agent', to: 'Provider', status: 0, requestBody: '{}' });
    expect(e.error).toMatch(/ECONNREFUSED/);
  });

  it('accepts a Request object and keeps its own headers', async () => {
    const { recorder, outside } = await setup();
    const seen = nextExchanges(recorder);
    const req = new Request(`${outside}/hook`, { method: 'POST', body: '{"b":2}', headers: { 'content-type': 'application/json', 'x-extra': 'kept' } });
    expect((await recorder.fetchAs('User')(req)).status).toBe(201);
    const [e] = await seen;
    expect(e).toMatchObject({ from: 'User', requestBody: '{"b":2}' });
    expect(e.requestHeaders['x-extra']).toBe('kept');
  });

  it('a call a role makes while handling a request carries that step, and is drawn inside it', async () => {
    const recorder = memoryRecorder();
    const provider = express();
    provider.use(recorder.middleware('Provider'));
    provider.get('/.well-known/jwks.json', (_req, res) => res.json({ keys: [] }));
    const providerServer = await listen(provider);
    const service = express();
    service.use(recorder.middleware('Service'));
    service.use(express.json());
    const serviceFetch = recorder.fetchAs('Service'); // no getStep: the step comes from the request being handled
    service.post('/agent/auth', async (_req, res) => {
      const jwks = (await (await serviceFetch(`${providerServer.url}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
      res.json({ keysSeen: jwks.keys.length });
    });
    const serviceServer = await listen(service);
    servers.push(providerServer, serviceServer);
    recorder.registerOrigin(providerServer.url, 'Provider');
    recorder.registerOrigin(serviceServer.url, 'Service');

    const seen = nextExchanges(recorder, 2);
    const body = JSON.stringify({ type: 'identity_assertion', padding: 'x'.repeat(100_000) }); // arrives in many chunks
    const res = await recorder.fetchAs('Agent', { getStep: () => 'register' })(`${serviceServer.url}/agent/auth`, {
      method: 'POST', body, headers: { 'content-type': 'application/json' },
    });
    expect(await res.json()).toEqual({ keysSeen: 0 });
    const [inner, outer] = await seen;
    expect(inner).toMatchObject({ seq: 1, from: 'Service', to: 'Provider', step: 'register', url: `${providerServer.url}/.well-known/jwks.json` });
    expect(outer).toMatchObject({ seq: 2, from: 'Agent', to: 'Service', step: 'register', requestBody: body });
    expect(outer.timing!.start).toBeLessThan(inner.timing!.start);
    expect(inner.timing!.end).toBeLessThan(outer.timing!.end);
    const arrows = recorder.exportTrace(recorder.currentTraceId(), 'mermaid').split('\n').filter((l) => l.includes('>>'));
    expect(arrows.map((l) => l.trim().split(':')[0])).toEqual(['Agent->>Service', 'Service->>Provider', 'Provider-->>Service', 'Service-->>Agent']);
  });

  it('an exchange reported after the fact (an SMTP hand-off) takes the step of the request its sender is handling', async () => {
    const recorder = memoryRecorder();
    const service = express();
    service.use(recorder.middleware('Service'));
    service.post('/agent/auth', (_req, res) => {
      // What the mailbox does when the service's mail arrives over SMTP: it knows nothing of steps.
      recorder.record({ from: 'Service', to: 'Inbox', method: 'SMTP', url: 'smtp://127.0.0.1:2525', status: 250, requestBody: 'Claim your registration' });
      res.json({ ok: true });
    });
    const server = await listen(service);
    servers.push(server);
    const seen = nextExchanges(recorder, 2);
    await (await fetch(`${server.url}/agent/auth`, { method: 'POST', headers: { 'x-studio-actor': 'Agent', 'x-studio-step': 'register' } })).text();
    const [mail, outer] = await seen;
    const later = recorder.record({ from: 'Service', to: 'Inbox', method: 'SMTP', url: 'smtp://127.0.0.1:2525', status: 250 });
    expect(mail).toMatchObject({ method: 'SMTP', step: 'register' });
    expect(outer).toMatchObject({ method: 'POST', step: 'register' });
    expect(later.step).toBeUndefined(); // nothing in flight any more
  });
});
