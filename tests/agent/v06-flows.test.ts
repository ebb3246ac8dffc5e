/**
 * The agent against a v0.6 host (issue 17): its four v0.6 flows and the v0.6 lessons, every request
 * real. The v0.6 host is our own service with `service.profile: "v0.6"` (wt-svc06) and our provider
 * sending SETs and the stale-auth-time flaw (wt-prov06): the describes that say "needs the v0.6
 * service" go green once those are merged. The takeover lesson on a v0.1 host runs today.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src-servers/host/host.js';
import type { HostConfigInput } from '../../src-servers/host/config.js';
import { SCENARIOS, type RunState } from '../../src-servers/agent/index.js';
import type { Exchange } from '../../src-servers/trace/types.js';
import { exchangesOf, newRun, startTestHost } from './helpers.js';

const said = (s: RunState) => s.narration.map((n) => n.text).join('\n');
const path = (e: Exchange) => new URL(e.url).pathname;
/** Until wt-svc06 lands, the config schema on this branch has no `profile` key. */
const V06 = { service: { profile: 'v0.6' } } as unknown as HostConfigInput;

describe('v0.6 flows against our v0.6 host (needs the v0.6 service of wt-svc06 and the provider of wt-prov06)', () => {
  let host: Host;
  beforeAll(async () => {
    host = await startTestHost(V06);
  });
  afterAll(() => host?.stop());

  it('anonymous: assertion → jwt-bearer token → read; claim: code shown, the person signs in at /login and confirms at /claim, the claim grant → write', async () => {
    const s = await newRun(host, { flow: 'anonymous' }).run();
    expect(s.outcome?.ok, said(s)).toBe(true);
    expect(s.profile).toBe('v0.6');
    const all = await exchangesOf(host, s, (xs) => xs.some((e) => e.step === 'call_api' && e.method === 'POST'));
    const by = (step: string) => all.filter((e) => e.step === step).map((e) => `${e.from} ${e.method} ${path(e)} ${e.status}`);
    expect(by('register')).toEqual(['Agent POST /agent/identity 200']);
    expect(by('exchange_assertion')).toEqual(['Agent POST /oauth2/token 200']);
    expect(by('try_key')).toEqual(['Agent GET /api/resource 200']);
    expect(by('start_claim')).toEqual(['Agent POST /agent/identity/claim 200']);
    expect(by('sign_in_service')).toEqual(expect.arrayContaining(['User POST /login 302', 'User GET /claim 200']));
    expect(by('enter_user_code')).toEqual(['User POST /agent/identity/claim/complete 200']);
    expect(by('poll_claim').at(-1)).toBe('Agent POST /oauth2/token 200');
    expect(by('call_api')).toEqual(['Agent GET /api/resource 200', 'Agent POST /api/resource 201']);
    // The code the agent showed is the one the person typed.
    const code = /code (\d{6})/.exec(said(s))![1];
    expect(all.find((e) => e.step === 'enter_user_code')!.requestBody).toContain(`user_code=${code}`);
  });

  it('service-auth: login_hint = your email, the same ceremony, then the API as you', async () => {
    const s = await newRun(host, { flow: 'service-auth', userEmail: 'alice@example.com' }).run();
    expect(s.outcome?.ok, said(s)).toBe(true);
    expect(s.decision?.method).toBe('service-auth');
    const all = await exchangesOf(host, s, (xs) => xs.some((e) => e.step === 'call_api'));
    const reg = all.find((e) => e.step === 'register' && e.from === 'Agent')!;
    expect(JSON.parse(reg.requestBody!)).toEqual({ type: 'service_auth', login_hint: 'alice@example.com' });
    expect(all.some((e) => e.step === 'exchange_assertion')).toBe(false);
    expect(said(s)).toMatch(/acting for alice@example\.com/);
  });

  it('id-jag: an ID-JAG with auth_time addressed to the issuer, consent naming the events_endpoint, a clean 200, token, API', async () => {
    const s = await newRun(host, { flow: 'id-jag', userEmail: 'bob@example.com' }).run();
    expect(s.outcome?.ok, said(s)).toBe(true);
    const all = await exchangesOf(host, s, (xs) => xs.some((e) => e.step === 'call_api'));
    const reg = all.find((e) => e.step === 'register' && e.from === 'Agent')!;
    expect(reg.status).toBe(200);
    const idJag = reg.jwts.find((j) => j.header.typ === 'oauth-id-jag+jwt')!;
    expect(idJag.claims.aud).toBe(host.urls.service);
    expect(typeof idJag.claims.auth_time).toBe('number');
    const consent = all.find((e) => e.step === 'request_consent')!;
    expect(JSON.parse(consent.requestBody!).events_uri).toBe(`${host.urls.service}/agent/event/notify`);
    expect(all.filter((e) => e.step === 'exchange_assertion').map((e) => e.status)).toEqual([200]);
  });

  it('revocation: the grant deletion pushes a SET (202), the API refuses, the agent discovers again and asks consent anew', async () => {
    const s = await newRun(host, { flow: 'revocation', userEmail: 'bob@example.com' }).run();
    expect(s.outcome?.ok, said(s)).toBe(true);
    const all = await exchangesOf(host, s, (xs) => xs.some((e) => e.step === 'request_consent-2'));
    expect(all.some((e) => e.from === 'Provider' && e.to === 'Service' && path(e) === '/agent/event/notify' && e.status === 202)).toBe(true);
    expect(all.find((e) => e.step === 'call_api-2')!.status).toBe(401);
    expect(s.steps.at(-1)).toMatchObject({ name: 'request_consent-2', status: 'done' });
  });

  it('verified-email against it stops at discovery and names service-auth', async () => {
    const s = await newRun(host, { flow: 'verified-email' }).run();
    expect(s.status).toBe('failed');
    expect(s.outcome?.summary).toMatch(/run the service-auth flow/);
  });
});

