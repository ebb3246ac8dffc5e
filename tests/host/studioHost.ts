import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHost, type Host } from '../../src-servers/host/host.js';
import { startStudioServer, type StudioServer } from '../../src-servers/host/studio.js';

export interface StudioHost {
  host: Host;
  studio: StudioServer;
  /** The studio API's base URL (…/studio/api). */
  api: string;
  /** One call to the studio API with the page's token; JSON bodies in and (when parseable) out. */
  call(method: string, path: string, body?: unknown, init?: { raw?: string; headers?: Record<string, string> }): Promise<StudioAnswer>;
  stop(): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface StudioAnswer { status: number; json: any; text: string; headers: Headers }

/**
 * A real host (in memory, every port free) and its studio server — serving a stand-in renderer
 * folder holding `files` when given, else the default one: what the studio API tests run against.
 */
export async function startStudioHost(files?: Record<string, string>): Promise<StudioHost> {
  const rendererDir = files ? mkdtempSync(join(tmpdir(), 'ars-studio-renderer-')) : undefined;
  for (const [name, text] of Object.entries(files ?? {})) writeFileSync(join(rendererDir!, name), text);
  const log = () => {};
  const host = await startHost({ inMemory: true, ports: { service: 0, provider: 0, mailbox: 0, smtp: 0 }, log });
  const studio = await startStudioServer(host, 0, { log, ...(rendererDir ? { rendererDir } : {}) });
  const api = `${studio.url}/studio/api`;
  return {
    host, studio, api,
    async call(method, path, body, init = {}) {
      const res = await fetch(`${api}${path}`, {
        method,
        headers: { 'x-studio-token': studio.token, ...(body !== undefined || init.raw !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
        body: init.raw ?? (body !== undefined ? JSON.stringify(body) : undefined),
      });
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, json, text, headers: res.headers };
    },
    async stop() {
      await studio.stop();
      await host.stop();
      if (rendererDir) rmSync(rendererDir, { recursive: true, force: true });
    },
  };
}
