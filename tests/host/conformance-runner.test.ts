import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host } from '../../src-servers/host/host.js';
import { runConformance, type RunReport } from '../../src-servers/host/conformance/run.js';
import { startTestIssuer, type TestIssuer } from '../../src-servers/host/conformance/issuer.js';
import type { RunOptions } from '../../src-servers/host/conformance/context.js';
import { toMarkdown } from '../../src-servers/host/conformance/report.js';
import { startTestHost } from '../agent/helpers.js';
import { startBrokenService } from './fixtures/brokenService.js';
import { startReferenceLikeProvider, startReferenceLikeService } from '../agent/referenceLike.js';

/** Issue 18: the conformance runner, judged against our own host and against a broken fixture. */

const opts = (serviceUrl: string, more: Partial<RunOptions> = {}): RunOptions => ({ serviceUrl, providerUser: 'alice@example.com', profile: 'v0.1', interactive: false, only: [], issuerPort: 0, ...more });
const byId = (report: RunReport) => new Map(report.results.map((r) => [r.id, r]));

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src-servers/host/conformance/cli.ts', ...args], { cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end();
  });
}

describe('conformance runner against our own host (v0.1)', () => {
  let host: Host;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host?.stop());

  it('passes every check it can run, and skips the rest with a reason (ID-JAG negatives name the exact config line)', async () => {
    const report = await runConformance(opts(host.urls.service, { mailboxUrl: host.urls.mailbox, providerUrl: host.urls.provider }));
    const notOk = report.results.filter((r) => r.status !== 'SUCCESS' && r.status !== 'SKIPPED');
    expect(notOk.map((r) => `${r.id}: ${r.status} ${r.message}`)).toEqual([]);
    const skipped = report.results.filter((r) => r.status === 'SKIPPED');
    expect(skipped.map((r) => r.id).sort()).toEqual(report.results.filter((r) => r.id.startsWith('idjag.') && r.id !== 'idjag.untrusted_issuer').map((r) => r.id).sort());
    for (const r of skipped) expect(r.message).toContain(`{"service":{"trustedIssuers":["${report.issuer}"]}}`);
    expect(byId(report).get('claim.complete')?.status).toBe('SUCCESS'); // the mailbox played the person
    for (const id of ['provider.jwks', 'provider.cimd', 'provider.consent_required', 'provider.id_jag_shape']) expect([id, byId(report).get(id)?.status]).toEqual([id, 'SUCCESS']);
    expect(report.summary.FAILURE).toBe(0);
  });

  it('without a mailbox and non-interactive, the checks that need the person are SKIPPED saying why', async () => {
    const report = await runConformance(opts(host.urls.service, { only: ['claim.complete', 'registration.verified_email'] }));
    expect(report.results.map((r) => [r.id, r.status])).toEqual([['claim.complete', 'SKIPPED'], ['registration.verified_email', 'SKIPPED']]);
    expect(report.results[0].message).toMatch(/--mailbox URL/);
  });

  it('without --provider the provider checks are SKIPPED, saying so', async () => {
    const report = await runConformance(opts(host.urls.service, { only: ['provider.*'] }));
    expect(report.results.map((r) => [r.status, r.message])).toEqual(Array(4).fill(['SKIPPED', 'no --provider URL given']));
  });
});

describe('conformance runner with the service trusting its issuer', () => {
  let host: Host;
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await startTestIssuer(0);
    host = await startTestHost({ service: { trustedIssuers: [issuer.url] } });
  });
  afterAll(async () => {
    await host?.stop();
    await issuer?.close();
  });

  it('runs every ID-JAG negative case and each gets the documented code', async () => {
    const report = await runConformance(opts(host.urls.service, { issuer, only: ['idjag.*', 'errors.documented'] }));
    const results = byId(report);
    for (const id of ['idjag.accepted', 'idjag.replay', 'idjag.wrong_audience', 'idjag.expired', 'idjag.tampered_signature', 'idjag.alg_none',
      'idjag.typ_confusion', 'idjag.missing_sub', 'idjag.missing_jti', 'idjag.unverified_email', 'idjag.untrusted_issuer'])
      expect([id, results.get(id)?.status, results.get(id)?.message]).toEqual([id, 'SUCCESS', expect.any(String)]);
    expect(results.get('errors.documented')?.message).toMatch(/replay_detected.*/);
    expect(report.summary.FAILURE).toBe(0);
  });
});

describe('conformance runner against a service too lax about exp', () => {
  it('reports idjag.expired as FAILURE when a 20-minute skew lets an expired ID-JAG in', async () => {
    const issuer = await startTestIssuer(0);
    const host = await startTestHost({ service: { trustedIssuers: [issuer.url], clockSkewSeconds: 1200 } });
    try {
      const report = await runConformance(opts(host.urls.service, { issuer, only: ['idjag.expired'] }));
      expect(report.results[0]).toMatchObject({ status: 'FAILURE', message: expect.stringContaining('wanted 400 expired, got 200'), remedy: expect.stringContaining('Refuse') });
    } finally {
      await host.stop();
      await issuer.close();
    }
  });
});