describe('v0.6 lessons against our v0.6 host (needs the v0.6 service of wt-svc06 and the provider of wt-prov06)', () => {
  let host: Host;
  beforeAll(async () => {
    host = await startTestHost(V06);
  });
  afterAll(() => host?.stop());

  const failedStep = (s: RunState) => s.steps.find((x) => x.status === 'failed');

  it('account takeover: the ID-JAG for an existing account answers 401 interaction_required, and only its holder\'s confirmation links it', async () => {
    const s = await newRun(host, { flow: 'id-jag', scenario: 'account-takeover' }).run();
    expect(s.outcome?.summary, said(s)).toMatch(/^Lesson complete/);
    expect(failedStep(s)).toMatchObject({ name: 'register', detail: expect.stringMatching(/^401 interaction_required/) });
    const all = await exchangesOf(host, s, (xs) => xs.some((e) => e.step === 'call_api'));
    // The account existed first (signed in at the service), and no token came before the holder typed the code.
    expect(all.some((e) => e.step === 'victim_account' && e.from === 'User' && path(e) === '/login' && e.method === 'POST')).toBe(true);
    expect(all.find((e) => e.step === 'register' && e.from === 'Agent')!.responseBody).not.toMatch(/identity_assertion"\s*:\s*"ey/);
    expect(s.steps.map((x) => x.name)).toEqual(expect.arrayContaining(['sign_in_service', 'enter_user_code', 'poll_claim', 'call_api']));
    expect(s.steps.some((x) => x.name === 'exchange_assertion' && x.status === 'done')).toBe(false);
  });

  it('stale auth_time: 401 login_required, a fresh sign-in at the provider, a fresh ID-JAG, success', async () => {
    const s = await newRun(host, { flow: 'id-jag', scenario: 'stale-auth-time', userEmail: 'bob@example.com' }).run();
    expect(s.outcome?.summary, said(s)).toMatch(/^Lesson complete/);
    expect(failedStep(s)).toMatchObject({ name: 'register', detail: expect.stringMatching(/^401 login_required/) });
    expect(s.steps.find((x) => x.name === 'connect_provider-2')?.status).toBe('done');
    expect(s.steps.find((x) => x.name === 'register-2')?.status).toBe('done');
  });

  it('wrong account at /claim: signed in as bob, the claim page answers 403; signed in again as alice, it works', async () => {
    const s = await newRun(host, { flow: 'anonymous', scenario: 'wrong-account' }).run();
    expect(s.outcome?.summary, said(s)).toMatch(/^Lesson complete/);
    expect(failedStep(s)).toMatchObject({ name: 'sign_in_service', detail: expect.stringMatching(/^403 wrong_account/) });
    const all = await exchangesOf(host, s, (xs) => xs.some((e) => e.step === 'call_api'));
    expect(all.some((e) => e.step === 'sign_in_service' && e.from === 'User' && path(e) === '/claim' && e.status === 403)).toBe(true);
    expect(all.some((e) => e.step === 'sign_in_service-2' && path(e) === '/logout')).toBe(true);
  });

  it('polling too early: authorization_pending before the person confirms, then polled again after', async () => {
    const s = await newRun(host, { flow: 'anonymous', scenario: 'polling-too-early' }).run();
    expect(s.outcome?.summary, said(s)).toMatch(/^Lesson complete/);
    expect(failedStep(s)).toMatchObject({ name: 'poll_claim', detail: expect.stringMatching(/^400 authorization_pending/) });
    const names = s.steps.map((x) => x.name);
    expect(names.indexOf('poll_claim')).toBeLessThan(names.indexOf('sign_in_service'));
    expect(s.steps.find((x) => x.name === 'poll_claim-2')?.status).toBe('done');
  });

  it('wrong code on the claim page: 401 and the form again; typed again, the claim grant answers', async () => {
    const s = await newRun(host, { flow: 'anonymous', scenario: 'wrong-user-code' }).run();
    expect(s.outcome?.summary, said(s)).toMatch(/^Lesson complete/);
    expect(failedStep(s)).toMatchObject({ name: 'enter_user_code', detail: expect.stringMatching(/^401 user_code_invalid/) });
    const all = await exchangesOf(host, s, (xs) => xs.some((e) => e.step === 'call_api'));
    const posts = all.filter((e) => /^enter_user_code/.test(e.step ?? '') && path(e) === '/agent/identity/claim/complete').map((e) => e.status);
    expect(posts).toEqual([401, 200]);
  });

  it('code locked: after userCodeMaxAttempts wrong codes 429 user_code_locked; a restarted claim gives a new code that works', async () => {
    const s = await newRun(host, { flow: 'anonymous', scenario: 'user-code-locked' }).run();
    expect(s.outcome?.summary, said(s)).toMatch(/^Lesson complete/);
    expect(failedStep(s)).toMatchObject({ name: 'enter_user_code', detail: expect.stringMatching(/^429 user_code_locked/) });
    expect(s.steps.find((x) => x.name === 'start_claim-2')?.status).toBe('done');
    const codes = [...said(s).matchAll(/type the code (\d{6})/g)].map((m) => m[1]);
    expect(new Set(codes).size, 'the restart showed a new code').toBeGreaterThan(1);
  });

  it('unverified user on v0.6: the provider refuses Carol, and the fallback is service auth (the service checks the address itself)', async () => {
    const s = await newRun(host, { flow: 'id-jag', scenario: 'unverified-user' }).run();
    expect(s.outcome?.summary, said(s)).toMatch(/^Lesson complete .*fall back to service auth/);
    expect(s.decision?.method).toBe('service-auth');
    expect(said(s)).toMatch(/acting for carol@example\.com/);
  });

  const NEW = new Set(['account-takeover', 'stale-auth-time', 'wrong-account', 'polling-too-early', 'wrong-user-code', 'user-code-locked', 'consent-denied']);
  it.each(SCENARIOS.filter((sc) => sc.profiles.includes('v0.6') && !NEW.has(sc.id)).map((sc) => [sc.id, sc]))(
    'the existing lesson %s also runs against v0.6',
    async (id, sc) => {
      const s = await newRun(host, { flow: sc.flow, scenario: id }).run();
      expect(s.profile).toBe('v0.6');
      expect(s.outcome?.summary, said(s)).toMatch(/^Lesson complete/);
    },
  );
});

