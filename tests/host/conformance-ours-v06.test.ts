import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src-servers/host/host.js';
import { runConformance } from '../../src-servers/host/conformance/run.js';
import { startTestIssuer, type TestIssuer } from '../../src-servers/host/conformance/issuer.js';
import { startTestHost } from '../agent/helpers.js';

/**
 * Issue 18's Done-when for v0.6: the runner against our own v0.6 host, with the service trusting the
 * runner's issuer, passes every check — the claim ceremony signed in and typed through the service's
 * real pages (each form's own token), the lockout, the step-up, SETs and the error audit included.
 */
describe('conformance runner against our own v0.6 host', () => {
  let host: Host;
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await startTestIssuer(0);
    host = await startTestHost({ service: { profile: 'v0.6', trustedIssuers: [issuer.url] } });
  });
  afterAll(async () => {
    await host?.stop();
    await issuer?.close();
  });

  it('detects v0.6 and passes every check, none skipped', async () => {
    const report = await runConformance({
      serviceUrl: host.urls.service, providerUrl: host.urls.provider, mailboxUrl: host.urls.mailbox, providerUser: 'alice@example.com',
      interactive: false, only: [], issuerPort: 0, issuer,
    });
    expect(report.profile).toBe('v0.6');
    const notPassed = report.results.filter((r) => r.status !== 'SUCCESS').map((r) => `${r.status} ${r.id}: ${r.message}`);
    expect(notPassed).toEqual([]);
    expect(report.results.length).toBeGreaterThan(60);
    for (const id of ['claim.complete', 'claim.user_code_lockout', 'idjag.interaction_required', 'errors.documented', 'input.token_malformed_json'])
      expect(report.results.map((r) => r.id)).toContain(id);
  }, 120_000);
});
