/**
 * Issue 14 finding 1 (DESIGN.md rule 10): the studio API answers the studio page only. The page
 * gets a per-launch token in its HTML; every call needs it (a header, or a query parameter where a
 * browser cannot set one), an Origin of the studio itself when one is sent, and a JSON body when
 * there is a body. No CORS. What another page can send — a no-cors text/plain POST — changes nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHost, type Host } from '../../src-servers/host/host.js';
import { startStudioServer, type StudioServer } from '../../src-servers/host/studio.js';

let host: Host;
let studio: StudioServer;
let api: string;
let token: string;
const rendererDir = mkdtempSync(join(tmpdir(), 'ars-studio-door-'));

beforeAll(async () => {
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>\n<html><head>\n<meta charset="UTF-8">\n<title>Studio</title></head><body><div id="root"></div></body></html>');
  host = await startHost({ inMemory: true, ports: { service: 0, provider: 0, mailbox: 0, smtp: 0 }, log: () => {} });
  studio = await startStudioServer(host, 0, { log: () => {}, rendererDir });
  api = `${studio.url}/studio/api`;
  // The way the page gets it: from the HTML the studio serves.
  const page = await (await fetch(`${studio.url}/`)).text();
  token = page.match(/<meta name="studio-token" content="([^"]+)">/)?.[1] ?? "";
});
afterAll(async () => {
  await studio?.stop();
  await host?.stop();
  rmSync(rendererDir, { recursive: true, force: true });
});

const json = { 'content-type': 'application/json' };
/** Make a run, so a reset would be visible: it ends the run. */
beforeEach(async () => {
  const r = await fetch(`${api}/runs`, { method: 'POST', headers: { ...json, 'x-studio-token': token }, body: JSON.stringify({ flow: 'anonymous' }) });
  expect(r.status).toBe(201);
});
const runStillThere = async () => {
  const r = await fetch(`${api}/runs/current`, { headers: { 'x-studio-token': token } });
  return r.status === 200 && (await r.json()) !== null;
};

async function expectRefused(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('access-control-allow-origin')).toBeNull();
  const body = (await res.json()) as { error: string };
  expect(Object.keys(body).sort()).toEqual(['error', 'message']);
  expect(body.error).toBe(error);
}

describe('the studio page carries the token', () => {
  it('in a meta tag of every page it serves, never cached, and the same one the handle holds', async () => {
    for (const path of ['/', '/index.html', '/some/deep/route']) {
      const r = await fetch(`${studio.url}${path}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(await r.text()).toContain(`<head><meta name="studio-token" content="${token}">`);
    }
    expect(token).toBe(studio.token);
    expect(token.length).toBeGreaterThanOrEqual(43); // 32 random bytes
  });

  it('a new launch has a new token; the old one opens nothing', async () => {
    const other = await startStudioServer(host, 0, { log: () => {}, rendererDir });
    try {
      expect(other.token).not.toBe(token);
      await expectRefused(await fetch(`${other.url}/studio/api/info`, { headers: { 'x-studio-token': token } }), 401, 'studio_token_required');
    } finally {
      await other.stop();
    }
  });
});

describe('without the token, nothing', () => {
  it('reads: info, traces, exchanges, export, state, inbox and the event stream', async () => {
    const traceId = host.trace.currentTraceId();
    for (const path of ['/info', '/traces', `/traces/${traceId}/exchanges`, `/traces/${traceId}/export?format=json`, '/state', '/inbox', '/runs/current', '/events']) {
      await expectRefused(await fetch(`${api}${path}`), 401, 'studio_token_required');
      await expectRefused(await fetch(`${api}${path}`, { headers: { 'x-studio-token': 'guess' } }), 401, 'studio_token_required');
    }
  });

  it('writes: the no-cors reset a web page can send (text/plain, no token) wipes nothing', async () => {
    await expectRefused(await fetch(`${api}/reset`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }), 401, 'studio_token_required');
    await expectRefused(await fetch(`${api}/reset`, { method: 'POST' }), 401, 'studio_token_required');
    // the query parameter is for GETs only (EventSource, downloads); a form cannot use it to post
    await expectRefused(await fetch(`${api}/reset?studio_token=${token}`, { method: 'POST' }), 401, 'studio_token_required');
    expect(await runStillThere()).toBe(true);
  });
});

describe('with the token', () => {
  it('the event stream and downloads take it as a query parameter', async () => {
    const ac = new AbortController();
    const events = await fetch(`${api}/events?studio_token=${encodeURIComponent(token)}`, { signal: ac.signal });
    expect(events.status).toBe(200);
    ac.abort();
    const exp = await fetch(`${api}/traces/${host.trace.currentTraceId()}/export?format=json&studio_token=${encodeURIComponent(token)}`);
    expect(exp.status).toBe(200);
  });

  it('a body must be JSON: text/plain and forms are refused (415) and change nothing', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      await expectRefused(await fetch(`${api}/reset`, { method: 'POST', headers: { 'content-type': type, 'x-studio-token': token }, body: 'a=1' }), 415, 'unsupported_media_type');
    }
    expect(await runStillThere()).toBe(true);
  });

  it("an Origin other than the studio's own is refused (403) and changes nothing; its own is fine", async () => {
    const port = new URL(studio.url).port;
    for (const origin of ['http://evil.example', `http://127.0.0.1:${Number(port) + 1}`, 'null']) {
      await expectRefused(await fetch(`${api}/reset`, { method: 'POST', headers: { origin, 'x-studio-token': token } }), 403, 'forbidden_origin');
    }
    expect(await runStillThere()).toBe(true);
    const own = await fetch(`${api}/state`, { headers: { origin: `http://127.0.0.1:${port}`, 'x-studio-token': token } });
    expect(own.status).toBe(200);
    const reset = await fetch(`${api}/reset`, { method: 'POST', headers: { origin: `http://127.0.0.1:${port}`, 'x-studio-token': token } });
    expect(reset.status).toBe(200);
    expect(await runStillThere()).toBe(false);
  });

  it('no CORS anywhere: a preflight gets no allow headers', async () => {
    const pre = await fetch(`${api}/reset`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-studio-token' },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-headers')).toBeNull();
  });
});
