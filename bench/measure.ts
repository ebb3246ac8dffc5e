/**
 * How a row is measured: in rounds that go over all rows in turn. In each round a row gets a fresh
 * host child, a warm-up and one short measured window. A virtual machine's speed drifts from minute
 * to minute (other guests, other processes); a drift then lands on one round of a row rather than on
 * all of it. Such noise nearly always slows a round down (on our 2-core VM, by up to half, for minutes at
 * a time, with no other process to blame), so a load row reports its best round, as `timeit` reports
 * its fastest repeat; a flow row pools its runs. (The biggest such drift turned out to be the cores
 * themselves differing in speed; bench/cores.ts pins each round's host to the fastest.) A fresh host
 * needs seconds of load before V8 has compiled its hot paths: after a 2 s warm-up (or 300 ID-JAGs)
 * an ID-JAG round ran about a third slower, and more unevenly, than after 5 s, so every round warms
 * for 5 s (verified email, whose mail path is far more code, for 15 s: bench/rows.ts). (Keeping
 * hosts up across rounds was tried: a host gets slower as its trace and databases grow, and twenty
 * idle hosts disturb the measured one.)
 */
import { join } from 'node:path';
import { liveChildPids, spawnHostChild, type HostChild } from './child.js';
import type { BenchIssuer } from './issuer.js';
import { probe, runLoad, type LoadResult, type LoadSpec } from './load.js';
import { cpuSpeedProbe, diskSyncProbe, startLoadWindow } from './machineLoad.js';
import { percentile } from './flows.js';
import type { RowContext, RowResult, Storage } from './rows.js';

/** The machine while a round was measured (bench/machineLoad.ts). */
export interface Conditions {
  /** hashes/ms of a fixed workload in the bench process just before the work (on the bench's cores when pinned) */
  cpuSpeed: number;
  /** median ms of one fdatasync'd 4 KiB write just before the work */
  diskSyncMs?: number;
  /** % of the machine other processes used during the work */
  otherCpuPct?: number;
}

/** How the measured host spent its CPU during the work. */
export interface HostSpend {
  /** % of the host's CPU time spent in the kernel (system calls, page faults) */
  hostKernelPct?: number;
  /** minor page faults of the host during the work */
  hostPageFaults?: number;
}

/** One measured window of a row. */
export interface Window extends Conditions, HostSpend {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  requests: number;
  durationS: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  perSecond: number[];
  hostCpuMsPerRequest?: number;
}

/** What one round of a row found; flow rows give every run's wall time. */
export type RoundResult = Partial<RowResult> & { runTimesMs?: number[] };

export interface RowInstance {
  /** Measure one round (`index` from 0). */
  round(index: number): Promise<RoundResult>;
  close(): Promise<Pick<RowResult, 'hostIdleRssBytes' | 'hostPeakRssBytes'>>;
}

/** The host config of every row: trust the bench issuer, and rate limits far above any bench load. */
export function benchHostConfig(issuer: BenchIssuer) {
  const high = 1_000_000_000;
  return {
    service: {
      trustedIssuers: [issuer.url],
      rateLimits: {
        anonymousPerIpPerHour: high,
        identityAssertionPerIpPerHour: high,
        anonymousPerTenantPerHour: high,
        identityAssertionPerTenantPerHour: high,
      },
    },
  };
}

export function spawnForRow(ctx: RowContext, args: string[]): Promise<HostChild> {
  return spawnHostChild(args, { cpuProfileDir: ctx.settings.profileDir && join(ctx.settings.profileDir, ctx.rowId), core: ctx.hostCore });
}

const hostArgs = (issuer: BenchIssuer, storage: Storage) => ['--storage', storage, '--config', JSON.stringify(benchHostConfig(issuer))];

export function openHost(ctx: RowContext, storage: Storage): Promise<HostChild> {
  if (!ctx.settings.shareHosts) return spawnForRow(ctx, hostArgs(ctx.issuer, storage));
  startSharedHosts(ctx.issuer, [storage]);
  // A row "stops" its lease: the host stays up for the next row, and reports its memory so far.
  return sharedHosts.get(storage)!.then((h) => ({ ...h, stop: () => h.rss() }));
}

/** --smoke's one host per storage (Settings.shareHosts). */
const sharedHosts = new Map<Storage, Promise<HostChild>>();

/** Start --smoke's shared hosts (all at once: each takes about a second to start). */
export function startSharedHosts(issuer: BenchIssuer, storages: Storage[]): void {
  for (const storage of storages) {
    if (sharedHosts.has(storage)) continue;
    const host = spawnHostChild(hostArgs(issuer, storage));
    host.catch(() => undefined); // a row that leases it hears the error
    sharedHosts.set(storage, host);
  }
}

