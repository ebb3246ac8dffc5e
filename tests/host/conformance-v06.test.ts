import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance, type RunReport } from '../../src-servers/host/conformance/run.js';
import { startTestIssuer, type TestIssuer } from '../../src-servers/host/conformance/issuer.js';
import { startV06Peer } from './fixtures/v06Peer.js';

/**
 * Issue 18, the v0.6 profile: detected from the metadata; a PROTOCOL-v0.6.md **Quirk:** from a peer
 * is a WARNING, a (beyond) rule it skips is INFO, and anything else off the contract is a FAILURE.
 */

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer(0);
});
afterAll(() => issuer?.close());

const ONLY = ['discovery.agent_auth', 'input.malformed_json', 'input.oversized', 'idjag.wrong_audience', 'idjag.resource_mismatch'];
async function judge(peer: Parameters<typeof startV06Peer>[0]): Promise<{ report: RunReport; r: Map<string, RunReport['results'][number]> }> {
  const p = await startV06Peer(peer);
  try {
    const report = await runConformance({ serviceUrl: p.url, providerUser: 'alice@example.com', interactive: false, only: ONLY, issuerPort: 0, issuer });
    return { report, r: new Map(report.results.map((x) => [x.id, x])) };
  } finally {
    await p.close();
  }
}

describe('conformance runner, v0.6 profile', () => {
  it('detects v0.6 from agent_auth.identity_endpoint; the reference\'s quirks are WARNINGs and an unenforced (beyond) rule is INFO', async () => {
    const { report, r } = await judge({ trusted: [issuer.url], wrongAudience: 'quirk', oversized: '413' });
    expect([report.profile, report.profileSource]).toEqual(['v0.6', 'detected']);
    expect(r.get('discovery.agent_auth')).toMatchObject({ status: 'INFO', message: 'identity types offered: identity_assertion (the checks of the others are skipped)' });
    expect(r.get('input.malformed_json')).toMatchObject({ status: 'WARNING', message: expect.stringContaining('500 internal_error — the reference\'s quirk') });
    expect(r.get('idjag.wrong_audience')).toMatchObject({ status: 'WARNING', message: expect.stringContaining('answered 400 expired, the reference\'s quirk') });
    expect(r.get('idjag.resource_mismatch')).toMatchObject({ status: 'INFO', message: expect.stringContaining('(beyond)') });
    expect(r.get('input.oversized')?.status).toBe('SUCCESS');
    expect(report.summary.FAILURE).toBe(0);
  });

  it('what no Quirk covers is a FAILURE: a wrong aud accepted, a 500 for an oversized body', async () => {
    const { r } = await judge({ trusted: [issuer.url], wrongAudience: 'accept', oversized: '500' });
    expect(r.get('idjag.wrong_audience')).toMatchObject({ status: 'FAILURE', message: expect.stringContaining('wanted 400 invalid_audience, got 200') });
    expect(r.get('input.oversized')).toMatchObject({ status: 'FAILURE', message: expect.stringContaining('got 500'), remedy: expect.stringContaining('413') });
  });

  it('the ID-JAG rows wait for the trust line in v0.6 too', async () => {
    const { r } = await judge({ trusted: [], wrongAudience: 'quirk', oversized: '413' });
    expect(r.get('idjag.wrong_audience')).toMatchObject({ status: 'SKIPPED', message: expect.stringContaining(`{"service":{"trustedIssuers":["${issuer.url}"]}}`) });
  });
});
