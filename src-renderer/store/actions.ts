import { api } from '../api';
import { SPEED_DELAY_MS, type ConsentChoice, type Exchange, type FlowId, type Speed, type StudioRun, type TraceEntry } from '../types';
import { followAutopilot, noAutopilotView } from './autopilotView';
import { equivalentFlow, pickedProfile, scenarioProfiles, type ProfileId } from './profile';
import { rememberProfile } from './profileMemory';
import { presenterScreen } from './presenterScreen';
import { withArrivals } from './mailArrivals';
import { guarded, toast } from './feedback';
import { get, initialState, isTerminal, mergeExchanges, set } from './studio';

/** What the person can do, as plain functions over the store. Each failure becomes a toast, never a crash. */

export async function loadInfo() {
  const info = await guarded(() => api.info());
  if (info) set({ info });
}

/** Show the exchanges of `traceId` (fetching what was recorded before we listened). */
export async function showTrace(traceId: string | null) {
  if (get().traceId !== traceId) set({ traceId, exchanges: [], selectedExchangeId: null });
  if (!traceId) return;
  const list = await guarded(() => api.exchanges(traceId));
  if (list && get().traceId === traceId) set({ exchanges: mergeExchanges(get().exchanges, list) });
  if (list && !get().history) noteArrivals(list);
}

/** The inbox refreshes itself: mails the trace shows arriving join the list as new, at once. */
function noteArrivals(list: Exchange[]) {
  const { mails, arrived } = withArrivals(get().mails, list);
  if (arrived.length) set({ mails, unreadMailIds: [...get().unreadMailIds, ...arrived] });
}

export function applyRun(run: StudioRun | null) {
  const prev = get().run;
  if (!run) {
    set({ run: null });
    return;
  }
  const fresh = run.id !== prev?.id;
  // HTTP answers and SSE events race each other: never step back to an older snapshot.
  if (!fresh && run.rev <= prev.rev) return;
  const tags = fresh ? [] : get().narrationSteps.slice(0, run.narration.length);
  while (tags.length < run.narration.length) tags.push(run.current);
  set({
    run,
    narrationSteps: tags,
    pendingFlow: run.flow,
    pendingScenario: run.scenario,
    autopilot: run.autopilot,
    // The switch shows the profile of the run on screen (a run started elsewhere, e.g. another tab, too).
    ...(fresh && run.service ? { profile: run.service.profile } : {}),
    ...(fresh
      ? { reviewStep: null, progress: { mailOpened: false, linkOpened: false }, openMailId: null, browser: { url: null, nonce: get().browser.nonce + 1 }, autopilotView: noAutopilotView }
      : {}),
  });
  // A past run reopened from the history stays on screen until the person goes back (or starts a run).
  if (get().history) return;
  if (run.traceId && run.traceId !== get().traceId) void showTrace(run.traceId);
  else if (fresh && !run.traceId) set({ traceId: null, exchanges: [], selectedExchangeId: null });
}

export function applyExchange(e: Exchange) {
  noteArrivals([e]);
  const { traceId, run } = get();
  const live = run && !isTerminal(run) && run.traceId === e.traceId ? run.steps[run.current]?.name : undefined;
  if (!e.step && live) set({ stepOf: { ...get().stepOf, [e.id]: live } });
  if (e.traceId === traceId) set({ exchanges: mergeExchanges(get().exchanges, [e]) });
  const shown = followAutopilot(e, run, get());
  if (shown) set({ ...shown, ...(shown.openMailId ? { unreadMailIds: get().unreadMailIds.filter((id) => id !== shown.openMailId) } : {}) });
  else if (get().history) {
    // Reading a past run: the live traffic waits for "Back to the live run".
  } else if (!run || !run.traceId || run.traceId === e.traceId) void showTrace(e.traceId);
  else if (isTerminal(run)) set({ betweenRuns: { ...get().betweenRuns, [e.traceId]: (get().betweenRuns[e.traceId] ?? 0) + 1 } });
  set({ stateVersion: get().stateVersion + 1 });
}

