import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Exchange } from '../trace/types.js';
import { AgentStop, sleep, type Knowledge, type StepCtx, type StepResult, type UserStepDef } from './context.js';
import { flowPlan } from './flows.js';
import { StepPlan } from './plan.js';
import { request } from './http.js';
import type { LessonHost } from './powers.js';
import { observe } from './observe.js';
import { Lesson } from './outcome.js';
import { KeyMoments } from './moments.js';
import { scenarioDef, type ScenarioDef } from './scenarios.js';
import { fitProfile } from './profileFit.js';
import { agentStep, USER_STEP_DEFS } from './steps/index.js';
import type { ProfileId } from '../protocol/profiles.js';
import type { AgentRunOptions, RunState, StepState, UserActionKind } from './types.js';
import { SimulatedUser, UserActionError, type ConsentChoice } from './user.js';

/** A person's step the run is waiting on. */
interface Wait {
  index: number;
  def: UserStepDef;
  satisfied: boolean;
  /** The drive call that created it (a later call re-checks it; the same call does not). */
  drive: number;
  timer?: NodeJS.Timeout;
}

const TERMINAL = new Set<RunState['status']>(['succeeded', 'failed']);
const CEREMONY_KINDS: UserActionKind[] = ['open_mail', 'open_link', 'reveal_code', 'enter_otp'];
/** Without autopilot, how often the agent asks the provider for your consent answer anyway. */
const CONSENT_POLL_MS = 5_000;

/**
 * The simulated agent: a step machine over a plan of steps (flows.ts). Each step is an agent
 * action (steps/*.ts) or the person's (autopilot performs those as the User; otherwise the run
 * waits). Operations are serialised: one step, check or user action at a time.
 */
export class AgentRun extends EventEmitter {
  readonly id = `run_${randomUUID().slice(0, 8)}`;
  #s: RunState;
  #plan: StepPlan;
  #k: Knowledge;
  #scenario?: ScenarioDef;
  #opts: AgentRunOptions;
  #user: SimulatedUser;
  #agentFetch: typeof fetch;
  #abort = new AbortController();
  #wait?: Wait;
  #queue: Promise<unknown> = Promise.resolve();
  #drives = 0;
  /** How the caller drives the run: run() carries on after the person acts, step() pauses. */
  #mode: 'play' | 'step' = 'step';
  #observed = new Set<UserActionKind>();
  #lesson: Lesson;
  #moments = new KeyMoments();
  /** A lesson's private host, when its service had to be configured for it (stopped at the end). */
  #lessonHost?: LessonHost;
  #prepared = false;
  #onExchange = (e: Exchange) => this.#observeExchange(e);

