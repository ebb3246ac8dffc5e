/**
 * Whole flows, end to end: the simulated agent (src-servers/agent) on autopilot, in the bench
 * process, against the child host's URLs — discovery, the user's steps (consent, mail, OTP), the
 * registration and a first API call. One flow at a time; we time each run's wall clock.
 */
import type { FlowId } from '../src-servers/agent/index.js';

export interface FlowResult {
  runs: number;
  succeeded: number;
  medianMs: number;
  p99Ms: number;
  meanMs: number;
  failure?: string;
}

function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

export async function runFlow(
  urls: { service: string; provider: string; mailbox: string },
  flow: FlowId,
  opts: { runs: number; warmupRuns: number; onRun?: (i: number) => void; beforeMeasured?: () => Promise<void> },
): Promise<FlowResult> {
  const { AgentRun } = await import('../src-servers/agent/index.js');
  const { createTraceRecorder, traceMigrations } = await import('../src-servers/trace/index.js');
  const { openDatabase } = await import('../src-servers/db/sqlite.js');
  const db = openDatabase(':memory:', traceMigrations);
  const trace = createTraceRecorder({ db });
  const times: number[] = [];
  let failure: string | undefined;
  try {
    for (let i = 0; i < opts.warmupRuns + opts.runs; i++) {
      if (i === opts.warmupRuns) await opts.beforeMeasured?.();
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
      if (state.status !== 'succeeded') {
        failure ??= `${flow} run ${i + 1} ended "${state.status}": ${state.outcome?.summary ?? state.steps.find((s) => s.status === 'failed')?.detail ?? ''}`;
        continue;
      }
      if (i >= opts.warmupRuns) times.push(ms);
      opts.onRun?.(i);
    }
  } finally {
    db.close();
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    runs: opts.runs,
    succeeded: times.length,
    medianMs: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    meanMs: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : 0,
    failure,
  };
}