describe('conformance runner against a deliberately broken service', () => {
  let broken: Awaited<ReturnType<typeof startBrokenService>>;
  let report: RunReport;
  beforeAll(async () => {
    broken = await startBrokenService();
    report = await runConformance(opts(broken.url));
  });
  afterAll(() => broken?.close());

  it('names the missing WWW-Authenticate headers (RFC 6750 §3)', () => {
    const r = byId(report);
    expect(r.get('discovery.challenge')).toMatchObject({ status: 'FAILURE', message: expect.stringContaining('no WWW-Authenticate header') });
    expect(r.get('resource.invalid_token')).toMatchObject({ status: 'FAILURE', message: expect.stringContaining('no WWW-Authenticate header'), spec: { rfc: expect.stringContaining('RFC 6750') } });
  });

  it('names the AS metadata without issuer (RFC 8414 §2)', () => {
    expect(byId(report).get('discovery.as')).toMatchObject({ status: 'FAILURE', message: expect.stringContaining('no "issuer"'), remedy: expect.any(String) });
  });

  it('names the 5xx for malformed JSON, with the exchange as evidence', () => {
    const r = byId(report).get('input.malformed_json')!;
    expect(r.status).toBe('FAILURE');
    expect(r.message).toMatch(/500 .*a 5xx for the client's mistake; wanted 400 invalid_request/);
    expect(r.exchanges.at(-1)).toMatchObject({ method: 'POST', requestBody: '{"type":"anonymous",', status: 500 });
    expect(toMarkdown(report)).toContain('## FAILURE: `input.malformed_json`');
  });

  it('still passes what the fixture gets right, and skips what it does not offer', () => {
    const r = byId(report);
    expect(r.get('registration.anonymous')?.status).toBe('SUCCESS');
    expect(r.get('idjag.untrusted_issuer')).toMatchObject({ status: 'SKIPPED', message: expect.stringContaining('does not advertise ID-JAG') });
  });
});

describe('conformance runner against reference-like peers (AS metadata without issuer, a provider without OpenID configuration)', () => {
  it('names each deviation, and still runs the ID-JAG checks with authorization_servers[0] as the audience', async () => {
    const issuer = await startTestIssuer(0);
    const service = await startReferenceLikeService([issuer.url]);
    const provider = await startReferenceLikeProvider();
    try {
      const r = byId(await runConformance(opts(service.url, { issuer, providerUrl: provider.url, only: ['discovery.as', 'idjag.accepted', 'provider.jwks'] })));
      expect(r.get('discovery.as')).toMatchObject({ status: 'FAILURE', message: expect.stringContaining('no "issuer"') });
      expect(r.get('idjag.accepted')).toMatchObject({ status: 'SUCCESS' });
      expect(r.get('provider.jwks')).toMatchObject({ status: 'WARNING', message: expect.stringContaining('no OpenID configuration') });
    } finally {
      await Promise.all([service.close(), provider.close(), issuer.close()]);
    }
  });
});

describe('npm run conformance (the CLI)', () => {
  it('exits 1 on a failing service, prints the summary line and writes the JSON and Markdown reports', async () => {
    const broken = await startBrokenService();
    const dir = mkdtempSync(join(tmpdir(), 'conformance-'));
    try {
      const { code, stdout } = await cli(['--service', broken.url, '--non-interactive', '--issuer-port', '0', '--only', 'discovery.*,input.*', '--json', join(dir, 'r.json'), '--markdown', join(dir, 'r.md')]);
      expect(code).toBe(1);
      expect(stdout).toMatch(/FAIL {2}input\.malformed_json/);
      expect(stdout).toMatch(/\n\d+ checks: \d+ passed, [1-9]\d* failed, \d+ warnings, \d+ skipped, \d+ info\n$/);
      const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunReport;
      expect(json.schema).toBe('agentic-registration-conformance/1');
      expect(json.results.every((r) => r.id.startsWith('discovery.') || r.id.startsWith('input.'))).toBe(true);
      expect(readFileSync(join(dir, 'r.md'), 'utf8')).toContain('| FAILURE | `discovery.as`');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await broken.close();
    }
  });

  it('exits 2 with usage for a missing --service or an unknown check id', async () => {
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--service URL is required/);
    const unknown = await cli(['--service', 'http://127.0.0.1:9', '--issuer-port', '0', '--only', 'no.such.check']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--only names no check of profile v0\.1: no\.such\.check/);
  });
});
