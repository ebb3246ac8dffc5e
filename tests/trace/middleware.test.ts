import { afterEach, describe, expect, it } from 'vitest';
import express from 'express';
import { openDatabase } from '../../src-servers/db/sqlite.js';
import { createTraceRecorder, traceMigrations } from '../../src-servers/trace/index.js';
import { ACTOR_HEADER, STEP_HEADER } from '../../src-servers/trace/types.js';
import { listen, memoryRecorder, nextExchanges, rawRequest, type Running } from './helpers.js';

const servers: Running[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A tiny role: the recorder first, then the body parsers the real roles use, then routes that echo. */
async function role(recorder = memoryRecorder()) {
  const app = express();
  app.use(recorder.middleware('Service'));
  app.use(express.json());
  app.use(express.urlencoded({ extended: false }));
  app.use(express.text({ type: 'application/logout+jwt' }));
  app.post('/echo', (req, res) => res.json({ parsed: req.body }));
  app.get('/chunked', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'x-from-writehead': 'yes' });
    res.write('one,');
    res.write(Buffer.from('two,'));
    res.end('three');
  });
  app.get('/fail', (_req, res) => res.status(400).json({ error: 'invalid_request', message: 'no' }));
  const server = await listen(app);
  servers.push(server);
  return { recorder, url: server.url };
}

