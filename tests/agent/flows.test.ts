import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src-servers/host/host.js';
import { FLOWS, type FlowId, type RunState } from '../../src-servers/agent/index.js';
import { exchangesOf, newRun, startTestHost } from './helpers.js';

/** Steps that make no request of their own: the agent thinks, or the person talks to it. */
const quiet = (s: RunState, name: string) =>
  /^(decide|enter_otp|time_passes)(-\d+)?$/.test(name) || (s.decision?.method === 'verified-email' && /^approve_consent/.test(name));

let host: Host;
beforeAll(async () => {
  host = await startTestHost();
});
afterAll(() => host?.stop());

describe.each(FLOWS.map((f) => f.id))('the %s flow under autopilot', (flow) => {
  let state: RunState;
  beforeAll(async () => {
    state = await newRun(host, { flow: flow as FlowId }).run();
  });

  it('reaches its goal', () => {
    expect(state.outcome?.summary).toBeTruthy();
    expect(state.status).toBe('succeeded');
    expect(state.outcome?.ok).toBe(true);
  });

  it('takes the planned steps and records each one with its exchanges in the trace', async () => {
    const planned = FLOWS.find((f) => f.id === flow)!.steps.map((s) => s.name);
    expect(state.steps.map((s) => s.name)).toEqual(planned);
    const active = state.steps.filter((s) => s.status !== 'skipped');
    expect(active.every((s) => s.status === 'done' || (flow === 'revocation' && s.name === 'call_api-2'))).toBe(true);
    const all = await exchangesOf(host, state, (xs) => active.every((s) => quiet(state, s.name) || xs.some((e) => e.step === s.name)));
    for (const s of active) {
      const mine = all.filter((e) => e.step === s.name);
      if (quiet(state, s.name)) expect(mine, s.name).toEqual([]);
      else expect(mine.length, `exchanges of ${s.name}`).toBeGreaterThan(0);
    }
    for (const s of state.steps) expect(s.explanation.length, s.name).toBeGreaterThan(40);
  });

  it('explains its choice', () => {
    const expected = flow === 'anonymous' ? 'anonymous' : flow === 'verified-email' ? 'verified-email' : 'id-jag';
    expect(state.decision?.method).toBe(expected);
    expect(state.decision?.why.length).toBeGreaterThan(0);
  });
});

describe('what went over the wire', () => {
  it('the ID-JAG flow: consent as the User, an ID-JAG addressed to the issuer, then the API', async () => {
    const s = await newRun(host, { flow: 'id-jag' }).run();
    const all = await exchangesOf(host, s, (xs) => xs.some((e) => e.step === 'call_api' && e.method === 'POST'));
    const consent = all.filter((e) => e.step === 'approve_consent');
    expect(consent.some((e) => e.from === 'User' && e.to === 'Provider' && e.method === 'POST' && /\/approve$/.test(new URL(e.url).pathname))).toBe(true);
    const reg = all.find((e) => e.step === 'register' && e.from === 'Agent')!;
    const idJag = reg.jwts.find((j) => j.header.typ === 'oauth-id-jag+jwt')!;
    expect(idJag.claims.aud).toBe(host.urls.service);
    expect(idJag.claims.iss).toBe(host.urls.provider);
    expect(all.filter((e) => e.step === 'call_api').map((e) => `${e.method} ${e.status}`)).toEqual(['GET 200', 'POST 201']);
  });

  it('the revocation flow: the user deletes the grant, the provider tells the service, the agent gets 401 and asks consent again', async () => {
    const s = await newRun(host, { flow: 'revocation' }).run();
    const all = await exchangesOf(host, s, (xs) => xs.some((e) => e.step === 'request_consent-2'));
    expect(all.some((e) => e.from === 'User' && e.to === 'Provider' && e.method === 'DELETE' && e.status === 204)).toBe(true);
    expect(all.some((e) => e.from === 'Provider' && e.to === 'Service' && e.method === 'POST' && e.status === 200)).toBe(true);
    const dead = all.find((e) => e.step === 'call_api-2')!;
    expect(dead.status).toBe(401);
    expect(dead.responseHeaders['www-authenticate']).toContain('invalid_token');
    expect(s.steps.find((x) => x.name === 'call_api-2')?.status).toBe('failed');
    expect(s.steps.at(-1)).toMatchObject({ name: 'request_consent-2', status: 'done' });
    expect(all.filter((e) => e.step === 'request_consent-2').map((e) => e.status)).toEqual([201]);
  });
});