/** After a reset of all data: forget everything the roles held, keep the person's preferences. */
export function applyReset() {
  const { autopilot, speed, info, connection, pendingFlow, presenter, profile } = get();
  set({ ...initialState, autopilot, speed, info, connection, pendingFlow, presenter, profile, stateVersion: get().stateVersion + 1 });
  void resync();
}

/** Re-read the run, its trace and the inbox (after (re)connecting, so nothing missed while offline). */
export async function resync() {
  const run = await guarded(() => api.currentRun());
  if (run === undefined) return;
  if (run) {
    applyRun(run);
    if (run.traceId) await showTrace(run.traceId);
  } else {
    set({ run: null });
    const traces = await guarded(() => api.traces());
    if (traces) await showTrace(traces.current);
  }
}

/**
 * Check mail: read the inbox as the User. This is a recorded request — the agent reads it as
 * "you opened your mail" — so it happens only when the person asks, never on a timer.
 */
export async function checkMail(): Promise<boolean> {
  try {
    const fetched = await api.inbox();
    const ids = new Set(fetched.map((m) => m.id));
    set({ mails: [...fetched, ...get().mails.filter((m) => !ids.has(m.id))], mailCheckedAt: new Date().toISOString() });
    return true;
  } catch (err) {
    toast(`Could not read the inbox (${(err as Error).message}).`);
    return false;
  }
}

// ── run control ────────────────────────────────────────────────────────────────────────────

export async function startRun(flow: FlowId, scenario?: string) {
  // A lesson says where it applies (the studio refuses the rest: lesson_not_applicable); never send one that does not.
  const lesson = get().info?.scenarios.find((s) => s.id === scenario);
  if (lesson && !scenarioProfiles(lesson).includes(pickedProfile(get()))) {
    toast(`The lesson “${lesson.title}” applies to ${scenarioProfiles(lesson).join(', ')} only: switch the protocol, or pick another lesson.`);
    return undefined;
  }
  set({ pendingFlow: flow, pendingScenario: scenario, history: null, betweenRuns: {} });
  const run = await guarded(() => api.createRun(flow, scenario, get().autopilot, pickedProfile(get())));
  if (run) applyRun(run);
  return run;
}

/**
 * Switch the protocol version (PROTOCOL-v0.6.md §9: both services run side by side, so no restart).
 * The chosen flow carries over under its name in that profile (§11); a lesson that does not apply
 * there is dropped. With a run on screen, a fresh run of that flow starts against the other service.
 */
export async function switchProfile(profile: ProfileId, opts: { start?: boolean } = {}) {
  const { info, run, pendingFlow, pendingScenario } = get();
  if (pickedProfile(get()) === profile && (!run || run.service?.profile === profile)) return;
  rememberProfile(profile);
  const flow = equivalentFlow(info, run?.flow ?? pendingFlow, profile);
  const scenarioId = run ? run.scenario : pendingScenario;
  const scenario = info?.scenarios.find((s) => s.id === scenarioId && s.flow === flow && scenarioProfiles(s).includes(profile));
  set({ profile, pendingFlow: flow, pendingScenario: scenario?.id, stateVersion: get().stateVersion + 1 });
  if (run && opts.start !== false) await startRun(flow, scenario?.id);
}

/** The live run, or a new one of the chosen flow when there is none (or it has finished). */
async function ensureRun(): Promise<StudioRun | undefined> {
  const { run, pendingFlow, pendingScenario } = get();
  if (run && !isTerminal(run)) return run;
  if (run && isTerminal(run)) return undefined;
  return startRun(pendingFlow, pendingScenario);
}

async function withBusy(work: () => Promise<void>) {
  if (get().busy) return;
  set({ busy: true });
  try {
    await work();
  } finally {
    set({ busy: false });
  }
}

export const nextStep = () =>
  withBusy(async () => {
    if (get().history) await leaveHistory(); // the past is read-only: stepping is the live run's
    const run = await ensureRun();
    if (!run) return;
    set({ reviewStep: null });
    const next = await guarded(() => api.next(run.id));
    if (next) applyRun(next);
  });

