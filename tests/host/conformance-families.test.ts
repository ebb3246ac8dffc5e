import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import type { Host } from '../../src-servers/host/host.js';
import { runConformance, type RunReport } from '../../src-servers/host/conformance/run.js';
import { startTestIssuer, type TestIssuer } from '../../src-servers/host/conformance/issuer.js';
import type { RunOptions } from '../../src-servers/host/conformance/context.js';
import type { CheckResult } from '../../src-servers/host/conformance/types.js';
import { startTestHost } from '../agent/helpers.js';
import { answer, startTamperedProvider, startTamperedService, type Tamper } from './fixtures/tamperedPeers.js';

/**
 * Issue 18, the v0.1 check families added after the first cut: OTP lockout, superseded links,
 * claim expiry, logout-token validation, account linking, the provider's revocation on grant
 * deletion and consent before minting. Each passes against our host and FAILS, with the evidence
 * of the one broken rule, against our own role with that rule tampered.
 */

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

const run = (serviceUrl: string, only: string[], more: Partial<RunOptions> = {}): Promise<RunReport> =>
  runConformance({ serviceUrl, mailboxUrl: host.urls.mailbox, providerUser: 'alice@example.com', profile: 'v0.1', interactive: false, only, issuerPort: 0, issuer, ...more });
const byId = (report: RunReport) => new Map(report.results.map((r) => [r.id, r]));
const statuses = (report: RunReport) => report.results.map((r) => [r.id, r.status, r.message]);
const answered = (r: CheckResult | undefined, status: number, code: string) => r?.exchanges.filter((e) => e.status === status && (e.responseBody ?? '').includes(`"${code}"`)).length ?? 0;

async function withService<T>(tampers: Tamper[], fn: (url: string) => Promise<T>, config = {}): Promise<T> {
  const sv = await startTamperedService({ trustedIssuers: [issuer.url], smtpUrl: host.urls.smtp, config, tampers });
  try {
    return await fn(sv.url);
  } finally {
    await sv.close();
  }
}

describe('the new v0.1 families against our own host', () => {
  it('lockout, superseded links, logout-token validation and the provider\'s revocation all pass; account linking is a WARNING naming the v0.6 step-up', async () => {
    const report = await run(host.urls.service, ['claim.otp_lockout', 'claim.superseded_link', 'revocation.*', 'idjag.account_linking', 'provider.*'], { providerUrl: host.urls.provider });
    const r = byId(report);
    const pass = ['claim.otp_lockout', 'claim.superseded_link', 'revocation.logout_token', 'revocation.bad_typ', 'revocation.wrong_audience', 'revocation.untrusted_issuer',
      'revocation.missing_events', 'revocation.replay', 'provider.consent_required', 'provider.revocation_on_delete', 'provider.consent_once'];
    for (const id of pass) expect([id, r.get(id)?.status, r.get(id)?.message]).toEqual([id, 'SUCCESS', expect.any(String)]);
    expect(r.get('claim.otp_lockout')?.message).toMatch(/^locked after 5 wrong codes/);
    expect(r.get('idjag.account_linking')).toMatchObject({ status: 'WARNING', message: expect.stringMatching(/linked silently to the existing account usr_.*PROTOCOL-v0\.6\.md §2 answers 401 interaction_required/) });
    // The runner, as the service, kept what the provider delivered to it as evidence.
    const delivered = r.get('provider.revocation_on_delete')!.exchanges.find((e) => e.url.startsWith(issuer.receiverUrl));
    expect(delivered).toMatchObject({ method: 'POST', requestHeaders: { 'content-type': 'application/logout+jwt' } });
    expect(decodeJwt(delivered!.requestBody!)).toMatchObject({ iss: host.urls.provider, events: expect.any(Object) });
    expect(report.summary.FAILURE).toBe(0);
    // A report is shared: the claim tokens, attempt tokens and keys the runner sent or got are masked, requests included.
    expect(JSON.stringify(report)).not.toMatch(/(clm_|cv_|sk_test_)[A-Za-z0-9_-]{6,}/);
  });

  it('claim expiry: SKIPPED with the config to set when the window is long; SUCCESS once it is 1 s', async () => {
    expect(byId(await run(host.urls.service, ['claim.expiry'])).get('claim.expiry')).toMatchObject({ status: 'SKIPPED', message: expect.stringContaining('registrationTtlSeconds') });
    const report = await withService([], (url) => run(url, ['claim.expiry']), { registrationTtlSeconds: 1 });
    expect(statuses(report)).toEqual([['claim.expiry', 'SUCCESS', expect.stringContaining('claim_expired')]]);
  });

  it('account linking is SUCCESS when the service answers the email match with the v0.6 step-up', async () => {
    const stepUp: Tamper = { method: 'POST', path: '/agent/auth', rewrite: (req, status) => (linker(req) && status === 200 ? answer(401, { error: 'interaction_required', error_description: 'Confirm at the claim link.' }) : undefined) };
    const report = await withService([stepUp], (url) => run(url, ['idjag.account_linking']));
    expect(statuses(report)).toEqual([['idjag.account_linking', 'SUCCESS', expect.stringContaining('interaction_required')]]);
  });
});

/** The runner's linking ID-JAG (its sub names it), as a tamper recognises it. */
const linker = (req: { body?: any }) => typeof req.body?.assertion === 'string' && String(decodeJwt(req.body.assertion).sub).startsWith('conformance-linker-');

