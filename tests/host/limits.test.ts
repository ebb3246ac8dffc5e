/**
 * Every server the host starts (service, provider, mailbox, studio) caps request bodies as they
 * arrive — chunked, compressed or announced — answers malformed HTTP with the JSON envelope, and
 * does not let a stalled request hold its socket for minutes (issue 14, findings 5 and 9).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { startHost, type Host } from '../../src-servers/host/host.js';
import { startStudioServer, type StudioServer } from '../../src-servers/host/studio.js';
import { MAX_BODY_BYTES } from '../../src-servers/protocol/constants.js';

let host: Host;
let studio: StudioServer;

beforeAll(async () => {
  const log = () => {};
  host = await startHost({ inMemory: true, ports: { service: 0, provider: 0, mailbox: 0, smtp: 0 }, log });
  studio = await startStudioServer(host, 0, { log });
});
afterAll(async () => {
  await studio?.stop();
  await host?.stop();
});

/** A JSON POST endpoint on each server (the mailbox takes no bodies at all). */
const jsonTargets = () => [
  ['service', `${host.urls.service}/agent/auth`],
  ['provider', `${host.urls.provider}/login`],
  ['studio', `${studio.url}/studio/api/runs`],
] as const;
const allServers = () => [
  ['service', host.urls.service],
  ['provider', host.urls.provider],
  ['mailbox', host.urls.mailbox],
  ['studio', studio.url],
] as const;

interface RawAnswer {
  status: number;
  contentType: string;
  json: any;
  text: string;
  /** Whether the client got to send its whole body before the server ended the connection. */
  uploadCompleted: boolean;
}

/**
 * One request on a raw socket: `head` as given, then `body` in chunks (chunked framing when no
 * Content-Length is in the head), then wait for the server's answer and the end of the connection.
 */
function rawRequest(url: string, head: string, body: { chunks?: number; chunkBytes?: number; buffer?: Buffer } = {}): Promise<RawAnswer> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(u.port), u.hostname);
    const received: Buffer[] = [];
    let uploadCompleted = false;
    const finish = () => {
      const text = Buffer.concat(received).toString('utf8');
      const [headers, ...rest] = text.split('\r\n\r\n');
      const payload = rest.join('\r\n\r\n');
      let json: any;
      try { json = JSON.parse(payload); } catch { json = undefined; }
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1] ?? 0),
        contentType: /\r\ncontent-type: ([^\r]*)/i.exec(headers)?.[1] ?? '',
        json, text, uploadCompleted,
      });
    };
    socket.on('data', (d) => {
      received.push(d);
      // The whole answer is in: a server that keeps the connection alive is not waited for.
      if (uploadCompleted && /\r\n\r\n/.test(Buffer.concat(received).toString())) socket.destroy();
    });
    socket.on('error', () => {});
    socket.on('close', finish);
    const write = (data: string | Buffer) => new Promise<void>((r) => (socket.write(data) ? r() : socket.once('drain', () => r())));
    void (async () => {
      await write(head);
      const chunked = !/content-length:/i.test(head);
      if (body.buffer) {
        await write(chunked ? `${body.buffer.length.toString(16)}\r\n` : '');
        await write(body.buffer);
        if (chunked) await write('\r\n');
      }
      const chunk = Buffer.alloc(body.chunkBytes ?? 0, '{');
      for (let i = 0; i < (body.chunks ?? 0) && !socket.destroyed; i++) await write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]));
      if (socket.destroyed) return;
      if (chunked) await write('0\r\n\r\n');
      uploadCompleted = true;
      if (received.length) socket.destroy();
    })();
  });
}

/** The studio API answers only its page (its per-launch token), so the studio's requests carry it. */
const tokenFor = (url: string): Record<string, string> => (url.startsWith(studio.url) ? { 'x-studio-token': studio.token } : {});

const post = (url: string, headers: string) => {
  const u = new URL(url);
  const token = Object.entries(tokenFor(url)).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return `POST ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\n${token}${headers}\r\n`;
};

