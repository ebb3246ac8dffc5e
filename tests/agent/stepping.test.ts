import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src-servers/host/host.js';
import { FLOWS } from '../../src-servers/agent/index.js';
import { createTraceRecorder, traceMigrations } from '../../src-servers/trace/index.js';
import { openDatabase } from '../../src-servers/db/sqlite.js';
import { AgentRun } from '../../src-servers/agent/index.js';
import { newRun, startTestHost, untilState } from './helpers.js';
import type { RunState } from '../../src-servers/agent/types.js';

/** Step mode, and a person (this test) acting in the real pages while the agent waits. */

let host: Host;
beforeAll(async () => {
  host = await startTestHost();
});
afterAll(() => host?.stop());

/** What a browser does: plain HTTP to the real pages, marked as a browser (Fetch Metadata). */
const browser = (url: string, init: RequestInit = {}) =>
  fetch(url, { ...init, headers: { 'sec-fetch-mode': 'navigate', ...(init.headers as Record<string, string>) } });

describe('step mode', () => {
  it('step() performs exactly one step at a time, in the planned order, and pauses in between', async () => {
    const run = newRun(host, { flow: 'anonymous' });
    expect(run.state().status).toBe('ready');
    const planned = FLOWS.find((f) => f.id === 'anonymous')!.steps.map((s) => s.name);
    for (let i = 0; i < planned.length; i++) {
      const s = await run.step();
      expect(s.steps.filter((x) => x.status === 'done').map((x) => x.name)).toEqual(planned.slice(0, i + 1));
      expect(s.status).toBe(i === planned.length - 1 ? 'succeeded' : 'paused');
    }
    const after = await run.step();
    expect(after.status).toBe('succeeded');
  });
});

describe('step mode never answers for the person', () => {
  it('Next step while the agent asks "may I use your email?" keeps waiting; only the answer moves it on', async () => {
    const run = newRun(host, { flow: 'verified-email', autopilot: false });
    let s = run.state();
    for (let i = 0; i < 20 && s.status !== 'waiting'; i++) s = await run.step();
    expect(s.waitingFor).toMatchObject({ kind: 'approve_consent' });
    expect(s.waitingFor?.url).toBeUndefined();
    const asked = s.current;
    // Pressing Next step (twice) is not a yes.
    s = await run.step();
    s = await run.step();
    expect(s.status).toBe('waiting');
    expect(s.current).toBe(asked);
    expect(s.steps[asked].status).toBe('waiting');
    expect(s.narration.some((n) => /You said yes/.test(n.text))).toBe(false);
    // The person's answer is.
    s = await run.actAsUser('once');
    expect(s.steps[asked].status).toBe('done');
    expect(s.narration.some((n) => /You said yes/.test(n.text))).toBe(true);
    run.cancel();
  });
});

