/**
 * Whole flows, end to end: the simulated agent (src-servers/agent) on autopilot, in the bench
 * process, against the child host's URLs — discovery, the user's steps (consent, mail, OTP), the
 * registration and a first API call. One flow at a time; we time each run's wall clock.
 */
import type { FlowId } from '../src-servers/agent/index.js';

/** Run `count` flows one after another; how many ran, the wall time of each that succeeded, and the first failure. */
export async function runFlowRuns(
  urls: { service: string; provider: string; mailbox: string },
  flow: FlowId,
  count: number,
  /** keep running past `count` until this much time has gone by (by time, like the load rows' warm-up and window) */
  atLeastMs = 0,
): Promise<{ runs: number; timesMs: number[]; failure?: string }> {
  const { AgentRun } = await import('../src-servers/agent/index.js');
  const { createTraceRecorder, traceMigrations } = await import('../src-servers/trace/index.js');
  const { openDatabase } = await import('../src-servers/db/sqlite.js');
  const db = openDatabase(':memory:', traceMigrations);
  const trace = createTraceRecorder({ db });
  const timesMs: number[] = [];
  let failure: string | undefined;
  let runs = 0;
  try {
    const start = performance.now();
    for (; runs < count || performance.now() - start < atLeastMs; runs++) {
      trace.clear(); // the bench's own recorder must not grow run after run
      const run = new AgentRun({
        flow,
        autopilot: true,
        serviceUrl: urls.service,
        providerUrl: urls.provider,
        mailboxUrl: urls.mailbox,
        trace,
      });
      const t0 = performance.now();
      const state = await run.run();
      const ms = performance.now() - t0;
      if (state.status === 'succeeded') timesMs.push(ms);
      else
        failure ??= `${flow} run ended "${state.status}": ${state.outcome?.summary ?? state.steps.find((s) => s.status === 'failed')?.detail ?? ''}`;
    }
  } finally {
    db.close();
  }
  return { runs, timesMs, ...(failure ? { failure } : {}) };
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
