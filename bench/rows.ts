/**
 * What the bench measures, one row at a time. Every row gets a fresh host child process (so its
 * peak RSS and its databases are that row's alone), is warmed up with the same requests, then
 * measured.
 */
import { join } from 'node:path';
import { SERVICE_PATHS } from '../src-servers/protocol/constants.js';
import type { FlowId } from '../src-servers/agent/index.js';
import { spawnHostChild, type HostChild, type RssReport } from './child.js';
import type { BenchIssuer } from './issuer.js';
import { startLoadWindow } from './machineLoad.js';
import { probe, runLoad, type LoadResult, type LoadSpec } from './load.js';
import { runFlow, type FlowResult } from './flows.js';
import {
  ANONYMOUS_BODY,
  idJagBody,
  preparePendingClaims,
  registerAnonymous,
  registerWithIdJag,
  verifiedEmailBody,
} from './prepare.js';

export type Storage = 'memory' | 'disk';

export interface Settings {
  quick: boolean;
  connections: number;
  durationS: number;
  warmupS: number;
  flowRuns: number;
  flowWarmupRuns: number;
  /** Most pending claims prepared for the claim/complete row (each costs 3 requests and a mail). */
  maxPreparedClaims: number;
  /** …and at most this many seconds spent preparing them: the row then runs until they are used up. */
  claimPrepBudgetS: number;
  /** When set, each host child writes a CPU profile to <dir>/<row id>/. */
  profileDir?: string;
}

export interface RowContext {
  rowId: string;
  settings: Settings;
  issuer: BenchIssuer;
  /** Short progress notes while a row prepares ("signing 31,000 assertions…"). */
  note: (text: string) => void;
}

export interface RowResult {
  id: string;
  title: string;
  kind: 'load' | 'flow' | 'floor';
  storage: Storage | null;
  /** load & floor rows */
  requestsPerSec?: number;
  p50Ms?: number;
  p99Ms?: number;
  meanMs?: number;
  requests?: number;
  durationS?: number;
  connections?: number;
  /** CPU time the host spent per 2xx answer during the measured run (all its threads) — steadier than req/s on a shared machine. */
  hostCpuMsPerRequest?: number;
  /** % of the whole machine other processes used during the measured window (Linux) — the noise. */
  otherCpuPct?: number;
  /** measured a second time because others disturbed the first window (the quieter one is kept) */
  remeasured?: boolean;
  non2xx?: number;
  errors?: number;
  statusCodes?: Record<string, number>;
  perSecond?: number[];
  /** flow rows */
  runs?: number;
  succeeded?: number;
  medianMs?: number;
  /** the measured process (host child, or the floor's child) */
  hostPeakRssBytes?: number;
  hostIdleRssBytes?: number;
  error?: string;
}

