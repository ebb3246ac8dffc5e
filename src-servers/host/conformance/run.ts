import { Client } from './http.js';
import { Shared, detectProfile, type RunOptions } from './context.js';
import { startTestIssuer } from './issuer.js';
import { selectChecks } from './checks/index.js';
import { Outcome, type CheckResult, type Exchange, type PlannedCheck, type Profile } from './types.js';
import type { RunReport } from '../../protocol/conformance.js';

export type { RunReport } from '../../protocol/conformance.js';

/** What a caller that shows the run live (the studio) hooks into; the CLI needs none of it. */
export interface RunHooks {
  /** Once the profile is known: the checks about to run, in order (a view lists them before they go). */
  onPlan?(plan: { profile: Profile; profileSource: RunReport['profileSource']; issuer: string; checks: PlannedCheck[] }): void;
  /** A check begins (its requests are sent from now until its result). */
  onCheckStart?(check: PlannedCheck): void;
  /** The fetch of every check's client and of the profile detection (the studio passes one that records into its trace). */
  fetch?: typeof fetch;
  /**
   * Aborting stops the run before the next check; the check in flight is not reported (its
   * requests are the caller's fetch's to abort). The report then holds the checks that finished.
   */
  signal?: AbortSignal;
}

/**
 * The MCP conformance tool's baseline rule: a listed check that fails is expected; one that
 * passes now is a stale entry. Only a failure outside the baseline, or a stale entry, fails the
 * run — so the baseline can only shrink as the implementation is fixed.
 */
function applyBaseline(result: CheckResult, expected: ReadonlySet<string>): void {
  if (!expected.has(result.id)) return;
  if (result.status === 'FAILURE') result.baseline = 'expected';
  else if (result.status !== 'SKIPPED') result.baseline = 'now-passes';
}

/** Exit status of a run: 1 when a check failed outside the baseline or a baseline entry is stale, else 0. */
export function failed(report: RunReport): boolean {
  return report.results.some((r) => (r.status === 'FAILURE' && r.baseline !== 'expected') || r.baseline === 'now-passes');
}

/**
 * Run the selected checks one after another (they share a rate-limited target; order matters:
 * discovery first). A check that throws anything but an Outcome is a FAILURE naming the error —
 * the runner never crashes on a target's odd answer. `onResult` streams results (CLI, studio).
 */
export async function runConformance(input: RunOptions, onResult?: (r: CheckResult) => void, hooks: RunHooks = {}): Promise<RunReport> {
  const startedAt = new Date().toISOString();
  // --profile, else what the service's metadata says (PROTOCOL-v0.6.md §11), else v0.1 (discovery.* then says why).
  const detected = input.profile ? undefined : await detectProfile(input.serviceUrl, hooks.fetch);
  const profileSource = input.profile ? 'flag' : detected ? 'detected' : 'default';
  const opts = { ...input, profile: input.profile ?? detected ?? 'v0.1' };
  const issuer = opts.issuer ?? (await startTestIssuer(opts.issuerPort, opts.issuerKeyFile));
  const shared = new Shared(opts, issuer);
  const expected = new Set(opts.expected ?? []);
  try {
    const unknown = opts.only.filter((o) => !o.endsWith('*') && !o.endsWith('.') && !selectChecks(opts.profile, [o]).length);
    if (unknown.length) throw new Error(`--only names no check of profile ${opts.profile}: ${unknown.join(', ')}`);
    const checks = selectChecks(opts.profile, opts.only);
    const planned = (c: (typeof checks)[number]): PlannedCheck => ({ id: c.id, title: c.title, group: c.group, target: c.target, spec: c.spec });
    hooks.onPlan?.({ profile: opts.profile, profileSource, issuer: issuer.url, checks: checks.map(planned) });
    for (const check of checks) {
      if (hooks.signal?.aborted) break;
      hooks.onCheckStart?.(planned(check));
      const exchanges: Exchange[] = [];
      const base = { ...planned(check), exchanges };
      let result: CheckResult;
      try {
        const verdict = await check.run({ shared, opts, http: new Client(exchanges, hooks.fetch) });
        result = { ...base, status: verdict?.status ?? 'SUCCESS', message: verdict?.message ?? check.title };
      } catch (err) {
        const status = err instanceof Outcome ? err.status : 'FAILURE';
        // A TypeError or the like is the runner's own bug meeting an odd answer: say so, do not crash.
        const message = err instanceof TypeError || err instanceof RangeError ? `the check could not finish: ${(err as Error).message}` : (err as Error).message;
        result = { ...base, status, message };
      }
      if (hooks.signal?.aborted) break; // cut short by the caller: not a verdict on the target
      if (result.status === 'FAILURE' && check.remedy) result.remedy = check.remedy;
      applyBaseline(result, expected);
      shared.results.push(result);
      onResult?.(result);
    }
  } finally {
    if (!opts.issuer) await issuer.close();
  }
  const results = shared.results;
  const count = (s: CheckResult['status']) => results.filter((r) => r.status === s).length;
  return {
    schema: 'agentic-registration-conformance/1', profile: opts.profile, profileSource, service: opts.serviceUrl, provider: opts.providerUrl, issuer: issuer.url,
    startedAt, finishedAt: new Date().toISOString(), results,
    summary: {
      total: results.length, SUCCESS: count('SUCCESS'), FAILURE: count('FAILURE'), WARNING: count('WARNING'), SKIPPED: count('SKIPPED'), INFO: count('INFO'),
      ...(opts.expected ? { expectedFailures: results.filter((r) => r.baseline === 'expected').length, nowPasses: results.filter((r) => r.baseline === 'now-passes').length } : {}),
    },
  };
}