/** The run's next state that satisfies `done`, or a clear failure after a few seconds (never a hang). */
function soon(run: AgentRun, what: string, done: (s: RunState) => boolean): Promise<RunState> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still not ${what}: ${JSON.stringify({ status: run.state().status, waitingFor: run.state().waitingFor?.kind })}`)), 8_000);
  });
  return Promise.race([untilState(run, done), late]).finally(() => clearTimeout(timer));
}

describe("step mode: the person's turn is theirs (issue 16, one model for step and play)", () => {
  it('their turn starts as soon as their step comes up, and each thing they do completes their step at once', async () => {
    const run = newRun(host, { flow: 'anonymous', autopilot: false });
    let s = run.state();
    for (let i = 0; i < 20 && s.steps[s.current]?.name !== 'open_mail'; i++) s = await run.step();
    // No extra "Next step" to be asked: the agent is waiting for the person already.
    expect(s.status).toBe('waiting');
    expect(s.waitingFor?.kind).toBe('open_mail');

    // Each action of the person moves their turn on by itself; nobody presses Next step.
    await browser(`${host.urls.mailbox}/messages`);
    s = await soon(run, 'waiting for the link', (x) => x.status === 'waiting' && x.waitingFor?.kind === 'open_link');
    expect(s.status).toBe('waiting');
    expect(s.steps.find((x) => x.name === 'open_mail')?.status).toBe('done');
    let mail: { text: string; to: unknown } | undefined;
    for (let i = 0; !mail && i < 50; i++) {
      const list = (await (await browser(`${host.urls.mailbox}/messages`)).json()) as { text: string; to: unknown }[];
      mail = list.find((m) => /token=/.test(m.text));
      if (!mail) await new Promise((r) => setTimeout(r, 50));
    }
    const link = /https?:\/\/\S+token=\S+/.exec(mail!.text)![0];
    await browser(link);
    s = await soon(run, 'waiting for the code to be revealed', (x) => x.status === 'waiting' && x.waitingFor?.kind === 'reveal_code');
    const token = new URL(link).searchParams.get('token');
    const reveal = await browser(new URL('/agent/auth/claim/attempt/challenge', link).toString(), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ claim_attempt_token: token }),
    });
    const { challenge: code } = (await reveal.json()) as { challenge: string };
    s = await soon(run, 'waiting for the code', (x) => x.status === 'waiting' && x.waitingFor?.kind === 'enter_otp');
    expect(s.status).toBe('waiting');
    for (const name of ['open_mail', 'open_link', 'reveal_code']) expect(s.steps.find((x) => x.name === name)?.status, name).toBe('done');

    // Telling the code is the person's last step; the agent's own next step then waits for Next step.
    run.provideOtp(code);
    s = await soon(run, 'paused after the code', (x) => x.status === 'paused');
    expect(s.steps.find((x) => x.name === 'enter_otp')?.status).toBe('done');
    expect(s.steps.find((x) => x.name === 'complete_claim')?.status).toBe('pending');
    s = await run.step();
    expect(s.steps.find((x) => x.name === 'complete_claim')?.status).toBe('done');
    run.cancel();
  });
});

describe('without autopilot: the person acts in the real pages', () => {
  it('under run(): waits for the code; the person opens the mail, the link, reveals the code; provideOtp completes it', async () => {
    const run = newRun(host, { flow: 'anonymous', autopilot: false });
    let s = await run.run();
    expect(s.status).toBe('waiting');
    expect(s.waitingFor).toMatchObject({ kind: 'open_mail', url: `${host.urls.mailbox}/messages` });
    expect(s.steps.find((x) => x.name === 'complete_claim')?.status).toBe('pending');

    // The person: open the inbox and the newest mail, follow its link, press "reveal code".
    let mail: { id: string; text: string } | undefined;
    for (let i = 0; !mail && i < 50; i++) {
      const list = (await (await browser(`${host.urls.mailbox}/messages`)).json()) as { id: string; text: string; to: unknown }[];
      mail = list.find((m) => JSON.stringify(m.to).includes('alice@example.com') && /token=/.test(m.text));
      if (!mail) await new Promise((r) => setTimeout(r, 50));
    }
    const link = /https?:\/\/\S+token=\S+/.exec(mail!.text)![0];
    expect((await browser(link)).status).toBe(200);
    const token = new URL(link).searchParams.get('token');
    const challenge = new URL('/agent/auth/claim/attempt/challenge', link).toString();
    const reveal = await browser(challenge, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ claim_attempt_token: token }) });
    const { challenge: code } = (await reveal.json()) as { challenge: string };
    expect(code).toMatch(/^\d{6}$/);

    // The agent saw the person's requests in the trace (their steps are done), but it cannot
    // finish without the code: it is still waiting, now for the code itself.
    s = await untilState(run, (x) => x.status === 'waiting' && x.waitingFor?.kind === 'enter_otp');
    s = await run.run();
    expect(s.status).toBe('waiting');
    expect(s.waitingFor?.kind).toBe('enter_otp');
    for (const name of ['open_mail', 'open_link', 'reveal_code']) expect(s.steps.find((x) => x.name === name)?.status, name).toBe('done');
    expect(s.steps.find((x) => x.name === 'complete_claim')?.status).toBe('pending');

    run.provideOtp(code);
    s = await run.run();
    expect(s.status).toBe('succeeded');
    expect(s.steps.find((x) => x.name === 'enter_otp')?.status).toBe('done');
    expect(s.steps.find((x) => x.name === 'complete_claim')?.status).toBe('done');
  });

  it('consent, in step mode: the agent waits on the provider page, the person approves there, the agent notices and pauses', async () => {
    const run = newRun(host, { flow: 'id-jag', autopilot: false });
    let s = run.state();
    while (s.status !== 'waiting' && s.status !== 'failed') s = await run.step();
    expect(s.waitingFor?.kind).toBe('approve_consent');
    const consentUrl = s.waitingFor!.url!;
    expect(consentUrl.startsWith(`${host.urls.provider}/consent?`)).toBe(true);
    expect(s.steps.find((x) => x.name === 'get_id_jag')?.status).toBe('pending');

    // The person presses "Always allow" on the real page (a plain HTML form).
    const page = await (await browser(consentUrl)).text();
    const action = /<form method="post" action="([^"]+\/approve)"/.exec(page)![1].replace(/&amp;/g, '&');
    // The form's own anti-forgery field (provider/consentForm.ts), as the browser submits it.
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page)![1];
    const noticed = untilState(run, (x) => x.status === 'paused');
    const answer = await browser(new URL(action, consentUrl).toString(), {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf_token=${encodeURIComponent(csrf)}&mode=always`,
    });
    expect(answer.status).toBe(200);
    s = await noticed;
    expect(s.steps.find((x) => x.name === 'approve_consent')?.status).toBe('done');
    expect(s.steps.find((x) => x.name === 'get_id_jag')?.status).toBe('pending');
    s = await run.step();
    expect(s.steps.find((x) => x.name === 'get_id_jag')?.status).toBe('done');
    s = await run.run();
    expect(s.status).toBe('succeeded');
  });

  it('verified email: the agent asks "may I use your email?" with no page; your answer (not "continue") is the yes', async () => {
    const run = newRun(host, { flow: 'verified-email', autopilot: false });
    let s = await run.run();
    expect(s.waitingFor).toMatchObject({ kind: 'approve_consent' });
    expect(s.waitingFor?.url).toBeUndefined();
    expect(s.waitingFor?.prompt).toMatch(/alice@example\.com/);
    s = await run.step();
    expect(s.steps.find((x) => x.name === 'approve_consent')?.status).toBe('waiting');
    s = await run.actAsUser('once');
    expect(s.steps.find((x) => x.name === 'approve_consent')?.status).toBe('done');
    // Then the claim ceremony waits for the person; autopilot can take over at any time.
    s = await run.run();
    expect(s.waitingFor?.kind).toBe('open_mail');
    run.setAutopilot(true);
    s = await untilState(run, (x) => x.status !== 'waiting');
    s = await run.run();
    expect(s.status).toBe('succeeded');
    expect(s.outcome?.summary).toMatch(/verified-email/);
  });
});