/** Stop the hosts --smoke shared between rows. */
export async function stopSharedHosts(): Promise<void> {
  const hosts = [...sharedHosts.values()];
  sharedHosts.clear();
  await Promise.all(hosts.map(async (h) => (await h.catch(() => undefined))?.stop()));
}

/** Wrap a host (and what the row prepared) as an instance whose close() reports the host's memory. */
export async function instanceOn(host: HostChild, round: RowInstance['round']): Promise<RowInstance> {
  return {
    round,
    async close() {
      const final = await host.stop();
      return { hostIdleRssBytes: host.startRss.rssBytes, hostPeakRssBytes: final.peakRssBytes };
    },
  };
}

/** What the measured host spent while `work` ran, and the machine's state around it. */
export interface HostCost<T> {
  result: T;
  /** CPU time of the host child (all its threads), ms. */
  cpuMs: number;
  spend: HostSpend;
  conditions: Conditions;
}

/** Run `work` against a host: charge the host's CPU time to it, note the machine's speed and its other work. */
export async function measureHost<T>(host: HostChild, work: () => Promise<T>, speedProbeMs?: number): Promise<HostCost<T>> {
  const conditions: Conditions = { cpuSpeed: cpuSpeedProbe(speedProbeMs) };
  const diskSyncMs = diskSyncProbe();
  if (diskSyncMs !== undefined) conditions.diskSyncMs = diskSyncMs;
  const before = await host.rss();
  const window = startLoadWindow(() => [...liveChildPids].filter((pid) => pid !== host.pid));
  const result = await work();
  const after = await host.rss();
  const cpuMs = (after.cpuUs - before.cpuUs) / 1000;
  const otherCpuPct = window.end(cpuMs / 1000);
  if (otherCpuPct !== undefined) conditions.otherCpuPct = otherCpuPct;
  const spend: HostSpend = { hostPageFaults: after.minorPageFaults - before.minorPageFaults };
  if (cpuMs > 0) spend.hostKernelPct = (100 * (after.systemCpuUs - before.systemCpuUs)) / 1000 / cpuMs;
  return { result, cpuMs, spend, conditions };
}

/** One measured load window. */
export async function measureWindow(host: HostChild, run: () => Promise<LoadResult>, speedProbeMs?: number): Promise<Window> {
  const { result: r, cpuMs, spend, conditions } = await measureHost(host, run, speedProbeMs);
  return {
    requestsPerSec: r.requestsPerSec,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    meanMs: r.meanMs,
    requests: r.ok,
    durationS: r.durationS,
    non2xx: r.non2xx,
    errors: r.errors,
    statusCodes: r.statusCodes,
    perSecond: r.perSecond,
    ...(r.ok > 0 ? { hostCpuMsPerRequest: cpuMs / r.ok } : {}),
    ...spend,
    ...conditions,
  };
}

const perRound = (ctx: RowContext) => ctx.settings.durationS / ctx.settings.rounds;

/**
 * A row whose request can be sent again and again (same body, or bodies made on the fly).
 * `warmupFactor` lengthens the warm-up for a request that runs much more code than the others.
 */
export async function reusableRow(
  ctx: RowContext,
  host: HostChild,
  spec: Omit<LoadSpec, 'durationS' | 'connections'>,
  { warmupFactor = 1 }: { warmupFactor?: number } = {},
): Promise<RowInstance> {
  const { connections } = ctx.settings;
  const warmupS = ctx.settings.warmupS * warmupFactor;
  if (warmupFactor !== 1) ctx.note(`warming up ${Number(warmupS.toFixed(2))} s`);
  await probe(spec);
  await runLoad({ ...spec, connections, durationS: warmupS });
  return instanceOn(host, async () => {
    let w = await measureWindow(host, () => runLoad({ ...spec, connections, durationS: perRound(ctx) }), ctx.settings.speedProbeMs);
    // autocannon drops the requests in flight when time is up: a host slower than the window per
    // request (a loaded CI box, --quick) would report nothing. Measure longer once.
    if (w.requests === 0) w = await measureWindow(host, () => runLoad({ ...spec, connections, durationS: perRound(ctx) * 3 }), ctx.settings.speedProbeMs);
    return { ...w, connections };
  });
}

/** A pool of one-time bodies; past its end it repeats the last one (answers 4xx, never counted as work). */
function pool(bodies: string[]): () => string {
  let i = 0;
  return () => bodies[Math.min(i++, bodies.length - 1)];
}

