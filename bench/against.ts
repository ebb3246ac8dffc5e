/**
 * `npm run bench -- --against URL [--against-pid PID]`: our service beside another implementation,
 * the same rows, the same load generator, rounds interleaved.
 *
 * Ours is our host on disk with the trace on, as `npm run serve` ships it, in a child process on free
 * ports; the other is whatever listens at URL (the bench never starts or stops it). Both are found the
 * same way, from outside (RFC 9728 protected resource metadata → RFC 8414 authorization server
 * metadata: the register endpoint and the ID-JAG audience), and get the same three rows:
 *   anonymous — POST register, anonymous, api_key (PROTOCOL.md §2)
 *   read      — GET /api/resource with an API key from one anonymous registration (PROTOCOL.md §5)
 *   id-jag    — POST register with a unique ID-JAG per request, signed beforehand (unmeasured) by
 *               the bench's issuer, which the other service must trust (the bench prints its URL)
 * Each round takes every row in turn; within a row the two services alternate which goes first.
 * Each gets a warm-up, then one measured window. A row reports, per service, its best round's req/s
 * and p99 (as bench/measure.ts reports a row's best round) and the median over rounds of server CPU
 * ms per 2xx answer, read from /proc/<pid>/stat for both (with --against-pid): the figure to trust
 * on a shared machine. Without the PID the other's CPU is unknown and nobody is pinned; with it, each
 * round pins both servers to the same core, the fastest at the time, and the bench to the others
 * (bench/cores.ts), and gives the other back the bench's cores at the end.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnHostChild, type HostChild } from './child.js';
import { cannotPin, pinProcess, placeHost, unpinBench } from './cores.js';
import { startBenchIssuer, type BenchIssuer } from './issuer.js';
import { probe, runLoad, warmUpLoadGenerator, type LoadResult, type LoadSpec } from './load.js';
import { benchHostConfig } from './measure.js';
import { ANONYMOUS_BODY, idJagBody } from './prepare.js';
import { listensOn, processCpuMs, processRss } from './procStat.js';
import { SERVICE_PATHS } from '../src-servers/protocol/constants.js';
import { formatAgainst, type AgainstReport, type AgainstRow, type TargetRound, type TargetSummary } from './againstReport.js';
import { studioUnderLoad, type StudioCheck } from './studioCheck.js';

export interface AgainstOptions {
  /** the other services, each with its server's pid when known (--against URL --against-pid PID, repeatable, in order) */
  others: { url: string; pid?: number }[];
  issuerPort: number;
  connections: number;
  /** measured seconds per row and service, split over the rounds */
  durationS: number;
  /** warm-up seconds before every window */
  warmupS: number;
  rounds: number;
  only?: string;
  pin: boolean;
  profileDir?: string;
  out: string;
  json: boolean;
  /** run one autopilot flow through our studio during a load window and check it shows every exchange */
  studioCheck: boolean;
}

