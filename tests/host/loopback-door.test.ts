/**
 * Issue 14 finding 2 and issue 15 (DESIGN.md rule 10): every server answers only to the loopback
 * names of its own port (a DNS-rebinding page says `Host: evil.example:P` and gets 421), and the
 * roles' pages may be framed by the studio's origin only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHost, type Host } from '../../src-servers/host/host.js';
import { startStudioServer, type StudioServer } from '../../src-servers/host/studio.js';

let host: Host;
let studio: StudioServer;
const rendererDir = mkdtempSync(join(tmpdir(), 'ars-door-renderer-'));

beforeAll(async () => {
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
  host = await startHost({
    inMemory: true,
    ports: { service: 0, provider: 0, mailbox: 0, smtp: 0 },
    config: { service: { allowedHosts: ['service.tunnel.example'] }, provider: { allowedHosts: ['idp.tunnel.example:443'] }, mail: { allowedHosts: ['inbox.tunnel.example'] } },
    log: () => {},
  });
  studio = await startStudioServer(host, 0, { log: () => {}, rendererDir });
});
afterAll(async () => {
  await studio?.stop();
  await host?.stop();
  rmSync(rendererDir, { recursive: true, force: true });
});

/** A GET with exactly this Host header (fetch would write the URL's own). */
function getWithHost(url: string, hostHeader: string | undefined): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = hostHeader === undefined ? {} : { host: hostHeader };
    const req = httpRequest(url, { headers, setHost: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const servers = () => ({
  service: `${host.urls.service}/.well-known/oauth-authorization-server`,
  provider: `${host.urls.provider}/.well-known/openid-configuration`,
  mailbox: `${host.urls.mailbox}/messages`,
  studio: `${studio.url}/`,
});

describe('Host allow-list (DNS rebinding)', () => {
  it('every server refuses a foreign Host with 421 JSON, before any route', async () => {
    for (const [name, url] of Object.entries(servers())) {
      const port = new URL(url).port;
      for (const foreign of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${Number(port) + 1}`, `127.0.0.1.evil.example:${port}`]) {
        const r = await getWithHost(url, foreign);
        expect(r.status, `${name} with Host ${foreign}`).toBe(421);
        expect(r.type).toMatch(/^application\/json/);
        const json = JSON.parse(r.body);
        expect(Object.keys(json).sort()).toEqual(['error', 'message']);
        expect(json.error).toBe('misdirected_request');
        expect(json.message).toContain(`127.0.0.1:${port}`);
      }
    }
  });

  it('a rebound studio hands out nothing: no page (with its secret), no trace, no reset', async () => {
    const port = new URL(studio.url).port;
    for (const path of ['/', '/index.html', '/studio/api/traces', '/studio/api/state', '/studio/api/inbox']) {
      expect((await getWithHost(`${studio.url}${path}`, `rebind.example:${port}`)).status, path).toBe(421);
    }
  });

  it('answers its loopback names, with or without the case a client chose', async () => {
    for (const [name, url] of Object.entries(servers())) {
      const port = new URL(url).port;
      for (const own of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
        expect((await getWithHost(url, own)).status, `${name} with Host ${own}`).toBe(200);
      }
    }
  });

  it('answers the public names a config lists (allowedHosts), and only those', async () => {
    const s = servers();
    expect((await getWithHost(s.service, 'service.tunnel.example')).status).toBe(200);
    expect((await getWithHost(s.provider, 'idp.tunnel.example:443')).status).toBe(200);
    expect((await getWithHost(s.mailbox, 'inbox.tunnel.example')).status).toBe(200);
    // each role has its own list
    expect((await getWithHost(s.provider, 'service.tunnel.example')).status).toBe(421);
    expect((await getWithHost(s.provider, 'idp.tunnel.example')).status).toBe(421);
  });
});

describe('framing (issue 15): only the studio frames the roles\' pages', () => {
  it("the consent page, the claim page and the inbox name the studio's origin in frame-ancestors, and no other", async () => {
    const studioPort = new URL(studio.url).port;
    const pages = [
      `${host.urls.provider}/consent?audience=${encodeURIComponent(host.urls.service)}`,
      `${host.urls.service}/agent/auth/claim/view?token=cv_nope`,
      `${host.urls.mailbox}/`,
    ];
    for (const page of pages) {
      const csp = (await fetch(page)).headers.get('content-security-policy') ?? '';
      const ancestors = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('frame-ancestors'));
      expect(ancestors, page).toBe(`frame-ancestors 'self' http://127.0.0.1:${studioPort} http://localhost:${studioPort}`);
    }
  });

  it('a stopped studio frames nothing any more', async () => {
    const other = await startStudioServer(host, 0, { log: () => {}, rendererDir });
    const url = `${host.urls.provider}/consent?audience=${encodeURIComponent(host.urls.service)}`;
    expect((await fetch(url)).headers.get('content-security-policy')).toContain(`http://127.0.0.1:${new URL(other.url).port}`);
    await other.stop();
    const csp = (await fetch(url)).headers.get('content-security-policy') ?? '';
    expect(csp).not.toContain(`:${new URL(other.url).port}`);
    expect(csp).toContain(`http://127.0.0.1:${new URL(studio.url).port}`);
  });
});