  constructor(opts: AgentRunOptions) {
    super();
    this.#opts = opts;
    this.#scenario = scenarioDef(opts.scenario);
    this.#lesson = new Lesson(this.#scenario);
    if (opts.scenario && !this.#scenario) throw new Error(`Unknown scenario "${opts.scenario}".`);
    if (this.#scenario && this.#scenario.flow !== opts.flow)
      throw new Error(`Scenario "${opts.scenario}" belongs to the ${this.#scenario.flow} flow, not ${opts.flow}.`);
    const userEmail = opts.userEmail ?? this.#scenario?.userEmail ?? 'alice@example.com';
    // The only given: the API the user pointed the agent at.
    this.#k = {
      resourceUrl: `${opts.serviceUrl.replace(/\/$/, '')}/api/resource`,
      providerUrl: opts.providerUrl.replace(/\/$/, ''),
      mailboxUrl: opts.mailboxUrl?.replace(/\/$/, ''),
      userEmail, excluded: {}, faults: new Set(),
      // What the agent holds decides the flow (AUTH.md's tree): a provider session is added by
      // connect_provider; in the verified-email and service-auth flows you have told the agent your email.
      wallet: opts.flow === 'verified-email' || opts.flow === 'service-auth' ? { email: userEmail } : {},
    };
    const title = this.#scenario ? `Scenario: ${this.#scenario.title}` : `Flow: ${opts.flow}`;
    const traceId = opts.trace.beginTrace({ title, flow: opts.flow, scenario: opts.scenario });
    const getStep = () => this.#stepName();
    this.#agentFetch = opts.trace.fetchAs('Agent', { getStep });
    this.#user = this.#makeUser(opts.trace.fetchAs('User', { getStep }));
    this.#plan = new StepPlan(flowPlan(opts.flow));
    this.#s = {
      id: this.id, traceId, flow: opts.flow, scenario: opts.scenario, autopilot: opts.autopilot,
      status: 'ready', steps: [], current: 0, narration: [],
    };
    opts.trace.on('exchange', this.#onExchange);
  }

  state(): RunState {
    return structuredClone({ ...this.#s, steps: this.#plan.steps, moments: this.#moments.list });
  }

  /** Run until the end, or until the person has to act (status "waiting"). */
  run(): Promise<RunState> {
    return this.#serial(() => this.#drive('play'));
  }

  /** Exactly one step (or, while waiting, one check of whether the person has acted). */
  step(): Promise<RunState> {
    return this.#serial(() => this.#drive('step'));
  }

  setAutopilot(on: boolean): void {
    this.#s.autopilot = on;
    this.#emit();
    if (on && this.#wait)
      void this.#serial(async () => {
        await this.#actNow();
        await this.#afterPerson();
      });
  }

  /** The person reads the code back to the agent: the ceremony's waiting steps are done. */
  provideOtp(otp: string): void {
    this.#k.otp = otp.trim();
    this.#say('You told me the code.');
    void this.#serial(async () => {
      const w = this.#wait;
      if (!w || !CEREMONY_KINDS.includes(this.#plan.keys[w.index] as UserActionKind)) return this.#emit();
      // Everything up to "enter_otp" is done by you, whether or not I saw it.
      const end = this.#plan.keys.indexOf('enter_otp', w.index);
      for (let i = w.index; i < end; i++) this.#mark(i, 'done', 'done by you');
      this.#clearWait();
      this.#s.current = end;
      await this.#completeStep(end, { status: 'done', detail: 'you told me the code' });
      await this.#afterPerson();
    });
  }

  /** Do the awaited user action as the person, the way autopilot would (CLI "do it for me", y/n). */
  actAsUser(choice?: ConsentChoice): Promise<RunState> {
    return this.#serial(async () => {
      await this.#actNow(choice);
      await this.#afterPerson();
    });
  }