export async function togglePlay() {
  const current = get().run;
  if (current?.playing) {
    const paused = await guarded(() => api.pause(current.id));
    if (paused) applyRun(paused);
    return;
  }
  if (get().history) await leaveHistory();
  const run = await ensureRun();
  if (!run) return;
  set({ reviewStep: null });
  const playing = await guarded(() => api.play(run.id, SPEED_DELAY_MS[get().speed], get().presenter));
  if (playing) applyRun(playing);
}

export async function setSpeed(speed: Speed) {
  set({ speed });
  const run = get().run;
  // Re-issue play so the new pace applies at once.
  if (run?.playing) {
    const r = await guarded(() => api.play(run.id, SPEED_DELAY_MS[speed], get().presenter));
    if (r) applyRun(r);
  }
}

export async function toggleAutopilot() {
  const on = !get().autopilot;
  set({ autopilot: on });
  const run = get().run;
  if (run && !isTerminal(run)) {
    const r = await guarded(() => api.autopilot(run.id, on));
    if (r) applyRun(r);
  }
}

/** Start the same flow (and scenario) again from the top. */
export function resetRun() {
  const { run, pendingFlow, pendingScenario } = get();
  return startRun(run?.flow ?? pendingFlow, run ? run.scenario : pendingScenario);
}

export const togglePresenter = () => setPresenter(!get().presenter);

/**
 * Presenter mode on or off: full screen with it (store/presenterScreen.ts; called from the button or
 * the P key, the user gesture the Fullscreen API needs), and Play's pace waits at key moments only
 * in it — a run playing now is re-issued with the new pace.
 */
export function setPresenter(on: boolean) {
  if (get().presenter === on) return;
  set({ presenter: on });
  if (on) void presenterScreen.enter();
  else presenterScreen.leave();
  const run = get().run;
  if (run?.playing) void guarded(() => api.play(run.id, SPEED_DELAY_MS[get().speed], on)).then((r) => r && applyRun(r));
}

export async function resetAllData() {
  const ok = await guarded(() => api.resetAll());
  if (ok) {
    applyReset();
    toast('All data was reset: registrations, grants, mails and traces are gone.', 'info');
  }
}

export async function answerAsUser(choice: ConsentChoice) {
  const run = get().run;
  if (!run) return;
  const r = await guarded(() => api.act(run.id, choice));
  if (r) applyRun(r);
}

export async function sendOtp(otp: string) {
  const run = get().run;
  if (!run) return false;
  const r = await guarded(() => api.otp(run.id, otp));
  if (r) applyRun(r);
  return Boolean(r);
}

export async function revokeGrant(id: string) {
  const r = await guarded(() => api.revokeGrant(id));
  if (r) toast('Grant revoked: the provider sent a logout token to the service.', 'info');
  set({ stateVersion: get().stateVersion + 1 });
}

// ── run history ────────────────────────────────────────────────────────────────────────────

/** Reopen a past run (or the traffic between runs) read-only: its diagram, steps and inspector. */
export async function openHistory(entry: TraceEntry) {
  const live = get().run?.traceId;
  if (entry.id === live) return leaveHistory();
  set({ history: entry, reviewStep: null, traceId: entry.id, exchanges: [], selectedExchangeId: null, betweenRuns: { ...get().betweenRuns, [entry.id]: 0 } });
  const list = await guarded(() => api.exchanges(entry.id));
  if (list && get().history?.id === entry.id) set({ exchanges: list });
}

/** Back to the live run (or, with none, to where the traffic is recorded now). */
export async function leaveHistory() {
  set({ history: null, reviewStep: null });
  const run = get().run;
  if (run?.traceId) return showTrace(run.traceId);
  const traces = await guarded(() => api.traces());
  if (traces) await showTrace(traces.current);
}

export async function deleteTrace(entry: TraceEntry): Promise<boolean> {
  const ok = await guarded(() => api.deleteTrace(entry.id));
  if (!ok) return false;
  if (get().history?.id === entry.id) await leaveHistory();
  toast(`Deleted “${entry.title}” from the history.`, 'info');
  return true;
}