/**
 * A row whose bodies are single-use (unique ID-JAGs, OTP completions): warm up and calibrate the rate
 * on a small pool, prepare enough bodies for every round up front, then give each round its share.
 */
export async function singleUseRow(
  ctx: RowContext,
  host: HostChild,
  url: string,
  make: (count: number, phase: 'warm-up' | 'measured') => Promise<string[]>,
  limits: { min: number; max: number; /** bodies per warm-up second, when they are cheap to make */ warmUpPerS?: number },
): Promise<RowInstance> {
  const { connections, warmupS, quick, warmUpBodies } = ctx.settings;
  const warmBodies = await make(Math.max(warmUpBodies ?? (quick ? 100 : 300), Math.ceil((limits.warmUpPerS ?? 0) * warmupS)), 'warm-up');
  const nextWarm = pool(warmBodies);
  const probeS = await probe({ url, method: 'POST', nextBody: nextWarm });
  const warm = await runLoad({ url, method: 'POST', nextBody: nextWarm, connections, durationS: warmupS, maxRequests: warmBodies.length - 1 });
  const rate = warm.ok > 0 ? warm.requestsPerSec : 1 / probeS;
  // 2× the warmed-up rate: the measured window is normally faster than the warm-up that calibrated it.
  const want = Math.min(limits.max, Math.max(limits.min, connections * 4, Math.ceil(rate * perRound(ctx) * 2)));
  const bodies = await make(want, 'measured');
  return instanceOn(host, async () => {
    const w = await measureWindow(host, () =>
      runLoad({ url, method: 'POST', nextBody: pool(bodies), connections, durationS: perRound(ctx), maxRequests: bodies.length }),
      ctx.settings.speedProbeMs,
    );
    return { ...w, connections };
  });
}

/**
 * The row's result from its rounds. Load and floor rows: the best round (most requests/s) speaks for
 * the row — the machine least disturbed; all rounds stay in `roundsSummary`. Flow rows: all runs of
 * all rounds together give the median and p99 wall time (one slow round moves the median of all the runs little).
 */
export function combineRounds(kind: RowResult['kind'], rounds: RoundResult[]): Partial<RowResult> {
  if (rounds.length === 0) return {};
  const summary = (r: RoundResult, headline: number) => ({
    headline,
    ...(r.hostCpuMsPerRequest !== undefined ? { hostCpuMsPerRequest: r.hostCpuMsPerRequest } : {}),
    ...(r.otherCpuPct !== undefined ? { otherCpuPct: r.otherCpuPct } : {}),
    ...(r.cpuSpeed !== undefined ? { cpuSpeed: r.cpuSpeed } : {}),
    ...(r.diskSyncMs !== undefined ? { diskSyncMs: r.diskSyncMs } : {}),
    ...(r.hostKernelPct !== undefined ? { hostKernelPct: r.hostKernelPct } : {}),
    ...(r.hostPageFaults !== undefined ? { hostPageFaults: r.hostPageFaults } : {}),
    ...(r.hostCore !== undefined ? { hostCore: r.hostCore, coreSpeeds: r.coreSpeeds } : {}),
    ...(r.perSecond ? { perSecond: r.perSecond } : {}),
  });
  const middle = <T>(sorted: T[]) => sorted[Math.floor((sorted.length - 1) / 2)];
  if (kind === 'flow') {
    const times = rounds.flatMap((r) => r.runTimesMs ?? []).sort((a, b) => a - b);
    const cpu = rounds.map((r) => r.hostCpuMsPerRequest).filter((v): v is number => v !== undefined);
    const error = rounds.find((r) => r.error)?.error;
    return {
      runs: rounds.reduce((n, r) => n + (r.runs ?? 0), 0),
      succeeded: times.length,
      medianMs: percentile(times, 0.5),
      p99Ms: percentile(times, 0.99),
      meanMs: times.length ? times.reduce((a, b) => a + b, 0) / times.length : 0,
      ...(cpu.length ? { hostCpuMsPerRequest: middle([...cpu].sort((a, b) => a - b)) } : {}),
      otherCpuPct: Math.max(...rounds.map((r) => r.otherCpuPct ?? 0)),
      ...(error ? { error } : {}),
      roundsSummary: rounds.map((r) => summary(r, percentile([...(r.runTimesMs ?? [])].sort((a, b) => a - b), 0.5))),
    };
  }
  const best = rounds.reduce((a, b) => ((b.requestsPerSec ?? 0) > (a.requestsPerSec ?? 0) ? b : a));
  const { perSecond: _perSecond, runTimesMs: _times, ...row } = best;
  return { ...row, roundsSummary: rounds.map((r) => summary(r, r.requestsPerSec ?? 0)) };
}
