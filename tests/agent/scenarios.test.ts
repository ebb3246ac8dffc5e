import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../src-servers/host/host.js';
import { SCENARIOS, type RunState } from '../../src-servers/agent/index.js';
import { hostPowers } from '../../src-servers/host/lessonHost.js';
import { exchangesOf, newRun, startTestHost } from './helpers.js';

/**
 * Every lesson against a real in-memory host: the expected failure must happen on the wire,
 * and the agent must apply AUTH.md's remedy (and, unless the remedy is to stop, finish the flow).
 */

const EXPECTED_STATUS: Record<string, number> = {
  replay_detected: 400, invalid_audience: 400, expired: 400, invalid_signature: 400, invalid_issuer: 400,
  missing_verified_email: 403, otp_invalid: 401, otp_locked: 429, claim_expired: 410, previously_claimed: 409,
  rate_limited: 429, invalid_token: 401,
};
const CODE: Record<string, string> = {
  'replayed-id-jag': 'replay_detected', 'wrong-audience': 'invalid_audience', 'expired-id-jag': 'expired',
  'tampered-signature': 'invalid_signature', 'untrusted-provider': 'invalid_issuer', 'unverified-user': 'missing_verified_email',
  'wrong-otp': 'otp_invalid', 'otp-lockout': 'otp_locked', 'expired-claim': 'claim_expired', 'previously-claimed': 'previously_claimed',
  'rate-limited': 'rate_limited', 'revoked-credential': 'invalid_token',
};

let host: Host;
beforeAll(async () => {
  host = await startTestHost();
});
afterAll(() => host?.stop());

// v0.1 lessons only (the host here speaks v0.1); the takeover lesson succeeds there without a failed step (tests/agent/v06-lessons.test.ts).
const V01 = SCENARIOS.filter((s) => s.profiles.includes('v0.1'));
describe.each(V01.filter((s) => s.id !== 'rate-limited' && s.id !== 'consent-denied' && s.id !== 'account-takeover').map((s) => [s.id, s]))('scenario %s', (id, sc) => {
  let state: RunState;
  beforeAll(async () => {
    state = await newRun(host, { flow: sc.flow, scenario: id }).run();
  });

  it('reaches its expected outcome: the failure happened and the remedy was applied', () => {
    expect(state.outcome?.summary).toMatch(/^Lesson complete/);
    expect(state.outcome?.ok).toBe(true);
    expect(state.status).toBe('succeeded');
  });

  it('shows the failure on the wire, in a step that failed, followed by the remedy', async () => {
    const code = CODE[id];
    const failedStep = state.steps.findIndex((s) => s.status === 'failed');
    const step = state.steps[failedStep];
    expect(step?.detail, 'the failed step names the error').toMatch(new RegExp(`^${EXPECTED_STATUS[code]} ${code}`));
    const answers = (e: { responseBody: string | null; responseHeaders: Record<string, string> }) =>
      Boolean(e.responseBody?.includes(`"${code}"`) || e.responseHeaders['www-authenticate']?.includes(code));
    const all = await exchangesOf(host, state, (xs) => xs.some((e) => e.step === step.name && answers(e)));
    const failure = all.find((e) => e.step === step.name && e.from === 'Agent' && answers(e));
    expect(failure, `an exchange of ${step.name} answering ${code}`).toBeTruthy();
    expect(failure!.status).toBe(EXPECTED_STATUS[code]);
    expect(state.steps.slice(failedStep + 1).some((s) => s.status === 'done')).toBe(true);
  });
});

describe('scenario consent-denied', () => {
  it('stops at the denial and never registers', async () => {
    const s = await newRun(host, { flow: 'id-jag', scenario: 'consent-denied' }).run();
    expect(s.outcome?.ok).toBe(true);
    expect(s.steps.find((x) => x.name === 'approve_consent')?.status).toBe('failed');
    const all = await exchangesOf(host, s, (xs) => xs.some((e) => /\/deny$/.test(e.url)));
    expect(all.some((e) => e.from === 'User' && /\/deny$/.test(new URL(e.url).pathname))).toBe(true);
    expect(all.some((e) => e.step === 'register' || /\/id-jag$/.test(new URL(e.url).pathname))).toBe(false);
  });

  it('as a plain flow, a denial is a failure of the flow', async () => {
    const run = newRun(host, { flow: 'id-jag', autopilot: false });
    let s = await run.run();
    expect(s.waitingFor?.kind).toBe('approve_consent');
    s = await run.actAsUser('deny');
    expect(s.status).toBe('failed');
    expect(s.outcome?.summary).toMatch(/never register without your consent/);
  });
});

describe('scenario rate-limited', () => {
  it('429, moves the lesson clock by Retry-After, retries once and finishes', async () => {
    const s = await newRun(host, { flow: 'anonymous', scenario: 'rate-limited' }).run();
    expect(s.outcome?.ok).toBe(true);
    const failed = s.steps.find((x) => x.status === 'failed')!;
    expect(failed.detail).toMatch(/^429 rate_limited/);
  });

});

describe('a lesson on a private host beside the studio host', () => {
  it("sends its claim mail to the person's one inbox (the given host's mailbox)", async () => {
    const s = await newRun(host, { flow: 'anonymous', scenario: 'expired-claim' }).run();
    expect(s.outcome?.ok).toBe(true);
    const mails = (await (await fetch(`${host.urls.mailbox}/messages`)).json()) as { text: string }[];
    // The private service's claim link: a service origin other than the studio host's.
    const links = mails.flatMap((m) => m.text.match(/https?:\/\/[^\s]+[?&]token=[^\s]+/g) ?? []);
    expect(links.some((l) => new URL(l).origin !== host.urls.service), `a claim link from the private service in ${JSON.stringify(links)}`).toBe(true);
  });
});

describe('every lesson against a service known only by its URL (as with a separately started host)', () => {
  it.each(V01.map((s) => [s.id, s]))('%s reaches its expected outcome', async (id, sc) => {
    // Powers that know nothing of the service (as the agent CLI against URLs): the service cannot
    // be reconfigured, so a lesson that needs it so runs on a private lesson host.
    const s = await newRun(host, { flow: sc.flow, scenario: id, powers: hostPowers() }).run();
    expect(s.outcome?.summary).toMatch(/^Lesson complete/);
    expect(s.outcome?.ok).toBe(true);
  });
});

describe('an agent with no host powers (a pure client of URLs)', () => {
  it('runs a lesson that needs no special service, forging nothing itself (the provider re-signs over HTTP)', async () => {
    const s = await newRun(host, { flow: 'id-jag', scenario: 'wrong-audience', powers: undefined }).run();
    expect(s.outcome?.ok, s.outcome?.summary).toBe(true);
    const all = await exchangesOf(host, s);
    expect(all.some((e) => e.from === 'Agent' && e.to === 'Provider' && new URL(e.url).pathname === '/lessons/id-jag')).toBe(true);
  });

  it('says why it cannot run a lesson that needs a reconfigured service, instead of starting one', async () => {
    const s = await newRun(host, { flow: 'anonymous', scenario: 'rate-limited', powers: undefined }).run();
    expect(s.status).toBe('failed');
    expect(s.outcome?.summary).toMatch(/needs a service configured with .*anonymousPerIpPerHour.*cannot be reconfigured/);
  });
});
