import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host } from '../../src-servers/host/host.js';
import { failed, runConformance, type RunReport } from '../../src-servers/host/conformance/run.js';
import { toHtml } from '../../src-servers/host/conformance/html.js';
import { startTestIssuer, type TestIssuer } from '../../src-servers/host/conformance/issuer.js';
import type { RunOptions } from '../../src-servers/host/conformance/context.js';
import { toMarkdown } from '../../src-servers/host/conformance/report.js';
import { startTestHost } from '../agent/helpers.js';
import { HOSTILE, startBrokenService } from './fixtures/brokenService.js';
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
    // Every check that needs the runner's issuer trusted (ID-JAG negatives, account linking, logout tokens) waits for the trust line;
    // claim expiry waits for a claim window short enough to watch.
    const needsTrust = (id: string) => (id.startsWith('idjag.') && id !== 'idjag.untrusted_issuer') || id.startsWith('revocation.');
    expect(skipped.filter((r) => r.id !== 'claim.expiry').map((r) => r.id).sort()).toEqual(report.results.filter((r) => needsTrust(r.id)).map((r) => r.id).sort());
    for (const r of skipped.filter((x) => x.id !== 'claim.expiry')) expect(r.message).toContain(`{"service":{"trustedIssuers":["${report.issuer}"]}}`);
    expect(byId(report).get('claim.expiry')).toMatchObject({ status: 'SKIPPED', message: expect.stringContaining('registrationTtlSeconds') });
    expect(byId(report).get('claim.complete')?.status).toBe('SUCCESS'); // the mailbox played the person
    for (const id of ['provider.jwks', 'provider.cimd', 'provider.consent_required', 'provider.id_jag_shape', 'provider.revocation_on_delete', 'provider.consent_once']) expect([id, byId(report).get(id)?.status]).toEqual([id, 'SUCCESS']);
    expect(report.summary.FAILURE).toBe(0);
  });

  it('without a mailbox and non-interactive, the checks that need the person are SKIPPED saying why', async () => {
    const report = await runConformance(opts(host.urls.service, { only: ['claim.complete', 'registration.verified_email'] }));
    expect(report.results.map((r) => [r.id, r.status])).toEqual([['claim.complete', 'SKIPPED'], ['registration.verified_email', 'SKIPPED']]);
    expect(report.results[0].message).toMatch(/--mailbox URL/);
  });

  it('without a profile it detects v0.1 from the AS metadata (no agent_auth.identity_endpoint); forced to v0.6 it names what a v0.6 service lacks', async () => {
    const { profile: _p, ...unset } = opts(host.urls.service, { only: ['discovery.*'] });
    const detected = await runConformance(unset);
    expect([detected.profile, detected.profileSource]).toEqual(['v0.1', 'detected']);
    const forced = await runConformance(opts(host.urls.service, { profile: 'v0.6', only: ['discovery.agent_auth'] }));
    expect([forced.profileSource, forced.results[0].status, forced.results[0].message]).toEqual(['flag', 'FAILURE', 'agent_auth.identity_endpoint is missing or not a URL']);
    const nobody = await runConformance({ ...unset, serviceUrl: 'http://127.0.0.1:9', only: ['discovery.challenge'] });
    expect([nobody.profile, nobody.profileSource, nobody.results[0].status]).toEqual(['v0.1', 'default', 'FAILURE']);
  });

  it('without --provider the provider checks are SKIPPED, saying so', async () => {
    const report = await runConformance(opts(host.urls.service, { only: ['provider.*'] }));
    expect(report.results.map((r) => [r.status, r.message])).toEqual(Array(6).fill(['SKIPPED', 'no --provider URL given']));
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

  it('the HTML report shows every check with its spec, status and evidence, summary first, and escapes what the peer sent', () => {
    const html = toHtml(report);
    expect(html.indexOf(`${report.summary.total} checks:`)).toBeLessThan(html.indexOf('<h2>Checks</h2>'));
    for (const r of report.results) {
      expect(html).toContain(`id="check-${r.id}" data-status="${r.status}"`);
      expect(html).toContain(`<code>${r.id}</code>`);
    }
    const failure = byId(report).get('discovery.challenge')!;
    expect(html).toContain(failure.remedy!.replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expect(html).toContain('RFC 9728 §5.1, RFC 6750 §3');
    // The hostile 401 body is in the evidence, as text only; the page allows no script anyway.
    expect(failure.exchanges.some((e) => e.responseBody?.includes(HOSTILE))).toBe(true);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
    expect(html).not.toMatch(/<link|src="http|href="http/);
  });

  it('with an expected-failures baseline: listed failures are expected and do not fail the run; a listed check that passes is reported stale and does', async () => {
    const failing = report.results.filter((r) => r.status === 'FAILURE').map((r) => r.id);
    expect(failed(report)).toBe(true);
    const all = await runConformance(opts(broken.url, { expected: failing }));
    expect(all.results.filter((r) => r.status === 'FAILURE').every((r) => r.baseline === 'expected')).toBe(true);
    expect(all.summary).toMatchObject({ expectedFailures: failing.length, nowPasses: 0 });
    expect(failed(all)).toBe(false);
    const stale = await runConformance(opts(broken.url, { expected: [...failing, 'registration.anonymous'] }));
    expect(byId(stale).get('registration.anonymous')).toMatchObject({ status: 'SUCCESS', baseline: 'now-passes' });
    expect(failed(stale)).toBe(true);
    expect(toMarkdown(stale)).toContain('| SUCCESS (expected to fail, now passes: remove it from the baseline) | `registration.anonymous`');
    const partial = await runConformance(opts(broken.url, { expected: ['discovery.as'] }));
    expect(byId(partial).get('discovery.as')).toMatchObject({ status: 'FAILURE', baseline: 'expected' });
    expect(byId(partial).get('input.malformed_json')?.baseline).toBeUndefined();
    expect(failed(partial)).toBe(true);
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

  it('with --expected listing every failure it exits 0, writes the HTML report, and refuses a baseline naming no check', async () => {
    const broken = await startBrokenService();
    const dir = mkdtempSync(join(tmpdir(), 'conformance-'));
    try {
      const first = await cli(['--service', broken.url, '--non-interactive', '--issuer-port', '0', '--only', 'discovery.*', '--json', join(dir, 'r.json')]);
      expect(first.code).toBe(1);
      const failing = (JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunReport).results.filter((r) => r.status === 'FAILURE').map((r) => r.id);
      writeFileSync(join(dir, 'baseline.json'), JSON.stringify(failing));
      const again = await cli(['--service', broken.url, '--non-interactive', '--issuer-port', '0', '--only', 'discovery.*', '--expected', join(dir, 'baseline.json'), '--html', join(dir, 'r.html')]);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/XFAIL {2}discovery\.as/);
      expect(again.stdout).toContain(`baseline: ${failing.length} expected failures, 0 now pass`);
      expect(readFileSync(join(dir, 'r.html'), 'utf8')).toContain('FAILURE (expected)');
      writeFileSync(join(dir, 'typo.json'), JSON.stringify(['discovery.ass']));
      const typo = await cli(['--service', broken.url, '--expected', join(dir, 'typo.json')]);
      expect(typo.code).toBe(2);
      expect(typo.stderr).toContain('no such check: discovery.ass');
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