  cancel(): void {
    if (TERMINAL.has(this.#s.status)) return;
    this.#abort.abort();
    void this.#finish(new AgentStop(false, 'Cancelled.'));
  }

  // ——— driving ———

  #serial(op: () => Promise<void>): Promise<RunState> {
    const next = this.#queue.then(op).catch((err) => this.#crash(err));
    this.#queue = next;
    return next.then(() => this.state());
  }

  async #drive(mode: 'play' | 'step') {
    if (TERMINAL.has(this.#s.status)) return;
    this.#mode = mode;
    const drive = ++this.#drives;
    await this.#prepare();
    while (!TERMINAL.has(this.#s.status)) {
      const w = this.#wait;
      if (w) {
        if (!w.satisfied && w.drive !== drive) await this.#recheck(w);
        if (this.#wait !== w) {
          if (mode === 'step') return await this.#pauseIfLive();
          continue;
        }
        if (!w.satisfied) return this.#setStatus('waiting');
        await this.#finishWait(w);
        if (mode === 'step') return await this.#pauseIfLive();
        continue;
      }
      if (this.#s.current >= this.#plan.steps.length) return this.#finish();
      await this.#runStep(drive);
      if (mode === 'step' && !this.#wait) return await this.#pauseIfLive();
      if (mode === 'step' && this.#wait && !this.#wait.satisfied) return this.#setStatus('waiting');
    }
  }

  async #runStep(drive: number) {
    const i = this.#s.current;
    const key = this.#plan.keys[i];
    this.#mark(i, 'active');
    this.#setStatus('running');
    const ctx = this.#ctx(i);
    try {
      const userDef = USER_STEP_DEFS[key];
      if (userDef && this.#s.autopilot) {
        this.#say(await userDef.perform(ctx));
        return await this.#completeStep(i, await userDef.after?.(ctx));
      }
      if (userDef) return this.#startWait(i, userDef, drive);
      await this.#completeStep(i, await agentStep(key, this.#k.profile)!(ctx));
    } catch (err) {
      await this.#stepFailed(i, err);
    }
  }

  #startWait(index: number, def: UserStepDef, drive: number) {
    const key = this.#plan.keys[index] as UserActionKind;
    const ctx = this.#ctx(index);
    // Already done: the code told (v0.1), or the claim grant already answered that you confirmed (v0.6).
    const done = (key === 'enter_otp' && Boolean(this.#k.otp)) || (key === 'enter_user_code' && Boolean(this.#k.claim?.granted));
    const w: Wait = { index, def, drive, satisfied: this.#observed.has(key) || done };
    this.#wait = w;
    this.#s.waitingFor = def.action(ctx);
    this.#mark(index, 'waiting');
    this.#say(`Waiting for you: ${this.#s.waitingFor.prompt}${this.#s.waitingFor.url ? ` (${this.#s.waitingFor.url})` : ''}`);
    // The person answers on the provider's page: ask the provider now and then (their browser may be elsewhere).
    if (def.check && key === 'approve_consent' && this.#s.waitingFor.url) {
      w.timer = setInterval(() => void this.#serial(() => this.#recheck(w, true)), CONSENT_POLL_MS);
      w.timer.unref();
    }
  }

  /**
   * Has the person acted? Ask (poll). Never answer for them: "continue" (Next step, Play) is not a
   * yes — only the person's own answer is (their click, the CLI's prompt, or autopilot playing them).
   */
  async #recheck(w: Wait, background = false) {
    if (this.#wait !== w || w.satisfied) return;
    const ctx = this.#ctx(w.index);
    try {
      if (w.def.check && (await w.def.check(ctx))) w.satisfied = true;
    } catch (err) {
      return this.#stepFailed(w.index, err);
    }
    if (w.satisfied && background) {
      await this.#finishWait(w);
      await this.#afterPerson();
    }
  }

  async #actNow(choice?: ConsentChoice) {
    const w = this.#wait;
    if (!w) return;
    const ctx = this.#ctx(w.index);
    try {
      this.#say(await w.def.perform(ctx, choice));
      w.satisfied = true;
      await this.#finishWait(w);
    } catch (err) {
      await this.#stepFailed(w.index, err);
    }
  }

  async #finishWait(w: Wait) {
    this.#clearWait();
    this.#s.current = w.index;
    this.#setStatus('running');
    try {
      await this.#completeStep(w.index, await w.def.after?.(this.#ctx(w.index)));
    } catch (err) {
      await this.#stepFailed(w.index, err);
    }
  }

  #clearWait() {
    if (this.#wait?.timer) clearInterval(this.#wait.timer);
    this.#wait = undefined;
    this.#s.waitingFor = undefined;
  }

  async #completeStep(i: number, result: StepResult) {
    this.#moments.credential(i, this.#k.credential, this.#lesson.remedied);
    this.#mark(i, result?.status ?? 'done', result?.detail);
    this.#s.current = i + 1;
    this.#emit();
  }

  async #stepFailed(i: number, err: unknown) {
    if (err instanceof AgentStop) {
      this.#mark(i, err.ok ? 'done' : 'failed', err.summary);
      return this.#finish(err);
    }
    const why = err instanceof UserActionError ? `I could not do this as you: ${err.message}` : `${(err as Error).message ?? err}`;
    this.#mark(i, 'failed', why);
    return this.#finish(new AgentStop(false, why));
  }

  #crash(err: unknown) {
    if (TERMINAL.has(this.#s.status)) return;
    this.#s.status = 'failed';
    this.#s.outcome = { ok: false, summary: `The agent hit an unexpected error: ${(err as Error).message ?? err}` };
    this.#cleanup();
    this.#emit();
  }

  async #finish(stop?: AgentStop) {
    if (TERMINAL.has(this.#s.status)) return;
    this.#clearWait();
    this.#s.outcome = this.#lesson.outcome(stop);
    this.#s.status = this.#s.outcome.ok ? 'succeeded' : 'failed';
    this.#plan.skipPendingFrom(this.#s.current);
    this.#say(this.#s.outcome.summary);
    await this.#cleanup();
  }

  async #cleanup() {
    this.#opts.trace.off('exchange', this.#onExchange);
    const h = this.#lessonHost;
    this.#lessonHost = undefined;
    this.#emit();
    if (h) await h.stop().catch(() => {});
  }

  /** The person acted (or the agent heard their answer): carry on under run(), pause under step(). */
  async #afterPerson() {
    if (this.#mode === 'play') return this.#drive('play');
    await this.#pauseIfLive();
  }

  /**
   * Between steps: done when the plan is used up, else paused — or, when the next step is the
   * person's, their turn starts now, in step mode as in play mode (issue 16: one model of the
   * person's turn). "Next step" moves the agent, never the person: their step is theirs from the
   * moment it comes up, and what they already did (opened the mail before the agent asked) counts.
   */
  async #pauseIfLive() {
    for (;;) {
      if (TERMINAL.has(this.#s.status)) return;
      if (!this.#wait && this.#s.current >= this.#plan.steps.length) return this.#finish();
      const userDef = USER_STEP_DEFS[this.#plan.keys[this.#s.current]];
      if (this.#wait || this.#s.autopilot || !userDef) break;
      this.#startWait(this.#s.current, userDef, this.#drives);
      const w = this.#wait as Wait | undefined;
      if (!w?.satisfied) break;
      await this.#finishWait(w);
    }
    this.#setStatus(this.#wait && !this.#wait.satisfied ? 'waiting' : 'paused');
  }

  #setStatus(status: RunState['status']) {
    this.#s.status = status;
    this.#emit();
  }

  // ——— the plan ———

  #stepName(): string | undefined {
    return this.#plan.steps[this.#s.current]?.name;
  }

  #mark(i: number, status: StepState['status'], detail?: string) {
    this.#plan.mark(i, status, detail);
    this.#emit();
  }

  #say(text: string) {
    this.#s.narration.push({ at: new Date().toISOString(), text });
    this.#emit();
  }

  #emit() {
    this.emit('state', this.state());
  }

  #ctx(i: number): StepCtx {
    let insertAt = i + 1;
    return {
      k: this.#k, key: this.#plan.keys[i], stepName: this.#plan.steps[i]?.name, flow: this.#s.flow, runId: this.id,
      scenario: this.#scenario, autopilot: this.#s.autopilot, user: this.#user,
      serviceConfig: this.#lessonHost?.serviceConfig ?? this.#opts.powers?.serviceConfig, signal: this.#abort.signal,
      agent: (method, url, opts) => request(this.#agentFetch, method, url, { ...opts, signal: this.#abort.signal }),
      say: (t) => this.#say(t),
      decided: (method, why) => {
        this.#s.decision = { method, why };
        this.#emit();
      },
      plan: (keys) => {
        insertAt = this.#plan.replaceAfter(i, keys);
        this.#emit();
      },
      insert: (keys) => {
        insertAt = this.#plan.insertAt(insertAt, keys);
        this.#emit();
      },
      reachGoal: (summary) => {
        this.#lesson.goal = summary;
        this.#moments.goal(i, this.#lesson.remedied);
      },
      sawExpected: (code) => {
        this.#lesson.sawExpected(code);
        if (this.#lesson.seen) this.#moments.failure(i, code);
      },
      appliedRemedy: () => this.#lesson.appliedRemedy(),
      countRemedy: (code) => this.#lesson.countRemedy(code),
      rearm: (kinds) => kinds.forEach((kind) => this.#observed.delete(kind)),
      sleep: (ms) => sleep(ms, this.#abort.signal),
      fastForward: this.#lessonHost?.fastForward,
      detail: (text) => this.#mark(i, this.#plan.steps[i].status, text),
      spoke: (profile) => this.#spoke(profile),
    };
  }

  /**
   * Discovery told which profile the service speaks (DESIGN.md rule 8): record it for the studio,
   * tell the steps to come in its words, and settle what the lesson expects there. Answers why this
   * flow or lesson cannot run against it.
   */
  #spoke(profile: ProfileId): string | undefined {
    this.#k.profile = profile;
    this.#s.profile = profile;
    this.#plan.setProfile(profile);
    this.#emit();
    const fit = fitProfile(this.#s.flow, this.#scenario, profile);
    if ('reason' in fit) return this.#scenario ? (this.#lesson.inapplicable = fit.reason) : fit.reason;
    if (fit.scenario) this.#lesson.retarget((this.#scenario = fit.scenario));
    return undefined;
  }

  // ——— the person, and what the trace shows of them ———

  #makeUser(fetchAsUser: typeof fetch) {
    return new SimulatedUser(fetchAsUser, this.#k.userEmail, { provider: this.#k.providerUrl, mailbox: this.#k.mailboxUrl }, this.#abort.signal);
  }

  #observeExchange(e: Exchange) {
    if (e.traceId && e.traceId !== this.#s.traceId) return;
    const seen = observe(e);
    if (!seen) return;
    const w = this.#wait;
    if (seen === 'provider_activity') {
      if (w && this.#plan.keys[w.index] === 'approve_consent') void this.#serial(() => this.#recheck(w, true));
      return;
    }
    this.#observed.add(seen);
    if (w && !w.satisfied && this.#plan.keys[w.index] === seen) {
      w.satisfied = true;
      void this.#serial(async () => {
        if (this.#wait !== w) return;
        await this.#finishWait(w);
        await this.#afterPerson();
      });
    }
  }

  /**
   * A lesson that needs a specially configured service, beside a service that is not (or one known
   * only by its URL, which cannot be reconfigured), runs on a private host the host's powers start.
   */
  async #prepare() {
    if (this.#prepared || !this.#scenario) return;
    this.#prepared = true;
    const sc = this.#scenario;
    const given = this.#opts.powers?.serviceConfig;
    if (!sc.serviceConfig || !sc.serviceFits || (given && sc.serviceFits(given))) return;
    // The private host speaks the profile of the service it stands in for (DESIGN.md rule 8).
    const profile = (given as { profile?: ProfileId } | undefined)?.profile;
    const config = profile && profile !== 'v0.1' ? ({ ...sc.serviceConfig, profile } as typeof sc.serviceConfig) : sc.serviceConfig;
    const needs = JSON.stringify(sc.serviceConfig);
    if (!this.#opts.powers) {
      return this.#finish(new AgentStop(false,
        `This lesson needs a service configured with ${needs}; a service I only know by its URL cannot be reconfigured, and no host offered me a private one.`));
    }
    const lesson = await this.#opts.powers.startLessonHost({ service: config, clock: Boolean(sc.needsClock), trace: this.#opts.trace });
    this.#lessonHost = lesson;
    this.#say(
      `This lesson needs a service configured with ${needs}` +
        `${given ? '' : ' (a service I only know by its URL cannot be reconfigured)'}, so I started a private one at ${lesson.urls.service}` +
        `${lesson.mailToGivenInbox ? ' (its mail still comes to your inbox)' : ''}.`,
    );
    this.#k.resourceUrl = `${lesson.urls.service}/api/resource`;
    this.#k.providerUrl = lesson.urls.provider;
    this.#k.mailboxUrl = lesson.mailboxUrl;
    this.#user = this.#makeUser(this.#opts.trace.fetchAs('User', { getStep: () => this.#stepName() }));
  }
}