export interface RowSpec {
  id: string;
  title: string;
  kind: RowResult['kind'];
  storage: Storage | null;
  run(ctx: RowContext): Promise<Partial<RowResult>>;
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

interface Measured {
  r: LoadResult;
  cpuMs: number;
  otherCpuPct?: number;
}

/** Run the measured load; charge the host's CPU time to its answers; note what else the machine did meanwhile. */
async function measured(host: HostChild, run: () => Promise<LoadResult>): Promise<Measured> {
  const before = await host.rss();
  const window = startLoadWindow();
  const r = await run();
  const after = await host.rss();
  const cpuMs = (after.cpuUs - before.cpuUs) / 1000;
  return { r, cpuMs, otherCpuPct: window.end(cpuMs / 1000) };
}

/**
 * Other work on the machine only ever slows a row down. When others took more than this share of
 * the machine during a measured window, the row is measured again (once) and the quieter window kept.
 */
const DISTURBED_PCT = 10;
const quieter = (a: Measured, b: Measured) => ((b.otherCpuPct ?? 0) < (a.otherCpuPct ?? 0) ? b : a);
const disturbed = (m: Measured) => (m.otherCpuPct ?? 0) > DISTURBED_PCT;

function fromLoad(r: LoadResult, connections: number, cpuMs?: number, otherCpuPct?: number, remeasured?: boolean): Partial<RowResult> {
  return {
    ...(cpuMs !== undefined && r.ok > 0 ? { hostCpuMsPerRequest: cpuMs / r.ok } : {}),
    ...(otherCpuPct !== undefined ? { otherCpuPct } : {}),
    ...(remeasured ? { remeasured } : {}),
    requestsPerSec: r.requestsPerSec,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    meanMs: r.meanMs,
    requests: r.ok,
    durationS: r.durationS,
    connections,
    non2xx: r.non2xx,
    errors: r.errors,
    statusCodes: r.statusCodes,
    perSecond: r.perSecond,
  };
}

/** Spawn a host for one row, run `body`, and attach the host's idle and peak RSS. */
async function withHost(
  ctx: RowContext,
  storage: Storage,
  body: (host: HostChild) => Promise<Partial<RowResult>>,
): Promise<Partial<RowResult>> {
  const host = await spawnHostChild(['--storage', storage, '--config', JSON.stringify(benchHostConfig(ctx.issuer))], {
    cpuProfileDir: ctx.settings.profileDir && join(ctx.settings.profileDir, ctx.rowId),
  });
  let final: RssReport | undefined;
  try {
    const idle = await host.rss();
    const result = await body(host);
    final = await host.stop();
    return { ...result, hostIdleRssBytes: idle.rssBytes, hostPeakRssBytes: final.peakRssBytes };
  } finally {
    if (!final) await host.stop().catch(() => undefined);
  }
}

/** Warm up, then measure, the same kind of request. */
async function warmThenMeasure(ctx: RowContext, host: HostChild, spec: Omit<LoadSpec, 'durationS' | 'connections'>): Promise<Partial<RowResult>> {
  const { connections, durationS, warmupS } = ctx.settings;
  await probe(spec);
  await runLoad({ ...spec, connections, durationS: warmupS });
  let m = await measured(host, () => runLoad({ ...spec, connections, durationS }));
  // autocannon drops the requests in flight when time is up: a host slower than the row's
  // duration per request (a loaded CI box, --quick) would report nothing. Measure longer once.
  if (m.r.ok === 0) m = await measured(host, () => runLoad({ ...spec, connections, durationS: durationS * 3 }));
  const remeasure = disturbed(m) && !ctx.settings.quick;
  if (remeasure) {
    ctx.note(`other processes used ${m.otherCpuPct!.toFixed(0)} % of the machine meanwhile: measuring again`);
    m = quieter(m, await measured(host, () => runLoad({ ...spec, connections, durationS })));
  }
  return fromLoad(m.r, connections, m.cpuMs, m.otherCpuPct, remeasure);
}

/** A pool of one-time bodies; past its end it repeats the last one (answers 4xx, never counted as work). */
function pool(bodies: string[]): () => string {
  let i = 0;
  return () => bodies[Math.min(i++, bodies.length - 1)];
}

/** Requests of a row whose bodies are single-use: calibrate the rate, then prepare enough for the run. */
async function onePerRequest(
  ctx: RowContext,
  host: HostChild,
  url: string,
  make: (count: number, phase: 'warm-up' | 'measured') => Promise<string[]>,
  limits: { min: number; max: number; cheap: boolean },
): Promise<Partial<RowResult>> {
  const { connections, durationS, warmupS, quick } = ctx.settings;
  const warmBodies = await make(quick ? 100 : 500, 'warm-up');
  const nextWarm = pool(warmBodies);
  const probeS = await probe({ url, method: 'POST', nextBody: nextWarm });
  const warm = await runLoad({ url, method: 'POST', nextBody: nextWarm, connections, durationS: warmupS, maxRequests: warmBodies.length - 1 });
  const rate = warm.ok > 0 ? warm.requestsPerSec : 1 / probeS;
  const measureOnce = async (seconds: number) => {
    // 2× the warmed-up rate: the measured run is normally faster than the warm-up that calibrated it.
    const want = Math.min(limits.max, Math.max(limits.min, connections * 4, Math.ceil(rate * seconds * 2)));
    const bodies = await make(want, 'measured');
    return measured(host, () => runLoad({ url, method: 'POST', nextBody: pool(bodies), connections, durationS: seconds, maxRequests: bodies.length }));
  };
  let m = await measureOnce(durationS);
  if (m.r.ok === 0) m = await measureOnce(durationS * 3); // see warmThenMeasure
  const remeasure = disturbed(m) && !ctx.settings.quick && limits.cheap;
  if (remeasure) {
    ctx.note(`other processes used ${m.otherCpuPct!.toFixed(0)} % of the machine meanwhile: measuring again`);
    m = quieter(m, await measureOnce(durationS));
  }
  return fromLoad(m.r, connections, m.cpuMs, m.otherCpuPct, remeasure);
}

function registerRows(storage: Storage): RowSpec[] {
  const registerUrl = (h: HostChild) => `${h.urls.service}${SERVICE_PATHS.register}`;
  const resourceUrl = (h: HostChild) => `${h.urls.service}${SERVICE_PATHS.resource}`;
  return [
    {
      id: `register-anonymous-${storage}`,
      title: 'POST /agent/auth anonymous',
      kind: 'load',
      storage,
      run: (ctx) => withHost(ctx, storage, (h) => warmThenMeasure(ctx, h, { url: registerUrl(h), method: 'POST', body: ANONYMOUS_BODY })),
    },
    {
      id: `register-id-jag-${storage}`,
      title: 'POST /agent/auth ID-JAG',
      kind: 'load',
      storage,
      run: (ctx) =>
        withHost(ctx, storage, (h) =>
          onePerRequest(
            ctx,
            h,
            registerUrl(h),
            async (count, phase) => {
              ctx.note(`signing ${count.toLocaleString('en-US')} unique ID-JAGs (${phase})`);
              const aud = h.urls.service; // the AS issuer (PROTOCOL.md §1)
              const assertions = await ctx.issuer.signAssertions(count, { aud, resource: resourceUrl(h) });
              return assertions.map((a) => idJagBody(a, 'access_token'));
            },
            { min: ctx.settings.quick ? 500 : 5_000, max: 200_000, cheap: true }, // signing is cheap: be generous
          ),
        ),
    },
    {
      id: `register-verified-email-${storage}`,
      title: 'POST /agent/auth verified email (+ SMTP)',
      kind: 'load',
      storage,
      run: (ctx) =>
        withHost(ctx, storage, (h) => {
          const tag = Math.random().toString(36).slice(2, 8);
          let n = 0;
          return warmThenMeasure(ctx, h, { url: registerUrl(h), method: 'POST', nextBody: () => verifiedEmailBody(`ve-${tag}-${n++}@bench.example`) });
        }),
    },
    {
      id: `resource-api-key-${storage}`,
      title: 'GET /api/resource (API key)',
      kind: 'load',
      storage,
      run: (ctx) =>
        withHost(ctx, storage, async (h) => {
          const { credential } = await registerAnonymous(h.urls.service);
          return warmThenMeasure(ctx, h, { url: resourceUrl(h), method: 'GET', headers: { authorization: `Bearer ${credential}` } });
        }),
    },
    {
      id: `resource-access-token-${storage}`,
      title: 'GET /api/resource (access token)',
      kind: 'load',
      storage,
      run: (ctx) =>
        withHost(ctx, storage, async (h) => {
          const [assertion] = await ctx.issuer.signAssertions(1, { aud: h.urls.service, resource: resourceUrl(h) });
          const { credential } = await registerWithIdJag(h.urls.service, assertion);
          return warmThenMeasure(ctx, h, { url: resourceUrl(h), method: 'GET', headers: { authorization: `Bearer ${credential}` } });
        }),
    },
    {
      id: `claim-complete-${storage}`,
      title: 'POST /agent/auth/claim/complete (right OTP)',
      kind: 'load',
      storage,
      run: (ctx) =>
        withHost(ctx, storage, (h) =>
          onePerRequest(
            ctx,
            h,
            `${h.urls.service}${SERVICE_PATHS.claimComplete}`,
            async (count, phase) => {
              ctx.note(`preparing up to ${count.toLocaleString('en-US')} pending claims with their OTPs (${phase})`);
              const budgetS = phase === 'measured' ? ctx.settings.claimPrepBudgetS : ctx.settings.claimPrepBudgetS / 4;
              const t0 = performance.now();
              const claims = await preparePendingClaims({ service: h.urls.service, mailbox: h.urls.mailbox! }, count, {
                deadline: t0 + budgetS * 1000,
              });
              ctx.note(`${claims.length.toLocaleString('en-US')} ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
              return claims.map((c) => JSON.stringify(c));
            },
            { min: 0, max: ctx.settings.maxPreparedClaims, cheap: false }, // a disturbed claim row is not re-prepared
          ),
        ),
    },
  ];
}

const FLOWS: { id: FlowId; title: string }[] = [
  { id: 'anonymous', title: 'Flow: anonymous → claim (autopilot)' },
  { id: 'verified-email', title: 'Flow: verified email (autopilot)' },
  { id: 'id-jag', title: 'Flow: ID-JAG with consent (autopilot)' },
  { id: 'revocation', title: 'Flow: ID-JAG then revocation (autopilot)' },
];

function flowRows(storage: Storage): RowSpec[] {
  return FLOWS.map((f) => ({
    id: `flow-${f.id}-${storage}`,
    title: f.title,
    kind: 'flow' as const,
    storage,
    run: (ctx: RowContext) =>
      withHost(ctx, storage, async (h) => {
        let before: RssReport | undefined;
        let window: ReturnType<typeof startLoadWindow> | undefined;
        const r: FlowResult = await runFlow(
          { service: h.urls.service, provider: h.urls.provider!, mailbox: h.urls.mailbox! },
          f.id,
          { runs: ctx.settings.flowRuns, warmupRuns: ctx.settings.flowWarmupRuns, beforeMeasured: async () => {
            before = await h.rss();
            window = startLoadWindow();
          } },
        );
        const after = await h.rss();
        const otherCpuPct = before && window ? window.end((after.cpuUs - before.cpuUs) / 1e6) : undefined;
        if (r.failure && r.succeeded === 0) throw new Error(r.failure);
        return {
          runs: r.runs,
          succeeded: r.succeeded,
          medianMs: r.medianMs,
          p99Ms: r.p99Ms,
          meanMs: r.meanMs,
          ...(before && r.succeeded ? { hostCpuMsPerRequest: (after.cpuUs - before.cpuUs) / 1000 / r.succeeded } : {}),
          ...(otherCpuPct !== undefined ? { otherCpuPct } : {}),
          ...(r.failure ? { error: r.failure } : {}),
        };
      }),
  }));
}

function floorRows(): RowSpec[] {
  return [
    {
      id: 'floor-es256-verify',
      title: 'Floor: jose ES256 jwtVerify, in-process loop',
      kind: 'floor',
      storage: null,
      async run(ctx) {
        const { durationS, warmupS, connections } = ctx.settings;
        const child = await spawnHostChild(['--floor', 'es256', '--duration', String(durationS), '--warmup', String(warmupS), '--in-flight', String(connections)]);
        const final = await child.stop();
        const v = child.ready.verify as { verifications: number; durationS: number; perSec: number; cpuMsPerVerification: number; otherCpuPct?: number };
        return {
          requestsPerSec: v.perSec,
          requests: v.verifications,
          durationS: v.durationS,
          connections,
          hostCpuMsPerRequest: v.cpuMsPerVerification,
          ...(v.otherCpuPct !== undefined ? { otherCpuPct: v.otherCpuPct } : {}),
          hostPeakRssBytes: final.peakRssBytes,
        };
      },
    },
    {
      id: 'floor-express-empty',
      title: 'Floor: Express 5 empty handler (GET, res.json({}))',
      kind: 'floor',
      storage: null,
      async run(ctx) {
        const child = await spawnHostChild(['--floor', 'express'], {
          cpuProfileDir: ctx.settings.profileDir && join(ctx.settings.profileDir, ctx.rowId),
        });
        let final: RssReport | undefined;
        try {
          const idle = await child.rss();
          const r = await warmThenMeasure(ctx, child, { url: `${child.urls.service}/`, method: 'GET' });
          final = await child.stop();
          return { ...r, hostIdleRssBytes: idle.rssBytes, hostPeakRssBytes: final.peakRssBytes };
        } finally {
          if (!final) await child.stop().catch(() => undefined);
        }
      },
    },
  ];
}

export function allRows(): RowSpec[] {
  return [
    ...registerRows('memory'),
    ...flowRows('memory'),
    ...registerRows('disk'),
    ...flowRows('disk'),
    ...floorRows(),
  ];
}