function expectEnvelope(r: RawAnswer, status: number, error: string) {
  expect(r.status, r.text.slice(0, 300)).toBe(status);
  expect(r.contentType).toMatch(/^application\/json/);
  expect(r.json?.error, r.text.slice(0, 300)).toBe(error);
  expect(typeof r.json?.message).toBe('string');
}

describe('body limits on the bytes that arrive', () => {
  it('a chunked body that grows past 64 KiB → 413 payload_too_large, and the upload is cut (service, provider, studio)', async () => {
    for (const [name, url] of jsonTargets()) {
      // 32 MiB in 16 KiB chunks: far more than any socket buffers, so only a server that stops reading cuts it short.
      const r = await rawRequest(url, post(url, 'content-type: application/json\r\ntransfer-encoding: chunked\r\n'), { chunks: 2048, chunkBytes: 16 * 1024 });
      expectEnvelope(r, 413, 'payload_too_large');
      expect(r.uploadCompleted, `${name} read the whole 32 MiB`).toBe(false);
    }
  }, 60_000);

  it('the mailbox, which reads no bodies, still stops reading an endless chunked upload', async () => {
    const url = `${host.urls.mailbox}/messages`;
    const r = await rawRequest(url, post(url, 'content-type: application/json\r\ntransfer-encoding: chunked\r\n'), { chunks: 2048, chunkBytes: 16 * 1024 });
    expect(r.status).toBeLessThan(500);
    expect(r.contentType).toMatch(/^application\/json/);
    expect(r.uploadCompleted, 'the mailbox read the whole 32 MiB').toBe(false);
  }, 60_000);

  it('a body announcing more than 64 KiB → 413 on every server, without waiting for the bytes', async () => {
    for (const [, base] of allServers()) {
      const url = `${base}/messages`;
      const r = await rawRequest(url, post(url, `content-type: application/json\r\ncontent-length: ${99 * 1024 ** 3}\r\n`), { chunks: 0 });
      expectEnvelope(r, 413, 'payload_too_large');
    }
  }, 30_000);

  it('a gzip bomb (20 KB that inflates to 20 MB) → 413, and the trace records a one-line summary, not the inflated bytes', async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, ' '));
    expect(bomb.length).toBeLessThan(MAX_BODY_BYTES);
    for (const [, url] of jsonTargets()) {
      const r = await rawRequest(url, post(url, 'content-type: application/json\r\ncontent-encoding: gzip\r\ntransfer-encoding: chunked\r\n'), { buffer: bomb });
      expectEnvelope(r, 413, 'payload_too_large');
    }
    // The service and the provider are recorded (the studio is not a role); each kept a short summary.
    const recorded = host.trace.listTraces().flatMap((t) => host.trace.exchanges(t.id))
      .filter((e) => e.requestHeaders['content-encoding'] === 'gzip');
    expect(recorded.map((e) => e.to).sort()).toEqual(['Provider', 'Service']);
    for (const e of recorded) {
      expect(e.status).toBe(413);
      expect(e.requestBody!.length).toBeLessThan(1024);
      expect(e.requestBody).toMatch(/gzip-encoded/);
    }
  }, 60_000);
});

describe('ordinary requests are not affected', () => {
  it('a GET and a small JSON POST keep their connection alive on every server (only an early answer closes it)', async () => {
    const { request: httpRequest } = await import('node:http');
    const connectionOf = (url: string, method = 'GET', body?: string) =>
      new Promise<string | undefined>((resolve, reject) => {
        const req = httpRequest(url, { method, headers: { ...tokenFor(url), ...(body ? { 'content-type': 'application/json' } : {}) } }, (r) => {
          r.resume().on('end', () => resolve(r.headers.connection));
        });
        req.on('error', reject);
        req.end(body);
      });
    for (const [name, base] of allServers()) expect(await connectionOf(`${base}/`), name).toBe('keep-alive');
    for (const [name, url] of jsonTargets()) expect(await connectionOf(url, 'POST', '{"x":1}'), name).toBe('keep-alive');
  });
});

