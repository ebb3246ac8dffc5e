import { create } from 'zustand';
import { ApiError } from '../api';
import { conformanceApi } from '../conformanceApi';
import type { CheckResult } from '../../src-servers/protocol/conformance';
import type { ConformanceInfo, ConformanceProfileChoice, ConformanceRun, ConformanceRunNews, StudioEvents } from '../../src-servers/protocol/studio';
import { showTrace } from './actions';
import { selectExchange } from './selection';
import { get as getStudio } from './studio';

/**
 * The "Test a service" view's state (issue 18): the form, the latest conformance run as the
 * studio streams it (news without results, then each result), and which checks are open. Its own
 * store, so the studio's run and trace state stay as they are while a service is tested.
 */
export interface ConformanceForm {
  serviceUrl: string;
  providerUrl: string;
  mailboxUrl: string;
  profile: ConformanceProfileChoice;
}

export interface ConformanceState {
  open: boolean;
  info: ConformanceInfo | null;
  form: ConformanceForm;
  /** Whether the form was filled from this host's URLs yet (the person's edits are kept after). */
  prefilled: boolean;
  run: ConformanceRun | null;
  /** Check ids whose details are shown. */
  expanded: Record<string, boolean>;
  starting: boolean;
  /** List only the checks that failed or warned. */
  problemsOnly: boolean;
  /** The last thing that went wrong, shown in the view (a modal view hides the studio's toasts). */
  error: string | null;
  /** A passing note (a report saved). */
  notice: string | null;
}

export const useConformance = create<ConformanceState>(() => ({
  open: false,
  info: null,
  form: { serviceUrl: '', providerUrl: '', mailboxUrl: '', profile: 'auto' },
  prefilled: false,
  run: null,
  expanded: {},
  starting: false,
  problemsOnly: false,
  error: null,
  notice: null,
}));
const set = useConformance.setState;
const get = useConformance.getState;

const failMessage = (err: unknown) => (err instanceof ApiError ? err.message : `Could not reach the studio (${(err as Error).message}).`);

export async function openConformance() {
  set({ open: true, error: null });
  try {
    const [info, run] = await Promise.all([conformanceApi.info(), conformanceApi.current()]);
    // First open: what the latest run tested (a reload keeps the person's URLs), else this host's roles.
    const { prefilled } = get();
    const last = run && { serviceUrl: run.request.serviceUrl, providerUrl: run.request.providerUrl ?? '', mailboxUrl: run.request.mailboxUrl ?? '', profile: run.request.profile };
    set({
      info,
      ...(prefilled ? {} : { prefilled: true, form: { ...get().form, ...(last ?? info.defaults) } }),
    });
    if (run) applyConformanceRun(run);
  } catch (err) {
    set({ error: failMessage(err) });
  }
}

export const closeConformance = () => set({ open: false, error: null, notice: null });
export const dismissError = () => set({ error: null });

export function setForm(patch: Partial<ConformanceForm>) {
  set({ form: { ...get().form, ...patch } });
}

/** Back to this host's own roles. */
export function resetToHostUrls() {
  const info = get().info;
  if (info) set({ form: { ...get().form, ...info.defaults } });
}

export async function startConformance() {
  const { form, starting } = get();
  if (starting) return;
  set({ starting: true, error: null, notice: null });
  try {
    // An empty provider or mailbox field leaves that role out (its checks are SKIPPED, saying why).
    const run = await conformanceApi.start({
      serviceUrl: form.serviceUrl.trim(),
      providerUrl: form.providerUrl.trim() || null,
      mailboxUrl: form.mailboxUrl.trim() || null,
      profile: form.profile,
    });
    set({ expanded: {} });
    applyConformanceRun(run);
  } catch (err) {
    set({ error: failMessage(err) });
  } finally {
    set({ starting: false });
  }
}

export async function cancelConformance() {
  const run = get().run;
  if (!run) return;
  try {
    applyConformanceRun(await conformanceApi.cancel(run.id));
  } catch (err) {
    set({ error: failMessage(err) });
  }
}

/** A whole snapshot (HTTP): newer than what we hold, or a new run. */
export function applyConformanceRun(run: ConformanceRun) {
  const prev = get().run;
  if (prev && prev.id === run.id && run.rev <= prev.rev) return;
  set({ run });
}

/** SSE news: everything but the results; when it counts results we never got (a dropped stream), re-read. */
export function applyConformanceNews(news: ConformanceRunNews) {
  const prev = get().run;
  const same = prev?.id === news.id;
  if (same && news.rev <= prev.rev) return;
  const { resultCount, ...rest } = news;
  const results = same ? prev.results : [];
  set({ run: { ...rest, results } });
  if (results.length < resultCount) void resyncConformance();
}

export function applyConformanceCheck(e: StudioEvents['conformance-check']) {
  const run = get().run;
  if (!run || run.id !== e.runId) return;
  if (e.index !== run.results.length) {
    if (e.index > run.results.length) void resyncConformance();
    return;
  }
  set({ run: { ...run, results: [...run.results, e.result] } });
}

/** "Reset all data": the last run and its trace are gone. */
export function forgetConformance() {
  set({ run: null, expanded: {}, error: null });
}

/** After (re)connecting: the latest run as the studio has it. */
export async function resyncConformance() {
  try {
    const run = await conformanceApi.current();
    if (run) applyConformanceRun(run);
  } catch {
    /* offline: the next reconnect tries again */
  }
}

export function toggleCheck(id: string) {
  set({ expanded: { ...get().expanded, [id]: !get().expanded[id] } });
}

/**
 * Open a check's requests in the studio's diagram and inspector: the run's trace, its exchange
 * from the Agent (the runner) at `index` of the check's evidence, or the check's last one.
 */
export async function inspectCheck(result: CheckResult, index?: number) {
  const run = get().run;
  if (!run) return;
  await showTrace(run.traceId);
  // In the order they were sent, as the evidence lists them (the trace numbers them as they complete).
  const mine = getStudio().exchanges.filter((x) => x.step === result.id && x.from === 'Agent')
    .sort((a, b) => (a.timing?.start ?? a.seq) - (b.timing?.start ?? b.seq));
  const pick = (index !== undefined ? mine[index] : undefined) ?? mine[mine.length - 1];
  if (!pick) {
    set({ error: 'That check sent no requests of its own: it reused what an earlier check fetched (see discovery).' });
    return;
  }
  set({ open: false });
  selectExchange(pick.id);
  // The diagram follows its newest arrow; bring the chosen one into view once it is drawn selected.
  setTimeout(() => document.querySelector('.diagram-scroll g.arrow.selected')?.scrollIntoView({ block: 'center' }), 400);
}
