import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FLOWS } from '../../src-servers/agent/index.js';
import { runAgentCli } from './helpers.js';

/**
 * `npm run agent`, run as a person would (helpers.ts runAgentCli). The first test goes through
 * `npx tsx` exactly; the others load tsx into node directly, which starts faster.
 */
const cli = runAgentCli;

const dir = mkdtempSync(join(tmpdir(), 'agent-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run agent', () => {
  it('runs the anonymous flow under autopilot: exit 0, every step, its requests and status codes', async () => {
    const r = await cli(['--flow', 'anonymous', '--autopilot'], '', true);
    expect(r.code, r.stderr).toBe(0);
    for (const step of FLOWS.find((f) => f.id === 'anonymous')!.steps) expect(r.stdout).toContain(step.title);
    expect(r.stdout).toMatch(/Agent → Service\s+GET\s+http:\/\/127\.0\.0\.1:\d+\/api\/resource\s+401/);
    expect(r.stdout).toMatch(/User → Inbox\s+GET/);
    expect(r.stdout).toContain('Outcome: success');
  }, 60_000);

  it('decodes the tokens on the wire (ID-JAG header and claims)', async () => {
    const r = await cli(['--flow', 'id-jag', '--autopilot']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('"typ":"oauth-id-jag+jwt"');
    expect(r.stdout).toMatch(/aud\s+"http:\/\/127\.0\.0\.1:\d+"/);
  }, 60_000);

  it('--json prints the run and its trace as JSON', async () => {
    const r = await cli(['--flow', 'anonymous', '--autopilot', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.run.status).toBe('succeeded');
    expect(doc.trace.exchanges.length).toBeGreaterThan(10);
    expect(doc.trace.exchanges.some((e: { step?: string }) => e.step === 'register')).toBe(true);
  }, 60_000);

  it('--mermaid prints a sequence diagram', async () => {
    const r = await cli(['--flow', 'anonymous', '--autopilot', '--mermaid']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith('sequenceDiagram')).toBe(true);
    expect(r.stdout).toContain('Agent');
  }, 60_000);

  it('--har FILE writes a HAR of the run', async () => {
    const file = join(dir, 'run.har');
    const r = await cli(['--flow', 'verified-email', '--autopilot', '--har', file]);
    expect(r.code, r.stderr).toBe(0);
    const har = JSON.parse(readFileSync(file, 'utf8'));
    expect(har.log.entries.length).toBeGreaterThan(5);
    expect(har.log.entries.some((e: { request: { method: string; url: string } }) => e.request.method === 'POST' && /\/agent\/auth$/.test(e.request.url))).toBe(true);
  }, 60_000);

  it('runs a scenario and exits 0 when the lesson reached its outcome', async () => {
    const r = await cli(['--scenario', 'replayed-id-jag', '--autopilot']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('replay_detected');
    expect(r.stdout).toContain('Lesson complete');
  }, 60_000);

  it('without autopilot asks the person: consent answered at the terminal, code done "as you"', async () => {
    const consent = await cli(['--flow', 'id-jag'], 'a\n');
    expect(consent.code, consent.stderr).toBe(0);
    expect(consent.stderr).toMatch(/Allow \[o\]nce, \[a\]lways, or \[d\]eny\?/);
    expect(consent.stdout).toContain('You pressed "Always allow" on the consent page.');
    const denied = await cli(['--flow', 'id-jag'], 'd\n');
    expect(denied.code).toBe(1);
    expect(denied.stdout).toContain('never register without your consent');
    const claim = await cli(['--flow', 'anonymous'], '\n');
    expect(claim.code, claim.stderr).toBe(0);
    expect(claim.stdout).toMatch(/Open your inbox at http:\/\/127\.0\.0\.1:\d+\/messages/);
  }, 90_000);

  it('--list prints flows and scenarios; bad arguments exit 2 with the reason', async () => {
    const list = await cli(['--list']);
    expect(list.code).toBe(0);
    for (const f of FLOWS) expect(list.stdout).toContain(f.id);
    expect(list.stdout).toContain('otp-lockout');
    const bad = await cli(['--flow', 'telepathy']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown flow "telepathy"');
    const half = await cli(['--flow', 'anonymous', '--service', 'http://127.0.0.1:1']);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('--provider');
  }, 60_000);

  it('fails with the reason, non-zero, when the service cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const url = `http://127.0.0.1:${port}`;
    const r = await cli(['--flow', 'anonymous', '--autopilot', '--service', url, '--provider', url, '--mailbox', url]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Outcome: failure');
    expect(r.stdout).toContain(`I could not reach ${url}/api/resource (ECONNREFUSED)`);
  }, 60_000);
});
