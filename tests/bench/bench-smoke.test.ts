/**
 * `npm run bench -- --smoke` in `npm test`: every row of the bench runs for a fraction of a second
 * (one host per storage serves all its rows) and the report has every row, in the shape the full run
 * writes, with numbers that show work was done. No speed thresholds: this checks the plumbing.
 * The real thing, a host per row and seconds per row, is `npm run test:bench` (bench-quick.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Row {
  id: string;
  kind: 'load' | 'flow' | 'floor';
  storage: 'memory' | 'disk' | null;
  requestsPerSec?: number;
  p50Ms?: number;
  p99Ms?: number;
  medianMs?: number;
  hostCpuMsPerRequest?: number;
  runs?: number;
  succeeded?: number;
  hostIdleRssBytes?: number;
  hostPeakRssBytes?: number;
  diskSyncMs?: number;
  hostCore?: number;
  roundsSummary?: { headline: number }[];
  error?: string;
}

const ENDPOINT_ROWS = ['register-anonymous', 'register-id-jag', 'register-verified-email', 'resource-api-key', 'resource-access-token', 'claim-complete'];
const FLOW_ROWS = ['flow-anonymous', 'flow-verified-email', 'flow-id-jag', 'flow-revocation'];
const ALL_ROWS = [
  ...['memory', 'disk'].flatMap((s) => [...ENDPOINT_ROWS, ...FLOW_ROWS].map((id) => `${id}-${s}`)),
  'floor-es256-verify',
  'floor-express-empty',
];

const ROOT = join(import.meta.dirname, '..', '..');

function bench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run bench -- --smoke', () => {
  it('runs every row, in memory and on disk, and writes the JSON report', { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ars-bench-smoke-'));
    const out = join(dir, 'bench.json');
    try {
      const { code, stdout, stderr } = await bench(['--smoke', '--json', '--out', out]);
      expect(code, stderr.slice(-3000)).toBe(0);

      const report = JSON.parse(readFileSync(out, 'utf8'));
      // --json prints the same report, and nothing else, on stdout.
      expect(JSON.parse(stdout)).toEqual(report);
      expect(report).toMatchObject({ quick: true, smoke: true, settings: { rounds: 1, shareHosts: true, pin: false } });
      expect(report.machine.cores).toBeGreaterThan(0);
      expect(report.machine.node).toBe(process.version);
      expect(report.totalSeconds).toBeGreaterThanOrEqual(0);

      const rows: Row[] = report.rows;
      expect(rows.map((r) => r.id)).toEqual(ALL_ROWS);
      for (const row of rows) {
        expect(row.error, row.id).toBeUndefined();
        expect(row.hostPeakRssBytes, `${row.id} peak RSS`).toBeGreaterThan(0);
        // a shared host was not pinned to a core by any round
        expect(row.hostCore, row.id).toBeUndefined();
        if (row.kind === 'flow') {
          expect(row.succeeded, `${row.id} runs`).toBeGreaterThan(0);
          expect(row.succeeded!, row.id).toBeLessThanOrEqual(row.runs!);
          expect(row.medianMs, row.id).toBeGreaterThan(0);
          expect(row.p99Ms!, row.id).toBeGreaterThanOrEqual(row.medianMs!);
          expect(row.hostCpuMsPerRequest, `${row.id} host CPU`).toBeGreaterThan(0);
          continue;
        }
        expect(row.requestsPerSec, `${row.id} requests/s`).toBeGreaterThan(0);
        expect(row.hostCpuMsPerRequest, `${row.id} host CPU`).toBeGreaterThan(0);
        expect(row.roundsSummary?.map((r) => r.headline), row.id).toEqual([row.requestsPerSec]);
        if (row.kind === 'load') {
          expect(row.p50Ms, row.id).toBeGreaterThan(0);
          expect(row.p99Ms!, row.id).toBeGreaterThanOrEqual(row.p50Ms!);
          expect(row.hostIdleRssBytes, `${row.id} idle RSS`).toBeGreaterThan(0);
          expect(row.diskSyncMs, `${row.id} disk sync`).toBeGreaterThan(0);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--only with no matching row: exit 2 and says so, before starting anything', { timeout: 30_000 }, async () => {
    const { code, stderr } = await bench(['--smoke', '--only', 'no-such-row', '--out', join(tmpdir(), 'ars-bench-never.json')]);
    expect(code).toBe(2);
    expect(stderr).toContain('no row id contains "no-such-row"');
  });
});
