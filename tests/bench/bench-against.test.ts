/**
 * `npm run bench -- --against URL --against-pid PID --smoke`: the side-by-side bench against
 * another service, here a second host of ours started in this test process (so its pid is ours).
 * Checks the plumbing and the report a user reads — every row for both services, CPU per request
 * for both from /proc, the studio check under load — not any speed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHost, type Host } from '../../src-servers/host/host.js';

const ROOT = join(import.meta.dirname, '..', '..');

function bench(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const high = 1_000_000_000;
const limits = { anonymousPerIpPerHour: high, identityAssertionPerIpPerHour: high, anonymousPerTenantPerHour: high, identityAssertionPerTenantPerHour: high };

let dir: string;
let issuerPort: number;
let trusting: Host;
let untrusting: Host;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ars-bench-against-'));
  issuerPort = await freePort();
  const ports = { service: 0, provider: 0, mailbox: 0, smtp: 0 };
  trusting = await startHost({ inMemory: true, ports, config: { service: { trustedIssuers: [`http://127.0.0.1:${issuerPort}`], rateLimits: limits } } });
  untrusting = await startHost({ inMemory: true, ports, config: { service: { rateLimits: limits } } });
});

afterAll(async () => {
  await trusting?.stop();
  await untrusting?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run bench -- --against', () => {
  it('measures every row on both services, with a ratio, p99s and both servers\' CPU per request', { timeout: 120_000 }, async () => {
    const out = join(dir, 'against.json');
    const args = ['--against', trusting.urls.service, '--against-pid', String(process.pid), '--issuer-port', String(issuerPort), '--smoke', '--out', out];
    const { code, stdout, stderr } = await bench(args, { TMPDIR: dir });
    expect(code, stderr.slice(-3000)).toBe(0);
    // The issuer the other service must trust is printed before anything is measured.
    expect(stderr).toContain(`must trust the bench's ID-JAG issuer http://127.0.0.1:${issuerPort}`);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report).toMatchObject({ others: [{ url: trusting.urls.service, pid: process.pid }], issuer: `http://127.0.0.1:${issuerPort}` });
    expect(report.rows.map((r: { id: string }) => r.id)).toEqual(['anonymous', 'read', 'id-jag']);
    for (const row of report.rows) {
      for (const [side, s] of [['ours', row.ours], ['other', row.others[0]]] as const) {
        expect(s.requestsPerSec, `${row.id} ${side} req/s`).toBeGreaterThan(0);
        expect(s.p99Ms, `${row.id} ${side} p99`).toBeGreaterThanOrEqual(s.p50Ms);
        expect(s.cpuMsPerRequest, `${row.id} ${side} CPU ms/req`).toBeGreaterThan(0);
        expect(s.non2xx, `${row.id} ${side} non-2xx`).toBe(0);
      }
      // The table has the row with its ratio (ours / other).
      const ratio = (row.ours.requestsPerSec / row.others[0].requestsPerSec).toFixed(2);
      expect(stdout).toMatch(new RegExp(`\\| ${row.title.replace(/[()/]/g, '\\$&')} .*\\| +${ratio.replace('.', '\\.')}× \\|`));
    }
    expect(report.memory.oursIdleRssBytes).toBeGreaterThan(0);
    expect(report.memory.oursPeakRssBytes).toBeGreaterThanOrEqual(report.memory.oursIdleRssBytes);
    expect(report.memory.others[0].peakRssBytes).toBeGreaterThan(0);
    expect(report.studio, report.studio?.detail).toMatchObject({ ok: true });
    expect(report.studio.flowExchanges).toBeGreaterThan(0);
    expect(report.studio.loadExchanges).toBeGreaterThanOrEqual(report.studio.loadAnswers);
  });

  it('a service that does not trust the bench issuer: exit 1, naming the issuer to add', { timeout: 60_000 }, async () => {
    const args = ['--against', untrusting.urls.service, '--issuer-port', String(issuerPort), '--smoke', '--no-studio-check', '--out', join(dir, 'never.json')];
    const { code, stderr } = await bench(args, { TMPDIR: dir });
    expect(code).toBe(1);
    expect(stderr).toContain(`an ID-JAG from the bench issuer was refused — does it trust http://127.0.0.1:${issuerPort}?`);
  });

  it('an --against-pid that does not serve the URL: exit 1, asking for the server process\'s pid', { timeout: 60_000 }, async () => {
    const args = ['--against', trusting.urls.service, '--against-pid', String(process.ppid), '--issuer-port', String(issuerPort), '--smoke', '--no-studio-check', '--out', join(dir, 'never.json')];
    const { code, stderr } = await bench(args, { TMPDIR: dir });
    expect(code).toBe(1);
    expect(stderr).toContain(`--against-pid ${process.ppid} does not hold the socket listening at ${trusting.urls.service}`);
  });

  it('--against without a URL it can use: exit 2 and says what it needs', { timeout: 30_000 }, async () => {
    const { code, stderr } = await bench(['--against', 'not a url', '--smoke'], { TMPDIR: dir });
    expect(code).toBe(2);
    expect(stderr).toContain('--against needs a URL');
  });
});