describe('the takeover lesson against our v0.1 host (runs on this branch)', () => {
  let host: Host;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host?.stop());

  it('the attack succeeds silently: the agent holds a credential for the account the owner made by verified email', async () => {
    const s = await newRun(host, { flow: 'id-jag', scenario: 'account-takeover' }).run();
    expect(s.profile).toBe('v0.1');
    expect(s.outcome?.summary, said(s)).toMatch(/^Lesson complete — The ID-JAG for the account holder's email is linked to their existing account at once/);
    expect(s.steps.some((x) => x.status === 'failed')).toBe(false);
    const victim = s.steps.find((x) => x.name === 'victim_account')!;
    const account = /account (usr_\S+)/.exec(victim.detail ?? '')?.[1];
    expect(account, victim.detail).toBeTruthy();
    const all = await exchangesOf(host, s, (xs) => xs.some((e) => e.step === 'call_api'));
    // The owner proved the address by mail; the agent's ID-JAG registration got a credential at once, for that very account.
    expect(all.some((e) => e.step === 'victim_account' && e.from === 'User' && e.to === 'Inbox')).toBe(true);
    expect(all.find((e) => e.step === 'register' && e.from === 'Agent')!.status).toBe(200);
    const api = all.find((e) => e.step === 'call_api' && e.method === 'GET')!;
    expect(JSON.parse(api.responseBody!).user.id).toBe(account);
    expect(said(s)).toMatch(/The attack worked: my credential .* acts for account usr_/);
  });
});
