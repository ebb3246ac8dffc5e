/**
 * What the bench measures. Every row has its own host child process for the whole bench (so its
 * peak RSS and its databases are that row's alone); bench/measure.ts says how a row is measured.
 */
import { SERVICE_PATHS } from '../src-servers/protocol/constants.js';
import type { FlowId } from '../src-servers/agent/index.js';
import type { HostChild } from './child.js';
import type { BenchIssuer } from './issuer.js';
import { cpuSpeedProbe } from './machineLoad.js';
import { runFlowRuns } from './flows.js';
import { instanceOn, measureHost, openHost, reusableRow, singleUseRow, spawnForRow, type RowInstance } from './measure.js';
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
  /** Measured seconds per row, split over the rounds. */
  durationS: number;
  /** Warm-up of each round's fresh host. */
  warmupS: number;
  /** How many times every row is measured, in turn, each time on a fresh host (load rows report their best round). */
  rounds: number;
  /** Fewest flow runs per row, split over the rounds (each round also runs for durationS / rounds). */
  flowRuns: number;
  /** Most pending claims prepared for the claim/complete row (each costs 3 requests and a mail). */
  maxPreparedClaims: number;
  /** …and at most this many seconds spent preparing them: the row's rounds share what is ready. */
  claimPrepBudgetS: number;
  /** When set, each host child writes a CPU profile to <dir>/<row id>/. */
  profileDir?: string;
  /** Run each round's host on the fastest core and the bench on the others (bench/cores.ts). */
  pin: boolean;
  /**
   * --smoke: one host per storage serves every row (a host takes about a second to start, so 20 of
   * them would be most of the smoke). Checks the bench's plumbing; the numbers mean nothing.
   */
  shareHosts?: boolean;
  /** Fewest one-time bodies (ID-JAGs, pending claims) a single-use row warms up on (default 300; --quick 100). */
  warmUpBodies?: number;
  /** ms of each of the 3 samples of the machine-speed probe before a window (default 40; bench/machineLoad.ts). */
  speedProbeMs?: number;
  /** Fewest unique ID-JAGs signed for the ID-JAG row's window (default 2,000; --quick 500). */
  idJagBodies?: number;
}

export interface RowContext {
  rowId: string;
  settings: Settings;
  issuer: BenchIssuer;
  /** Short progress notes while a row prepares ("signing 31,000 assertions…"). */
  note: (text: string) => void;
  /** The core this round's host runs on, when pinned (bench/cores.ts). */
  hostCore?: number;
}

export interface RoundSummary {
  headline: number;
  hostCpuMsPerRequest?: number;
  otherCpuPct?: number;
  cpuSpeed?: number;
  diskSyncMs?: number;
  hostKernelPct?: number;
  hostPageFaults?: number;
  hostCore?: number;
  coreSpeeds?: Record<string, number>;
  perSecond?: number[];
}

export interface RowResult {
  id: string;
  title: string;
  kind: 'load' | 'flow' | 'floor';
  storage: Storage | null;
  /** load & floor rows (from the best round) */
  requestsPerSec?: number;
  p50Ms?: number;
  p99Ms?: number;
  meanMs?: number;
  requests?: number;
  durationS?: number;
  connections?: number;
  /** CPU time the host spent per 2xx answer (all its threads) — steadier than req/s on a shared machine. */
  hostCpuMsPerRequest?: number;
  /** % of the whole machine other processes used during the measured window (Linux) — the noise. */
  otherCpuPct?: number;
  /** hashes/ms of a fixed workload just before the window (bench/machineLoad.ts): the machine's own speed */
  cpuSpeed?: number;
  /** ms for one fdatasync'd 4 KiB write in the temp dir just before the window: the disk's own speed */
  diskSyncMs?: number;
  /** % of the host's CPU time spent in the kernel during the window (system calls, page faults) */
  hostKernelPct?: number;
  /** minor page faults of the host during the window */
  hostPageFaults?: number;
  /** the core the host was pinned to, and every core's speed just before (bench/cores.ts); absent when not pinned */
  hostCore?: number;
  coreSpeeds?: Record<string, number>;
  non2xx?: number;
  errors?: number;
  statusCodes?: Record<string, number>;
  perSecond?: number[];
  /** every round's headline (req/s, or median ms for flows) and conditions */
  roundsSummary?: RoundSummary[];
  /** flow rows: all runs of all rounds together */
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
  /** Start the row's host, prepare and warm it up; the instance then measures one round at a time. */
  open(ctx: RowContext): Promise<RowInstance>;
}

