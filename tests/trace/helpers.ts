/** Small real servers on ephemeral loopback ports for the trace tests (no mocks, real HTTP). */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { openDatabase } from '../../src-servers/db/sqlite.js';
import { createTraceRecorder, traceMigrations } from '../../src-servers/trace/index.js';
import type { Exchange, TraceRecorder } from '../../src-servers/trace/types.js';

export interface Running { url: string; close(): Promise<void> }

export async function listen(app: Express | Parameters<typeof createServer>[1]): Promise<Running> {
  const server: Server = createServer(app as Parameters<typeof createServer>[1]);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export function memoryRecorder(now?: () => number): TraceRecorder {
  return createTraceRecorder({ db: openDatabase(':memory:', traceMigrations), now });
}

/** Resolves with the next `count` exchanges the recorder announces. */
export function nextExchanges(recorder: TraceRecorder, count = 1): Promise<Exchange[]> {
  return new Promise((resolve) => {
    const got: Exchange[] = [];
    const on = (e: Exchange) => {
      got.push(e);
      if (got.length === count) { recorder.off('exchange', on); resolve(got); }
    };
    recorder.on('exchange', on);
  });
}

/** A raw HTTP request with exactly the headers given (global fetch adds its own, like a browser would). */
export function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