describe('each family FAILS against our role with that one rule broken, with the evidence', () => {
  it('no OTP lockout: ten wrong codes all otp_invalid → claim.otp_lockout FAILURE', async () => {
    const noLock: Tamper = { method: 'POST', path: '/agent/auth/claim/complete', rewrite: (_req, status) => (status === 429 ? answer(401, { error: 'otp_invalid', message: 'Wrong code.' }) : undefined) };
    const r = byId(await withService([noLock], (url) => run(url, ['claim.otp_lockout']))).get('claim.otp_lockout');
    expect(r).toMatchObject({ status: 'FAILURE', message: expect.stringContaining('10 wrong codes in a row were each answered otp_invalid and never otp_locked'), remedy: expect.stringContaining('otpMaxAttempts') });
    expect(answered(r, 401, 'otp_invalid')).toBe(10);
  });

  it('a superseded link still mints a code → claim.superseded_link FAILURE', async () => {
    const stale: Tamper = { method: 'POST', path: '/agent/auth/claim/attempt/challenge', rewrite: (_req, status) => (status === 410 ? answer(200, { type: 'otp', challenge: '123456', expires_at: new Date().toISOString() }) : undefined) };
    const r = byId(await withService([stale], (url) => run(url, ['claim.superseded_link']))).get('claim.superseded_link');
    expect(r).toMatchObject({ status: 'FAILURE', message: expect.stringContaining('wanted 410 claim_superseded, got 200') });
    expect(r!.exchanges.at(-1)).toMatchObject({ url: expect.stringContaining('/attempt/challenge'), status: 200 });
  });

  it('an expired registration still claimable → claim.expiry FAILURE', async () => {
    const immortal: Tamper = { method: 'POST', path: '/agent/auth/claim', rewrite: (_req, status) => (status === 410 ? answer(200, { status: 'initiated' }) : undefined) };
    const r = byId(await withService([immortal], (url) => run(url, ['claim.expiry']), { registrationTtlSeconds: 1 })).get('claim.expiry');
    expect(r).toMatchObject({ status: 'FAILURE', message: expect.stringContaining('claim after the window: wanted 410 claim_expired, got 200') });
  });

  it('logout tokens for another audience, or replayed, accepted → those two revocation checks FAIL, the rest pass', async () => {
    const lax: Tamper = { method: 'POST', path: '/agent/auth/revoke', rewrite: (_req, _status, body) => (body?.error === 'invalid_audience' || body?.error === 'replay_detected' ? answer(200, { revoked: 0 }) : undefined) };
    const report = await withService([lax], (url) => run(url, ['revocation.*']));
    const r = byId(report);
    expect(r.get('revocation.wrong_audience')).toMatchObject({ status: 'FAILURE', message: expect.stringContaining('wanted 400 invalid_audience, got 200') });
    expect(r.get('revocation.replay')).toMatchObject({ status: 'FAILURE', message: expect.stringContaining('wanted 400 replay_detected, got 200') });
    expect(r.get('revocation.wrong_audience')!.exchanges.at(-1)).toMatchObject({ requestHeaders: { 'content-type': 'application/logout+jwt' }, status: 200 });
    for (const id of ['revocation.logout_token', 'revocation.bad_typ', 'revocation.untrusted_issuer', 'revocation.missing_events']) expect([id, r.get(id)?.status]).toEqual([id, 'SUCCESS']);
  });

  it('an email match answered with an undocumented refusal → idjag.account_linking FAILURE', async () => {
    const refuse: Tamper = { method: 'POST', path: '/agent/auth', rewrite: (req) => (linker(req) ? answer(409, { error: 'account_exists', message: 'That email has an account.' }) : undefined) };
    const r = byId(await withService([refuse], (url) => run(url, ['idjag.account_linking']))).get('idjag.account_linking');
    expect(r).toMatchObject({ status: 'FAILURE', message: expect.stringContaining('wanted 200 (v0.1 links) or 401 interaction_required (v0.6 step-up), got 409') });
  });

  it('a provider that drops revocation_uri sends nothing on DELETE → provider.revocation_on_delete FAILURE', async () => {
    const drop: Tamper = { method: 'POST', path: '/grants', before: (req) => void delete req.body?.revocation_uri };
    const pv = await startTamperedProvider([drop]);
    try {
      const r = byId(await run(host.urls.service, ['provider.revocation_on_delete'], { providerUrl: pv.url })).get('provider.revocation_on_delete');
      expect(r).toMatchObject({ status: 'FAILURE', message: expect.stringMatching(/^no logout token reached the grant's revocation_uri .* by 2 s after the DELETE was answered/) });
      expect(r!.exchanges.at(-1)).toMatchObject({ method: 'DELETE', status: 204 });
    } finally {
      await pv.close();
    }
  });

  it('a provider that mints without the user\'s consent → the consent checks FAIL', async () => {
    // Before every mint it grants itself consent for the requested audience, as a careless provider would not ask.
    const selfConsent: Tamper = {
      method: 'POST', path: '/id-jag',
      before: async (req, base) => void (await fetch(`${base}/grants`, { method: 'POST', headers: { authorization: String(req.headers.authorization), 'content-type': 'application/json' }, body: JSON.stringify({ audience: req.body?.audience, mode: 'always' }) })),
    };
    const pv = await startTamperedProvider([selfConsent]);
    try {
      const r = byId(await run(host.urls.service, ['provider.consent_required', 'provider.consent_once', 'provider.revocation_on_delete'], { providerUrl: pv.url }));
      expect(r.get('provider.consent_required')).toMatchObject({ status: 'FAILURE', message: expect.stringContaining('wanted 403 consent_required, got 200') });
      expect(r.get('provider.consent_once')).toMatchObject({ status: 'FAILURE', message: expect.stringContaining('should be 403 consent_required, got 200') });
      expect(r.get('provider.revocation_on_delete')).toMatchObject({ status: 'FAILURE', message: expect.stringContaining('after the grant was deleted POST /id-jag should be 403 consent_required, got 200') });
    } finally {
      await pv.close();
    }
  });
});