/**
 * The mail path (nodemailer's MIME builder, smtp-server, mailparser) is far more code for V8 to
 * compile than any other row's: from a fresh host the verified-email row climbed for 10–20 s
 * (~90 → ~300 req/s) where the others level off within 5 s, so a 5 s warm-up measured it
 * half-compiled. That row warms this many times longer.
 */
export const MAIL_PATH_WARMUP_FACTOR = 3;

const registerUrl = (h: HostChild) => `${h.urls.service}${SERVICE_PATHS.register}`;
const resourceUrl = (h: HostChild) => `${h.urls.service}${SERVICE_PATHS.resource}`;

/** Open the row's host; if preparing fails, stop the host before passing the error on. */
async function onHost(ctx: RowContext, storage: Storage, prepare: (h: HostChild) => Promise<RowInstance>): Promise<RowInstance> {
  const host = await openHost(ctx, storage);
  try {
    return await prepare(host);
  } catch (err) {
    await host.stop().catch(() => undefined);
    throw err;
  }
}

function endpointRows(storage: Storage): RowSpec[] {
  const row = (id: string, title: string, open: RowSpec['open']): RowSpec => ({ id: `${id}-${storage}`, title, kind: 'load', storage, open });
  return [
    row('register-anonymous', 'POST /agent/auth anonymous', (ctx) =>
      onHost(ctx, storage, (h) => reusableRow(ctx, h, { url: registerUrl(h), method: 'POST', body: ANONYMOUS_BODY })),
    ),
    row('register-id-jag', 'POST /agent/auth ID-JAG', (ctx) =>
      onHost(ctx, storage, (h) =>
        singleUseRow(
          ctx,
          h,
          registerUrl(h),
          async (count, phase) => {
            ctx.note(`signing ${count.toLocaleString('en-US')} unique ID-JAGs (${phase})`);
            // aud = the AS issuer, which is the service's base URL (PROTOCOL.md §1)
            const assertions = await ctx.issuer.signAssertions(count, { aud: h.urls.service, resource: resourceUrl(h) });
            return assertions.map((a) => idJagBody(a, 'access_token'));
          },
          { min: ctx.settings.idJagBodies ?? (ctx.settings.quick ? 500 : 2_000), max: 200_000, warmUpPerS: 1_000 }, // signing is cheap: be generous
        ),
      ),
    ),
    row('register-verified-email', 'POST /agent/auth verified email (+ SMTP)', (ctx) =>
      onHost(ctx, storage, (h) => {
        const tag = Math.random().toString(36).slice(2, 8);
        let n = 0;
        return reusableRow(
          ctx,
          h,
          { url: registerUrl(h), method: 'POST', nextBody: () => verifiedEmailBody(`ve-${tag}-${n++}@bench.example`) },
          { warmupFactor: MAIL_PATH_WARMUP_FACTOR },
        );
      }),
    ),
    row('resource-api-key', 'GET /api/resource (API key)', (ctx) =>
      onHost(ctx, storage, async (h) => {
        const { credential } = await registerAnonymous(h.urls.service);
        return reusableRow(ctx, h, { url: resourceUrl(h), method: 'GET', headers: { authorization: `Bearer ${credential}` } });
      }),
    ),
    row('resource-access-token', 'GET /api/resource (access token)', (ctx) =>
      onHost(ctx, storage, async (h) => {
        const [assertion] = await ctx.issuer.signAssertions(1, { aud: h.urls.service, resource: resourceUrl(h) });
        const { credential } = await registerWithIdJag(h.urls.service, assertion);
        return reusableRow(ctx, h, { url: resourceUrl(h), method: 'GET', headers: { authorization: `Bearer ${credential}` } });
      }),
    ),
    row('claim-complete', 'POST /agent/auth/claim/complete (right OTP)', (ctx) =>
      onHost(ctx, storage, (h) =>
        singleUseRow(
          ctx,
          h,
          `${h.urls.service}${SERVICE_PATHS.claimComplete}`,
          async (count, phase) => {
            ctx.note(`preparing up to ${count.toLocaleString('en-US')} pending claims with their OTPs (${phase})`);
            // The time box is per row; each round prepares its share.
            const roundBudgetS = ctx.settings.claimPrepBudgetS / ctx.settings.rounds;
            const budgetS = phase === 'measured' ? roundBudgetS : roundBudgetS / 4;
            const t0 = performance.now();
            const claims = await preparePendingClaims({ service: h.urls.service, mailbox: h.urls.mailbox! }, count, {
              deadline: t0 + budgetS * 1000,
            });
            ctx.note(`${claims.length.toLocaleString('en-US')} ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
            return claims.map((c) => JSON.stringify(c));
          },
          { min: 0, max: ctx.settings.maxPreparedClaims },
        ),
      ),
    ),
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
    open: (ctx: RowContext) =>
      onHost(ctx, storage, async (h) => {
        const urls = { service: h.urls.service, provider: h.urls.provider!, mailbox: h.urls.mailbox! };
        // Warm-up, not timed: as long as a load row's, so the fresh host's JIT has compiled its hot paths.
        await runFlowRuns(urls, f.id, 1, ctx.settings.warmupS * 1000);
        // Measured as long as a load row's round (a few dozen runs), and at least its share of --runs:
        // a round of only a dozen 40 ms flows was over in half a second, so one hiccup moved its median.
        const perRound = Math.max(1, Math.round(ctx.settings.flowRuns / ctx.settings.rounds));
        const roundMs = (ctx.settings.durationS / ctx.settings.rounds) * 1000;
        return instanceOn(h, async () => {
          const { result: r, cpuMs, spend, conditions } = await measureHost(h, () => runFlowRuns(urls, f.id, perRound, roundMs), ctx.settings.speedProbeMs);
          if (r.failure && r.timesMs.length === 0) throw new Error(r.failure);
          return {
            runTimesMs: r.timesMs,
            runs: r.runs,
            ...(r.timesMs.length ? { hostCpuMsPerRequest: cpuMs / r.timesMs.length } : {}),
            ...spend,
            ...conditions,
            ...(r.failure ? { error: r.failure } : {}),
          };
        });
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
      async open(ctx) {
        const { durationS, warmupS, connections, rounds } = ctx.settings;
        let peak = 0;
        // The loop runs in the child before READY: the child is the measurement.
        return {
          async round() {
            const cpuSpeed = cpuSpeedProbe(ctx.settings.speedProbeMs);
            const child = await spawnForRow(ctx, ['--floor', 'es256', '--duration', String(durationS / rounds), '--warmup', String(warmupS), '--in-flight', String(connections)]);
            const final = await child.stop();
            peak = Math.max(peak, final.peakRssBytes);
            const v = child.ready.verify as { verifications: number; durationS: number; perSec: number; cpuMsPerVerification: number; otherCpuPct?: number };
            return {
              requestsPerSec: v.perSec,
              requests: v.verifications,
              durationS: v.durationS,
              connections,
              hostCpuMsPerRequest: v.cpuMsPerVerification,
              ...(v.otherCpuPct !== undefined ? { otherCpuPct: v.otherCpuPct } : {}),
              cpuSpeed,
            };
          },
          close: async () => ({ hostPeakRssBytes: peak }),
        };
      },
    },
    {
      id: 'floor-express-empty',
      title: 'Floor: Express 5 empty handler (GET, res.json({}))',
      kind: 'floor',
      storage: null,
      async open(ctx) {
        const child = await spawnForRow(ctx, ['--floor', 'express']);
        return reusableRow(ctx, child, { url: `${child.urls.service}/`, method: 'GET' });
      },
    },
  ];
}

export function allRows(): RowSpec[] {
  return [...endpointRows('memory'), ...flowRows('memory'), ...endpointRows('disk'), ...flowRows('disk'), ...floorRows()];
}
