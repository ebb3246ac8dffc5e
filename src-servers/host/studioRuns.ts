import { AgentRun, type AgentFlowId, type RunState } from '../agent/index.js';
import type { KeyMoment } from '../protocol/run.js';
import type { StudioEvents, StudioRun, TraceEntry } from '../protocol/studio.js';
import type { Host } from './host.js';
import { hostPowers } from './lessonHost.js';
import type { HostService } from './services.js';

/** The studio's one current AgentRun (protocol/studio.ts, the runs endpoints): create, step, play at a pace, pause. */

export class StudioError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** Send one SSE event to every open stream, its data typed by the contract (protocol/studio.ts). */
export type StudioEmit = <K extends keyof StudioEvents>(event: K, data: StudioEvents[K]) => void;

export const TERMINAL = new Set<RunState['status']>(['succeeded', 'failed']);


const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves when the run emits a state matching `done` (or at once if it already does). */
function waitForState(run: AgentRun, done: (s: RunState) => boolean): { promise: Promise<void>; cancel(): void } {
  let cancel = () => {};
  const promise = new Promise<void>((resolve) => {
    if (done(run.state())) return resolve();
    const onState = (s: RunState) => done(s) && finish();
    const finish = () => { run.off('state', onState); resolve(); };
    cancel = finish;
    run.on('state', onState);
  });
  return { promise, cancel };
}

/** Owns the one current AgentRun: create, step, play/pause (with a pace), cancel. */
export class RunController {
  run: AgentRun | null = null;
  /** The service the current run talks to (one per profile: host.services). */
  service: HostService | null = null;
  playing = false;
  /** The key moment play stopped at (presenter pace), until play or Next step carries on. */
  held: KeyMoment | null = null;
  private busy = false;
  private playToken = 0;
  private rev = 0;
  /** How each run of this launch ended, by its trace (the run history reopens them read-only). */
  readonly endings = new Map<string, Pick<TraceEntry, 'outcome' | 'steps'>>();

  constructor(private host: Host, private emit: StudioEmit, private log: (l: string) => void) {}

  /** A run that ended keeps its trace as it was: later traffic goes "between runs", not into it. */
  private noteEnd(s: RunState, outcome: 'succeeded' | 'failed' | 'stopped') {
    if (this.endings.has(s.traceId)) return;
    this.endings.set(s.traceId, { outcome, steps: s.steps.map(({ name, title, status }) => ({ name, title, status })) });
    this.host.trace.endTrace(s.traceId);
  }

  snapshot(): StudioRun | null {
    if (!this.run || !this.service) return null;
    const service = { profile: this.service.profile, url: this.service.url };
    return { ...this.run.state(), playing: this.playing, rev: ++this.rev, service, ...(this.held ? { held: this.held } : {}) };
  }

  /** A new run of `flow` against `service` (the agent knows only its URL and discovers the profile). */
  create(flow: AgentFlowId, scenario: string | undefined, autopilot: boolean, service: HostService = this.host.services[0]): StudioRun {
    this.cancel();
    const { host } = this;
    const run = new AgentRun({
      flow, scenario, autopilot, trace: host.trace, powers: hostPowers(host, service),
      serviceUrl: service.url, providerUrl: host.urls.provider, mailboxUrl: host.urls.mailbox,
    });
    run.on('state', (s: RunState) => {
      if (this.run !== run) return;
      if (TERMINAL.has(s.status)) this.noteEnd(s, s.status as 'succeeded' | 'failed');
      this.emit('run', this.snapshot()!);
    });
    this.run = run;
    this.service = service;
    this.held = null;
    const snap = this.snapshot()!;
    this.emit('run', snap);
    return snap;
  }

  get(id: string): AgentRun {
    if (!this.run || this.run.id !== id) throw new StudioError(404, 'not_found', `No current run with id ${id}.`);
    return this.run;
  }

  /** One step. Answers once the step is done or the agent waits for the person (a step may wait long). */
  async next(run: AgentRun): Promise<StudioRun> {
    if (TERMINAL.has(run.state().status)) return this.snapshot()!;
    if (this.busy) throw new StudioError(409, 'busy', 'The agent is still working on the previous step.');
    this.held = null;
    this.busy = true;
    const stepping = run.step().catch((err) => this.log(`agent step failed: ${(err as Error).message}`))
      .finally(() => { this.busy = false; });
    const waiting = waitForState(run, (s) => s.status === 'waiting' && !s.autopilot);
    await Promise.race([stepping, waiting.promise]);
    waiting.cancel();
    return this.snapshot()!;
  }

  /**
   * Run to the end, one step at a time with `delayMs` between steps so a person can follow. With
   * `holdAtMoments` (the studio's presenter mode) play stops after a key moment (protocol/run.ts
   * KeyMoment), `held` names it, and playing again carries on.
   */
  play(run: AgentRun, delayMs: number, opts: { holdAtMoments?: boolean } = {}): StudioRun {
    const token = ++this.playToken;
    this.playing = true;
    this.held = null;
    const live = () => token === this.playToken && this.run === run;
    // Moments before this press of Play were seen already (a hold is released by playing on).
    let seen = run.state().moments?.length ?? 0;
    const newMoment = (): KeyMoment | undefined => {
      const s = run.state();
      const moments = s.moments ?? [];
      const fresh = moments.length > seen ? moments[moments.length - 1] : undefined;
      seen = moments.length;
      return opts.holdAtMoments && !TERMINAL.has(s.status) ? fresh : undefined;
    };
    void (async () => {
      while (live() && !TERMINAL.has(run.state().status)) {
        const s = run.state();
        if (s.status === 'waiting' && !s.autopilot) {
          // The person has to act (consent, OTP); carry on as soon as they have.
          const w = waitForState(run, (st) => st.status !== 'waiting' || st.autopilot || !live());
          const stop = setInterval(() => !live() && w.cancel(), 250);
          await w.promise;
          clearInterval(stop);
        } else {
          if (this.busy) { await delay(50); continue; }
          this.busy = true;
          try { await run.step(); } catch (err) { this.log(`agent step failed: ${(err as Error).message}`); break; }
          finally { this.busy = false; }
        }
        const moment = live() ? newMoment() : undefined;
        if (moment) {
          this.held = moment;
          break;
        }
        if (s.status !== 'waiting' && !TERMINAL.has(run.state().status)) await delay(delayMs);
      }
      if (token === this.playToken) this.setPlaying(false);
    })();
    this.emit('run', this.snapshot()!);
    return this.snapshot()!;
  }

  pause(): StudioRun | null {
    this.playToken++;
    this.held = null;
    this.setPlaying(false);
    return this.snapshot();
  }

  private setPlaying(on: boolean) {
    if (this.playing === on) return;
    this.playing = on;
    if (this.run) this.emit('run', this.snapshot()!);
  }

  cancel() {
    const s = this.run?.state();
    if (s && s.status !== 'ready' && !TERMINAL.has(s.status)) this.endings.set(s.traceId, { outcome: 'stopped', steps: s.steps.map(({ name, title, status }) => ({ name, title, status })) });
    this.playToken++;
    this.playing = false;
    this.run?.cancel();
    this.run?.removeAllListeners('state');
    this.run = null;
    this.busy = false;
  }

  /** The current run's status while it is not finished ("ready", "waiting", …), else undefined. */
  goingAs(): string | undefined {
    const s = this.run?.state();
    return s && !TERMINAL.has(s.status) ? s.status : undefined;
  }

  /** The name of the step the person's own actions belong to (recorded on their requests). */
  currentStepName(): string | undefined {
    const s = this.run?.state();
    return s?.steps[s.current]?.name;
  }
}