describe('recording middleware', () => {
  it('records a JSON request once, with both bodies, and the route still parses the body', async () => {
    const { recorder, url } = await role();
    const seen = nextExchanges(recorder);
    const body = JSON.stringify({ type: 'anonymous', requested_credential_type: 'api_key' });
    const res = await fetch(`${url}/echo?x=1`, {
      method: 'POST', body, headers: { 'content-type': 'application/json', [ACTOR_HEADER]: 'Agent', [STEP_HEADER]: 'register' },
    });
    expect(await res.json()).toEqual({ parsed: { type: 'anonymous', requested_credential_type: 'api_key' } });
    const [e] = await seen;
    expect(e).toMatchObject({
      from: 'Agent', to: 'Service', step: 'register', method: 'POST', url: `${url}/echo?x=1`, status: 200,
      requestBody: body, traceId: recorder.currentTraceId(), seq: 1,
    });
    expect(JSON.parse(e.responseBody!)).toEqual({ parsed: JSON.parse(body) });
    expect(e.requestHeaders['content-type']).toBe('application/json');
    expect(e.responseHeaders['content-type']).toMatch(/^application\/json/);
    expect(e.fromLabel).toBeUndefined();
    expect(recorder.exchanges(recorder.currentTraceId())).toEqual([e]);
  });

  it('records a form body and express.urlencoded still parses it', async () => {
    const { recorder, url } = await role();
    const seen = nextExchanges(recorder);
    const form = 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&scope=api.read';
    const res = await fetch(`${url}/echo`, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(await res.json()).toEqual({ parsed: { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', scope: 'api.read' } });
    const [e] = await seen;
    expect(e.requestBody).toBe(form);
    expect(e.status).toBe(200);
  });

  it('records an application/logout+jwt body and express.text still reads it', async () => {
    const { recorder, url } = await role();
    const seen = nextExchanges(recorder);
    const token = 'eyJhbGciOiJFUzI1NiIsInR5cCI6ImxvZ291dCtqd3QifQ.eyJzdWIiOiJ1c3JfMSJ9.c2ln';
    const res = await fetch(`${url}/echo`, { method: 'POST', body: token, headers: { 'content-type': 'application/logout+jwt', [ACTOR_HEADER]: 'Provider' } });
    expect(await res.json()).toEqual({ parsed: token });
    const [e] = await seen;
    expect(e).toMatchObject({ from: 'Provider', to: 'Service', requestBody: token });
    // Found where it was sent, and again in the echo the route sent back.
    expect(e.jwts.map((j) => [j.where, j.header.typ, j.claims.sub])).toEqual([
      ['request.body', 'logout+jwt', 'usr_1'],
      ['response.body.parsed', 'logout+jwt', 'usr_1'],
    ]);
  });

  it('records a body no handler read (an unknown path answers 404 without parsing)', async () => {
    const app = express();
    const recorder = memoryRecorder();
    app.use(recorder.middleware('Provider'));
    app.use((_req, res) => res.status(404).json({ error: 'not_found', message: 'No such path.' }));
    const server = await listen(app);
    servers.push(server);
    const seen = nextExchanges(recorder);
    const res = await fetch(`${server.url}/nope`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(404);
    const [e] = await seen;
    expect(e).toMatchObject({ to: 'Provider', status: 404, requestBody: '{"a":1}' });
    expect(JSON.parse(e.responseBody!).error).toBe('not_found');
  });

  it('captures a response written in chunks, with headers given to writeHead', async () => {
    const { recorder, url } = await role();
    const seen = nextExchanges(recorder);
    expect(await (await fetch(`${url}/chunked`)).text()).toBe('one,two,three');
    const [e] = await seen;
    expect(e.responseBody).toBe('one,two,three');
    expect(e.responseHeaders['x-from-writehead']).toBe('yes');
    expect(e.requestBody).toBeNull();
  });

  it('records error answers with their status and one exchange per request, numbered in order', async () => {
    const { recorder, url } = await role();
    const seen = nextExchanges(recorder, 3);
    for (const path of ['/fail', '/chunked', '/fail']) await (await fetch(url + path)).text();
    const got = await seen;
    expect(got.map((e) => [e.seq, e.status])).toEqual([[1, 400], [2, 200], [3, 400]]);
    expect(recorder.exchanges(recorder.currentTraceId())).toHaveLength(3);
  });

  it('records a request once even when an inner app installs the middleware again', async () => {
    const recorder = memoryRecorder();
    const inner = express();
    inner.use(recorder.middleware('Service'));
    inner.get('/x', (_req, res) => res.send('inner'));
    const outer = express();
    outer.use(recorder.middleware('Service'));
    outer.use('/inner', inner);
    const server = await listen(outer);
    servers.push(server);
    const seen = nextExchanges(recorder, 2);
    await (await fetch(`${server.url}/inner/x`)).text();
    await (await fetch(`${server.url}/inner/x?again`)).text();
    const got = await seen;
    expect(got.map((e) => e.url)).toEqual([`${server.url}/inner/x`, `${server.url}/inner/x?again`]);
  });

  it('records a body over the parser limit with the 413 the role answered', async () => {
    const recorder = memoryRecorder();
    const app = express();
    app.use(recorder.middleware('Service'));
    app.use(express.json({ limit: 1024 }));
    app.post('/agent/auth', (_req, res) => res.json({ ok: true }));
    app.use((err: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) =>
      res.status(err.status ?? 500).json({ error: 'invalid_request', message: 'Body too large.' }));
    const server = await listen(app);
    servers.push(server);
    const seen = nextExchanges(recorder);
    const body = JSON.stringify({ padding: 'x'.repeat(4096) });
    const res = await fetch(`${server.url}/agent/auth`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
    const [e] = await seen;
    expect(e).toMatchObject({ status: 413, requestBody: body });
  });

  it('records a client that hung up before the answer as status 0 with the reason', async () => {
    const recorder = memoryRecorder();
    const app = express();
    app.use(recorder.middleware('Service'));
    let answer: () => void = () => {};
    let handlerRan: () => void = () => {};
    const ran = new Promise<void>((r) => { handlerRan = r; });
    app.get('/slow', (_req, res) => { answer = () => res.end('late'); handlerRan(); });
    const server = await listen(app);
    servers.push(server);
    const seen = nextExchanges(recorder);
    const aborter = new AbortController();
    const pending = fetch(`${server.url}/slow`, { signal: aborter.signal }).catch((err: Error) => err.name);
    await ran;
    aborter.abort();
    expect(await pending).toBe('AbortError');
    const [e] = await seen;
    expect(e).toMatchObject({ status: 0, error: 'the connection closed before the response was complete' });
    answer();
  });

  it('never breaks the role: with the trace database closed, requests are still answered', async () => {
    const db = openDatabase(':memory:', traceMigrations);
    const { url } = await role(createTraceRecorder({ db }));
    db.close();
    const res = await fetch(`${url}/echo`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ parsed: { a: 1 } });
  });
});

describe('who called', () => {
  it('a browser (Fetch Metadata headers) is the User', async () => {
    const { recorder, url } = await role();
    const seen = nextExchanges(recorder);
    await rawRequest(`${url}/chunked`, {
      headers: {
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0',
        'sec-fetch-mode': 'navigate', 'sec-fetch-site': 'none', 'sec-fetch-dest': 'iframe',
      },
    });
    const [e] = await seen;
    expect(e.from).toBe('User');
    expect(e.fromLabel).toBeUndefined();
  });

  it('curl is an External client labelled with its user agent', async () => {
    const { recorder, url } = await role();
    const seen = nextExchanges(recorder);
    await rawRequest(`${url}/fail`, { headers: { 'user-agent': 'curl/8.5.0', accept: '*/*' } });
    const [e] = await seen;
    expect(e).toMatchObject({ from: 'External client', fromLabel: 'curl/8.5.0', to: 'Service', status: 400 });
  });

  it("a script using Node's fetch is an External client even though undici sends Sec-Fetch-Mode", async () => {
    const { recorder, url } = await role();
    const seen = nextExchanges(recorder, 2);
    await (await fetch(`${url}/fail`)).text();
    await (await fetch(`${url}/fail`, { headers: { 'user-agent': 'my-llm-agent/1.0' } })).text();
    const got = await seen;
    expect(got.map((e) => [e.from, e.fromLabel])).toEqual([['External client', 'node'], ['External client', 'my-llm-agent/1.0']]);
  });

  it('a client with no user agent is labelled "unknown client"; an unknown actor header is ignored', async () => {
    const { recorder, url } = await role();
    const seen = nextExchanges(recorder);
    await rawRequest(`${url}/fail`, { headers: { [ACTOR_HEADER]: 'Mallory' } });
    const [e] = await seen;
    expect(e).toMatchObject({ from: 'External client', fromLabel: 'unknown client' });
  });
});

describe('recording under load (issue 19: building the exchange is off the request path)', () => {
  it('a burst of concurrent requests: each is announced and stored once, numbered without gaps, and idle() waits for the database', async () => {
    const db = openDatabase(':memory:', traceMigrations);
    const { recorder, url } = await role(createTraceRecorder({ db }));
    const announced: number[] = [];
    recorder.on('exchange', (e: { seq: number }) => announced.push(e.seq));
    const count = 1_200; // more than the recorder lets wait for a tick
    const statuses = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        rawRequest(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: i }) }).then((r) => r.status),
      ),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    await recorder.idle();
    const stored = db.prepare('SELECT seq, data FROM exchanges ORDER BY seq').all() as { seq: number; data: string }[];
    expect(stored.map((r) => r.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(announced).toEqual(stored.map((r) => r.seq));
    const bodies = stored.map((r) => (JSON.parse(r.data) as { requestBody: string }).requestBody);
    expect(new Set(bodies).size).toBe(count); // every request's own body, none twice
  });

  it('a read right after the answer already sees the exchange (a queued one is built on demand)', async () => {
    const { recorder, url } = await role();
    const res = await rawRequest(`${url}/fail`, { headers: { 'x-api-key': 'sk_test_abcdefghijklmnop' } });
    expect(res.status).toBe(400);
    const [e] = recorder.exchanges(recorder.currentTraceId());
    expect(e).toMatchObject({ method: 'GET', status: 400, seq: 1 });
    expect(e.secrets).toContain('request.headers.x-api-key');
    expect(JSON.parse(e.responseBody!)).toEqual({ error: 'invalid_request', message: 'no' });
  });
});