describe('malformed HTTP gets the JSON envelope', () => {
  it('a header line without a colon → 400 invalid_request JSON, on every server', async () => {
    for (const [name, base] of allServers()) {
      const r = await rawRequest(base, `GET / HTTP/1.1\r\nHost: ${new URL(base).host}\r\nthis is not a header\r\n\r\n`);
      expect(r.status, name).toBe(400);
      expectEnvelope(r, 400, 'invalid_request');
    }
  });

  it('headers larger than Node accepts → 431 JSON, on every server', async () => {
    for (const [name, base] of allServers()) {
      const r = await rawRequest(base, `GET / HTTP/1.1\r\nHost: ${new URL(base).host}\r\nx-big: ${'a'.repeat(20 * 1024)}\r\n\r\n`);
      expect(r.status, name).toBe(431);
      expectEnvelope(r, 431, 'invalid_request');
    }
  });

  it('a request whose body stops arriving is answered 408 JSON and closed (seconds, not Node\'s 5 minutes)', async () => {
    const url = `${host.urls.service}/agent/auth`;
    // Half of the announced body, then silence: the client never sends the rest.
    const r = await new Promise<RawAnswer>((resolve) => {
      const u = new URL(url);
      const socket = connect(Number(u.port), u.hostname);
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('error', () => {});
      socket.on('close', () => {
        const payload = text.split('\r\n\r\n').slice(1).join('');
        let json: any;
        try { json = JSON.parse(payload); } catch { json = undefined; }
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), contentType: /content-type: ([^\r]*)/i.exec(text)?.[1] ?? '', json, text, uploadCompleted: false });
      });
      socket.write(post(url, 'content-type: application/json\r\ncontent-length: 20\r\n') + '{"type":');
    });
    expectEnvelope(r, 408, 'invalid_request');
  }, 40_000);
});

// The studio is not part of `npm run serve`, so the conformance fuzz cannot reach it: fuzz it here.
describe('the studio API under random bodies, compressed and chunked', () => {
  it('never a 5xx; every 4xx is the JSON envelope', async () => {
    const { default: fc } = await import('fast-check');
    const { request: httpRequest } = await import('node:http');
    const { brotliCompressSync, deflateSync } = await import('node:zlib');
    const api = `${studio.url}/studio/api`;
    const send = (url: string, headers: Record<string, string>, pieces: Buffer[]) =>
      new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
        const req = httpRequest(url, { method: 'POST', headers, timeout: 10_000 }, (r) => {
          let text = '';
          r.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: r.statusCode ?? 0, type: String(r.headers['content-type'] ?? ''), text }));
        });
        req.on('error', reject);
        for (const p of pieces) req.write(p);
        req.end();
      });
    const encode: Record<string, (b: Buffer) => Buffer> = {
      identity: (b) => b, gzip: (b) => gzipSync(b), deflate: (b) => deflateSync(b), br: (b) => brotliCompressSync(b),
      'bad-gzip': (b) => Buffer.concat([Buffer.from([0x1f, 0x8b]), b]),
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/runs', '/runs/run_x/next', '/runs/run_x/play', '/runs/run_x/otp', '/runs/run_x/act', '/runs/run_x/autopilot', '/grants/grt_x/revoke', '/nowhere'),
        fc.oneof(fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)), fc.string({ maxLength: 100 })),
        fc.constantFrom(...Object.keys(encode)),
        fc.constantFrom('application/json', 'application/json; charset=latin-9', 'text/plain'),
        fc.integer({ min: 1, max: 4 }),
        async (path, text, coding, type, pieces) => {
          const bytes = encode[coding](Buffer.from(text));
          const size = Math.ceil(bytes.length / pieces) || 1;
          const parts = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
          // With the page's token, so the fuzz reaches the body parsers and routes behind the guard.
          const headers: Record<string, string> = { 'content-type': type, ...tokenFor(api) };
          if (coding !== 'identity') headers['content-encoding'] = coding === 'bad-gzip' ? 'gzip' : coding;
          const r = await send(`${api}${path}`, headers, parts);
          expect(r.status, `${path} ${coding} ${type}: ${r.text.slice(0, 200)}`).toBeLessThan(500);
          if (r.status >= 400) {
            expect(r.type, r.text).toMatch(/^application\/json/);
            expect(typeof JSON.parse(r.text).error).toBe('string');
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);
});
