/**
 * `npm run test:bench`: `npm run bench -- --quick` must finish and every row must have measured
 * something real. No speed thresholds — CI machines differ; only "it ran and did work".
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cannotPin } from '../../bench/cores.js';

interface Row {
  id: string;
  kind: 'load' | 'flow' | 'floor';
  storage: 'memory' | 'disk' | null;
  requestsPerSec?: number;
  runs?: number;
  succeeded?: number;
  hostPeakRssBytes?: number;
  diskSyncMs?: number;
  hostCore?: number;
  coreSpeeds?: Record<string, number>;
  error?: string;
}

const ENDPOINT_ROWS = ['register-anonymous', 'register-id-jag', 'register-verified-email', 'resource-api-key', 'resource-access-token', 'claim-complete'];
const FLOW_ROWS = ['flow-anonymous', 'flow-verified-email', 'flow-id-jag', 'flow-revocation'];

function runQuickBench(out: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['tsx', 'bench/run.ts', '--quick', '--json', '--out', out], {
      cwd: join(import.meta.dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run bench -- --quick', () => {
  it('measures every row, in memory and on disk, and writes the JSON report', { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ars-bench-test-'));
    const out = join(dir, 'bench.json');
    try {
      const { code, stdout, stderr } = await runQuickBench(out);
      expect(code, stderr.slice(-3000)).toBe(0);

      const report = JSON.parse(readFileSync(out, 'utf8'));
      // --json prints the same report, and nothing else, on stdout.
      expect(JSON.parse(stdout)).toEqual(report);
      expect(report.machine.cores).toBeGreaterThan(0);
      expect(report.machine.node).toBe(process.version);

      const rows = new Map<string, Row>(report.rows.map((r: Row) => [r.id, r]));
      for (const storage of ['memory', 'disk']) {
        for (const id of ENDPOINT_ROWS) {
          const row = rows.get(`${id}-${storage}`);
          expect(row, `${id}-${storage}`).toBeDefined();
          expect(row!.error, `${id}-${storage}`).toBeUndefined();
          expect(row!.requestsPerSec, `${id}-${storage} requests/s`).toBeGreaterThan(0);
          expect(row!.hostPeakRssBytes, `${id}-${storage} RSS`).toBeGreaterThan(0);
          // the disk's commit time before the window, to tell a slow disk from slow code
          expect(row!.diskSyncMs, `${id}-${storage} disk sync`).toBeGreaterThan(0);
          // where cores can be pinned, the host ran on the core that was fastest just before
          if (!cannotPin) expect(row!.coreSpeeds![row!.hostCore!], `${id}-${storage} host core`).toBe(Math.max(...Object.values(row!.coreSpeeds!)));
          else expect(row!.hostCore).toBeUndefined();
        }
        for (const id of FLOW_ROWS) {
          const row = rows.get(`${id}-${storage}`);
          expect(row, `${id}-${storage}`).toBeDefined();
          expect(row!.error, `${id}-${storage}`).toBeUndefined();
          expect(row!.succeeded, `${id}-${storage} runs`).toBeGreaterThan(0);
          // at least --runs, and more where the round's window has room for them
          expect(row!.runs, `${id}-${storage} runs`).toBeGreaterThanOrEqual(5);
          expect(row!.hostPeakRssBytes, `${id}-${storage} RSS`).toBeGreaterThan(0);
        }
      }
      for (const id of ['floor-es256-verify', 'floor-express-empty']) {
        expect(rows.get(id)?.requestsPerSec, id).toBeGreaterThan(0);
        expect(rows.get(id)?.hostPeakRssBytes, id).toBeGreaterThan(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
