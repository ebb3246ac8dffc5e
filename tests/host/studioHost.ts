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
  stop(): Promise<void>;
}

/**
 * A real host (in memory, every port free) and its studio server, serving a stand-in renderer
 * folder holding `files` (an index.html at least): what the studio API tests run against.
 */
export async function startStudioHost(files: Record<string, string> = { 'index.html': '<!doctype html><title>studio</title>' }): Promise<StudioHost> {
  const rendererDir = mkdtempSync(join(tmpdir(), 'ars-studio-renderer-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(rendererDir, name), text);
  const log = () => {};
  const host = await startHost({ inMemory: true, ports: { service: 0, provider: 0, mailbox: 0, smtp: 0 }, log });
  const studio = await startStudioServer(host, 0, { log, rendererDir });
  return {
    host, studio, api: `${studio.url}/studio/api`,
    async stop() {
      await studio.stop();
      await host.stop();
      rmSync(rendererDir, { recursive: true, force: true });
    },
  };
}