describe('given only URLs', () => {
  it('discovers everything from the API URL of a service on a non-default port, without host powers', async () => {
    const trace = createTraceRecorder({ db: openDatabase(':memory:', traceMigrations) });
    expect(new URL(host.urls.service).port).not.toBe('8000');
    for (const flow of ['anonymous', 'id-jag', 'verified-email'] as const) {
      const run = new AgentRun({
        flow, autopilot: true, trace,
        serviceUrl: host.urls.service, providerUrl: host.urls.provider, mailboxUrl: host.urls.mailbox,
      });
      const s = await run.run();
      expect(s.outcome?.ok, `${flow}: ${s.outcome?.summary}`).toBe(true);
    }
    await trace.idle();
    // Every URL the agent used at the service was the API itself or one the metadata named.
    const meta = (await (await fetch(`${host.urls.service}/.well-known/oauth-authorization-server`)).json()) as { agent_auth: Record<string, string> };
    const prmUrl = `${host.urls.service}/.well-known/oauth-protected-resource`;
    const named = [`${host.urls.service}/api/resource`, prmUrl, `${host.urls.service}/.well-known/oauth-authorization-server`,
      meta.agent_auth.skill, meta.agent_auth.register_uri, meta.agent_auth.claim_uri, `${meta.agent_auth.claim_uri}/complete`];
    const used = trace.listTraces().flatMap((t) => trace.exchanges(t.id)).filter((e) => e.from === 'Agent' && e.url.startsWith(host.urls.service));
    expect(used.length).toBeGreaterThan(10);
    for (const e of used) expect(named, e.url).toContain(e.url.split('?')[0]);
  });
});