/** How a service is reached, found from outside as any client finds it. */
interface Target {
  /** 'ours', or the other's URL */
  name: string;
  base: string;
  pid?: number;
  register: string;
  resource: string;
  /** the ID-JAG `aud`: the authorization server's issuer (PROTOCOL.md §1) */
  audience: string;
  /** the ID-JAG `resource`: the protected resource's identifier (RFC 9728 `resource`) */
  resourceId: string;
  apiKey?: string;
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

async function getJson(url: string): Promise<any> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${url} → ${res.status}`);
  return res.json();
}

/** RFC 9728 → RFC 8414, as an agent would; v0.1 AS metadata may lack `issuer` (the reference's does): then authorization_servers[0]. */
async function discover(name: Target['name'], base: string, pid?: number): Promise<Target> {
  const root = base.replace(/\/+$/, '');
  const prm = await getJson(`${root}${SERVICE_PATHS.protectedResourceMetadata}`);
  const as = String(prm.authorization_servers?.[0] ?? root).replace(/\/+$/, '');
  const asm = await getJson(`${as}${SERVICE_PATHS.authorizationServerMetadata}`).catch(() => ({}));
  return {
    name,
    base: root,
    pid,
    register: asm.agent_auth?.register_uri ?? `${as}${SERVICE_PATHS.register}`,
    resource: `${root}${SERVICE_PATHS.resource}`,
    audience: asm.issuer ?? as,
    resourceId: String(prm.resource ?? `${root}${SERVICE_PATHS.resource}`),
  };
}

/** One window against one service: the load, and the server CPU it cost (when its pid is known). */
async function window(t: Target, spec: LoadSpec): Promise<TargetRound> {
  const cpu0 = t.pid ? processCpuMs(t.pid) : undefined;
  const r: LoadResult = await runLoad(spec);
  const cpu1 = t.pid ? processCpuMs(t.pid) : undefined;
  return {
    requestsPerSec: r.requestsPerSec,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    requests: r.ok,
    non2xx: r.non2xx,
    errors: r.errors,
    statusCodes: r.statusCodes,
    ...(cpu0 !== undefined && cpu1 !== undefined && r.ok > 0 ? { cpuMsPerRequest: (cpu1 - cpu0) / r.ok } : {}),
  };
}

interface RowPlan {
  id: 'anonymous' | 'read' | 'id-jag';
  title: string;
  /** warm up `t`, then measure one window of `seconds` */
  measure(t: Target, seconds: number): Promise<TargetRound>;
}

function rowPlans(o: AgainstOptions, issuer: BenchIssuer): RowPlan[] {
  const c = o.connections;
  /** the last measured rate per service: how many single-use bodies the next window needs */
  const lastRate = new Map<string, number>();
  const reusable = (spec: (t: Target) => Omit<LoadSpec, 'connections' | 'durationS'>) => async (t: Target, seconds: number) => {
    await runLoad({ ...spec(t), connections: c, durationS: o.warmupS });
    const w = await window(t, { ...spec(t), connections: c, durationS: seconds });
    // autocannon drops what is in flight when time is up: a server slower than the window per
    // request (a busy machine, --smoke) would report nothing. Measure longer once (as bench/measure.ts does).
    return w.requests > 0 ? w : window(t, { ...spec(t), connections: c, durationS: seconds * 3 });
  };
  return [
    {
      id: 'anonymous',
      title: 'POST /agent/auth anonymous',
      measure: reusable((t) => ({ url: t.register, method: 'POST', body: ANONYMOUS_BODY })),
    },
    {
      id: 'read',
      title: 'GET /api/resource (API key)',
      measure: reusable((t) => ({ url: t.resource, method: 'GET', headers: { authorization: `Bearer ${t.apiKey}` } })),
    },
    {
      id: 'id-jag',
      title: 'POST /agent/auth ID-JAG',
      async measure(t, seconds) {
        // Every ID-JAG is single-use (a unique jti, PROTOCOL.md §2): sign enough for the warm-up and
        // for twice the last rate over the window, before either starts.
        const sign = async (n: number) =>
          (await issuer.signAssertions(n, { aud: t.audience, resource: t.resourceId })).map((a) => idJagBody(a, 'access_token'));
        const rate = lastRate.get(t.name) ?? 1_500;
        const warm = await sign(Math.max(200, Math.ceil(rate * o.warmupS * 1.5)));
        const bodies = await sign(Math.max(c * 4, Math.ceil(rate * seconds * 2)));
        const pool = (list: string[]) => {
          let i = 0;
          return Object.assign(() => list[Math.min(i++, list.length - 1)], { left: () => Math.max(0, list.length - i) });
        };
        await runLoad({ url: t.register, method: 'POST', nextBody: pool(warm), connections: c, durationS: o.warmupS, maxRequests: warm.length - 1 });
        const next = pool(bodies);
        let w = await window(t, { url: t.register, method: 'POST', nextBody: next, connections: c, durationS: seconds, maxRequests: bodies.length });
        if (w.requests === 0 && next.left() > 0) w = await window(t, { url: t.register, method: 'POST', nextBody: next, connections: c, durationS: seconds * 3, maxRequests: next.left() });
        if (w.requestsPerSec > 0) lastRate.set(t.name, w.requestsPerSec);
        return w;
      },
    },
  ];
}

/** A first request of every row, with fetch, insisting on 2xx: a row that fails would time how fast a service says no. */
async function check(t: Target, issuer: BenchIssuer): Promise<void> {
  const who = t.name === 'ours' ? 'our host' : t.base;
  const reg = await fetch(t.register, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ANONYMOUS_BODY });
  const body = (await reg.json().catch(() => ({}))) as { credential?: string };
  if (!reg.ok || !body.credential) throw new Error(`${who}: anonymous registration answered ${reg.status}`);
  t.apiKey = body.credential;
  await probe({ url: t.resource, method: 'GET', headers: { authorization: `Bearer ${t.apiKey}` } });
  const [assertion] = await issuer.signAssertions(1, { aud: t.audience, resource: t.resourceId });
  try {
    await probe({ url: t.register, method: 'POST', body: idJagBody(assertion, 'access_token') });
  } catch (err) {
    throw new Error(`${who}: an ID-JAG from the bench issuer was refused — does it trust ${issuer.url}? (${(err as Error).message})`);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : undefined;
};

export async function runAgainst(o: AgainstOptions): Promise<void> {
  // The key outlives the run: the other service may cache the issuer's JWKS without refetching (bench/issuer.ts).
  const keyFile = join(tmpdir(), 'ars-bench', `issuer-${o.issuerPort}.jwk.json`);
  const issuer = await startBenchIssuer(o.issuerPort, keyFile).catch((err) => {
    throw new Error(`the bench issuer cannot listen on 127.0.0.1:${o.issuerPort} (${(err as Error).message}); pick another with --issuer-port`);
  });
  progress(`bench --against ${o.others.map((x) => x.url).join(' ')}: the other service must trust the bench's ID-JAG issuer ${issuer.url}`);
  progress(`      (the v0.1 reference: REFERENCE_TRUSTED_ISSUERS=${issuer.url} ../shared/reference/run.sh v0.1)`);
  const pids = o.others.flatMap((x) => (x.pid !== undefined ? [x.pid] : []));
  const pinning = o.pin && pids.length === o.others.length && !cannotPin;
  if (pids.length < o.others.length) progress("      without an --against-pid for each: the other's CPU per request is unknown, and no server is pinned");
  else if (o.pin && cannotPin) progress(`      note: cannot pin here (${cannotPin})`);
  let host: HostChild | undefined;
  let studio: StudioCheck | undefined;
  try {
    host = await spawnHostChild(['--storage', 'disk', '--config', JSON.stringify(benchHostConfig(issuer))], { cpuProfileDir: o.profileDir });
    const ours = await discover('ours', host.urls.service, host.pid);
    const others = await Promise.all(o.others.map((x) => discover(x.url, x.url, x.pid)));
    for (const t of others) {
      if (t.pid === undefined) continue;
      const { port, protocol } = new URL(t.base);
      const owns = listensOn(t.pid, Number(port || (protocol === 'https:' ? 443 : 80)));
      if (owns === false) throw new Error(`--against-pid ${t.pid} does not hold the socket listening at ${t.base}: give the server process's pid (not a wrapper shell's or npm's)`);
    }
    for (const t of [ours, ...others]) await check(t, issuer);
    progress(`      ours: ${ours.base} (pid ${host.pid}, on disk, trace on), ID-JAG aud ${ours.audience}`);
    for (const t of others) progress(`      other: ${t.base}${t.pid ? ` (pid ${t.pid})` : ''}, ID-JAG aud ${t.audience}`);
    await warmUpLoadGenerator(o.warmupS > 1 ? 2 : 0.2);

    const plans = rowPlans(o, issuer).filter((p) => !o.only || p.id.includes(o.only));
    const targets = [ours, ...others];
    const rounds = new Map(plans.map((p) => [p.id, new Map(targets.map((t) => [t.name, [] as TargetRound[]]))]));
    const seconds = o.durationS / o.rounds;
    for (let round = 0; round < o.rounds; round++) {
      for (const plan of plans) {
        // Who goes first turns round by round.
        const order = targets.map((_, i) => targets[(i + round) % targets.length]);
        for (const t of order) {
          if (pinning) {
            const { hostCore } = placeHost()!;
            for (const pid of [host.pid, ...pids]) pinProcess(pid, hostCore);
          }
          const r = await plan.measure(t, seconds);
          rounds.get(plan.id)!.get(t.name)!.push(r);
          const cpu = r.cpuMsPerRequest !== undefined ? `, CPU ${r.cpuMsPerRequest.toFixed(3)} ms/req` : '';
          const bad = r.non2xx ? ` — ${r.non2xx} non-2xx ${JSON.stringify(r.statusCodes)}` : '';
          progress(`[round ${round + 1}/${o.rounds}] ${plan.title} ${t.name}: ${Math.round(r.requestsPerSec)}/s, p99 ${r.p99Ms.toFixed(1)} ms${cpu}${bad}`);
        }
      }
    }
    const final = await host.stop();
    const memory = {
      oursIdleRssBytes: host.startRss.rssBytes,
      oursPeakRssBytes: final.peakRssBytes,
      ...(final.peakHeapTotalBytes ? { oursPeakHeapBytes: final.peakHeapTotalBytes } : {}),
      others: o.others.map((x) => (x.pid !== undefined ? (processRss(x.pid) ?? null) : null)),
    };
    host = undefined;
    if (o.studioCheck) {
      // A host of its own with the studio on (a studio nobody watches would be a different host to measure).
      progress('      the studio under load: an autopilot ID-JAG flow through our studio while anonymous registrations load the service…');
      host = await spawnHostChild(['--storage', 'disk', '--studio', '--config', JSON.stringify(benchHostConfig(issuer))]);
      const register = (await discover('ours', host.urls.service)).register;
      studio = await studioUnderLoad(host, o.connections, () => runLoad({ url: register, method: 'POST', body: ANONYMOUS_BODY, connections: o.connections, durationS: Math.max(1.5, seconds) }));
      await host.stop();
      host = undefined;
      progress(`      ${studio.ok ? 'OK' : 'FAILED'}: ${studio.detail}`);
    }

    const summary = (list: TargetRound[]): TargetSummary => {
      const best = list.reduce((a, b) => (b.requestsPerSec > a.requestsPerSec ? b : a));
      const cpu = median(list.flatMap((x) => (x.cpuMsPerRequest !== undefined ? [x.cpuMsPerRequest] : [])));
      return { requestsPerSec: best.requestsPerSec, p99Ms: best.p99Ms, p50Ms: best.p50Ms, ...(cpu !== undefined ? { cpuMsPerRequest: cpu } : {}), non2xx: list.reduce((n, x) => n + x.non2xx, 0), rounds: list };
    };
    const rows: AgainstRow[] = plans.map((p) => {
      const r = rounds.get(p.id)!;
      return { id: p.id, title: p.title, ours: summary(r.get('ours')!), others: others.map((t) => summary(r.get(t.name)!)) };
    });
    const report: AgainstReport = {
      others: o.others.map((x) => ({ url: x.url, pid: x.pid ?? null })),
      issuer: issuer.url,
      connections: o.connections,
      rounds: o.rounds,
      secondsPerWindow: seconds,
      warmupS: o.warmupS,
      pinned: pinning,
      rows,
      memory,
      ...(studio ? { studio } : {}),
    };
    writeFileSync(o.out, `${JSON.stringify(report, null, 2)}\n`);
    if (o.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(`\n${formatAgainst(report)}\n\nWritten to ${o.out}.\n`);
    if (rows.some((r) => r.ours.non2xx || r.others.some((x) => x.non2xx)) || (studio && !studio.ok)) process.exitCode = 1;
  } finally {
    if (pinning) {
      unpinBench();
      for (const pid of pids) {
        try {
          pinProcess(pid); // back to every core the bench had
        } catch {
          /* it has exited */
        }
      }
    }
    await host?.stop().catch(() => undefined);
    await issuer.close();
  }
}
