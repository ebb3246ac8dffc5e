/**
 * `npm run bench` — how fast the host is on this machine, and what that costs in memory.
 *
 *   npm run bench                       full run (12 s measured per row in 5 rounds; ≈21 min on 2 cores)
 *   npm run bench -- --quick            a few seconds per row, one round (npm run test:bench checks it)
 *   npm run bench -- --smoke            a fraction of a second per row, one host per storage for all rows:
 *                                       checks the plumbing in seconds (npm test); the numbers mean nothing
 *   npm run bench -- --json             print only the JSON result on stdout
 *   npm run bench -- --out FILE         where to write the JSON (default bench-results.json)
 *   npm run bench -- --only TEXT        only rows whose id contains TEXT (e.g. claim, memory, flow)
 *   npm run bench -- --duration S --warmup S --connections N --runs N --rounds N
 *   npm run bench -- --profile DIR      CPU-profile each host child (then: npx tsx bench/profile-summary.ts DIR/<row>)
 *   npm run bench -- --unpinned         let the scheduler place the host (default: its own core, the fastest; bench/cores.ts)
 *   npm run bench -- --against URL [--against-pid PID] [--issuer-port N] [--no-studio-check]   (--against repeatable)
 *                                       our host (on disk) beside another service, rows interleaved, a ratio per row
 *                                       (bench/against.ts); its ID-JAG issuer listens on 127.0.0.1:N (default 5340),
 *                                       which the other must trust. --duration/--warmup/--rounds/--connections/--only/
 *                                       --quick/--smoke/--profile/--out/--json apply (default 32 connections, 5 rounds)
 *
 * Every row starts its own host (service + provider + mailbox) in a child process
 * (bench/host-process.ts) — once with in-memory databases, once with on-disk databases in a temp
 * dir — and drives it over loopback with autocannon (10 keep-alive connections by default). Rows are
 * measured in 5 rounds (1 with --quick) taken in turn over all rows, each round on a fresh host after
 * a 5 s warm-up (15 s for verified email: bench/rows.ts says why), pinned to the core that is
 * fastest at the time while the bench runs on the others (bench/cores.ts says why), and report
 * their best round (bench/measure.ts says why):
 * requests/s (2xx answers only), p50/p99 latency, the host's CPU ms per request, and its peak RSS
 * (the kernel's maxRSS of the child); each round also notes the machine's speed, the disk's commit
 * time and what other processes used of it (bench/machineLoad.ts). Requests that can be sent only once (ID-JAGs with a unique `jti`, OTP
 * completions) are prepared before the row, unmeasured: assertions are signed by a bench test
 * issuer whose JWKS/CIMD this process serves; pending claims are made through the real ceremony.
 * Flow rows run the simulated agent on autopilot end to end, one run after another for as long as a
 * load row's round (at least --runs in all), and report median/p99 wall time.
 * The cost floor rows show the machine's limits: jose ES256 verifications/s, and an empty Express 5
 * handler's requests/s. Progress goes to stderr; tables (or JSON with --json) to stdout.
 * How to read the numbers, and how stable they are: bench/README.md.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startBenchIssuer } from './issuer.js';
import { warmUpLoadGenerator } from './load.js';
import { allRows, MAIL_PATH_WARMUP_FACTOR, type RowResult, type Settings } from './rows.js';
import { combineRounds, startSharedHosts, stopSharedHosts, type RoundResult, type RowInstance } from './measure.js';
import { percentile } from './flows.js';
import { formatMachine, formatTables, machineInfo } from './report.js';
import { cannotPin, placeHost, unpinBench } from './cores.js';
import { runAgainst } from './against.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench-results.json' },
    only: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    runs: { type: 'string' },
    profile: { type: 'string' },
    rounds: { type: 'string' },
    unpinned: { type: 'boolean', default: false },
    against: { type: 'string', multiple: true },
    'against-pid': { type: 'string', multiple: true },
    'issuer-port': { type: 'string' },
    'no-studio-check': { type: 'boolean', default: false },
  },
});

function numberFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    process.stderr.write(`bench: --${name} must be a positive number, not "${value}"\n`);
    process.exit(2);
  }
  return n;
}

const smoke = values.smoke;
const quick = values.quick || smoke;
/** full run, --quick, --smoke */
const pick = <T>(full: T, quickValue: T, smokeValue: T) => (smoke ? smokeValue : quick ? quickValue : full);
const settings: Settings = {
  quick,
  connections: numberFlag('connections', values.connections, 10),
  durationS: numberFlag('duration', values.duration, pick(12, 2, 0.1)),
  warmupS: numberFlag('warmup', values.warmup, pick(5, 0.5, 0.05)),
  rounds: Math.round(numberFlag('rounds', values.rounds, quick ? 1 : 5)),
  flowRuns: numberFlag('runs', values.runs, pick(60, 5, 1)),
  maxPreparedClaims: pick(20_000, 400, 40),
  claimPrepBudgetS: pick(20, 6, 1),
  warmUpBodies: pick(300, 100, 20),
  idJagBodies: pick(2_000, 500, 50),
  speedProbeMs: pick(40, 40, 5),
  profileDir: values.profile,
  // A shared host was started before any round picked a core for it.
  pin: !values.unpinned && !smoke,
  shareHosts: smoke,
};

const progress = (line: string) => process.stderr.write(`${line}\n`);

/** --against: ours beside another service (bench/against.ts). */
async function against(urls: string[]) {
  for (const url of urls) {
    try {
      new URL(url);
    } catch {
      progress(`bench: --against needs a URL (the other service's base, e.g. http://localhost:8340), not "${url}"`);
      process.exit(2);
    }
  }
  const pids = (values['against-pid'] ?? []).map((p) => numberFlag('against-pid', p, 0));
  if (pids.length > urls.length) {
    progress('bench: more --against-pid than --against: give each pid after its URL');
    process.exit(2);
  }
  await runAgainst({
    others: urls.map((url, i) => ({ url, ...(pids[i] !== undefined ? { pid: pids[i] } : {}) })),
    issuerPort: values['issuer-port'] === undefined ? 5340 : numberFlag('issuer-port', values['issuer-port'], 5340),
    connections: numberFlag('connections', values.connections, 32),
    durationS: numberFlag('duration', values.duration, pick(20, 4, 0.4)),
    warmupS: numberFlag('warmup', values.warmup, pick(3, 1, 0.1)),
    rounds: Math.round(numberFlag('rounds', values.rounds, quick ? 1 : 5)),
    only: values.only,
    pin: !values.unpinned && !smoke,
    profileDir: values.profile,
    out: values.out === 'bench-results.json' ? 'bench-against.json' : values.out!,
    json: values.json,
    studioCheck: !values['no-studio-check'],
  });
}

async function main() {
  if (values.against !== undefined) return against(values.against);
  const machine = machineInfo();
  const loadAtStart = os.loadavg()[0];
  const rows = allRows().filter((r) => !values.only || r.id.includes(values.only));
  if (!rows.length) {
    progress(`bench: no row id contains "${values.only}"`);
    process.exit(2);
  }
  progress(`bench on ${formatMachine(machine)} (load average ${loadAtStart.toFixed(2)})`);
  if (loadAtStart > machine.cores / 2) progress('      note: the machine is busy; the numbers will be lower and noisier than on an idle machine');
  if (settings.pin && cannotPin) progress(`      note: the host cannot be pinned to a core here (${cannotPin}); the scheduler places it`);
  progress(
    `${rows.length} rows × ${settings.rounds} round(s): ${settings.durationS} s measured per row, each round after ${settings.warmupS} s warm-up (verified email ${settings.warmupS * MAIL_PATH_WARMUP_FACTOR} s), ${settings.connections} connections; flows at least ${settings.flowRuns} runs`,
  );

  const issuer = await startBenchIssuer();
  if (settings.shareHosts) startSharedHosts(issuer, [...new Set(rows.flatMap((r) => (r.storage ? [r.storage] : [])))]);
  progress('[0] warming up the load generator…');
  await warmUpLoadGenerator(pick(4, 1, 0.2));
  const results: RowResult[] = [];
  const startedAt = new Date();
  const rounds = new Map<string, RoundResult[]>(rows.map((r) => [r.id, []]));
  const failures = new Map<string, string>();
  const memory = new Map<string, Pick<RowResult, 'hostIdleRssBytes' | 'hostPeakRssBytes'>>();
  const where = (spec: (typeof rows)[number]) => (spec.storage ? ` (${spec.storage === 'memory' ? 'in-memory' : 'on-disk'})` : '');
  try {
    // Round after round over all rows, each time on a fresh host: a slow minute of the machine hits
    // one round of a row, not all of it.
    for (let round = 0; round < settings.rounds; round++) {
      for (const [i, spec] of rows.entries()) {
        if (failures.has(spec.id)) continue;
        const roundLabel = settings.rounds > 1 ? `[round ${round + 1}/${settings.rounds}] ` : '';
        progress(`${roundLabel}[${i + 1}/${rows.length}] ${spec.title}${where(spec)}…`);
        const t0 = performance.now();
        let instance: RowInstance | undefined;
        try {
          const placement = settings.pin ? placeHost() : undefined;
          instance = await spec.open({ rowId: spec.id, settings, issuer, note: (text) => progress(`      ${text}…`), hostCore: placement?.hostCore });
          const r = { ...(await instance.round(round)), ...placement };
          rounds.get(spec.id)!.push(r);
          const mem = await instance.close();
          instance = undefined;
          const seen = memory.get(spec.id);
          memory.set(spec.id, {
            hostIdleRssBytes: seen?.hostIdleRssBytes ?? mem.hostIdleRssBytes,
            hostPeakRssBytes: Math.max(seen?.hostPeakRssBytes ?? 0, mem.hostPeakRssBytes ?? 0),
          });
          const times = [...(r.runTimesMs ?? [])].sort((a, b) => a - b);
          const what = r.runTimesMs
            ? `median ${percentile(times, 0.5).toFixed(0)} ms over ${times.length} runs`
            : `${Math.round(r.requestsPerSec ?? 0).toLocaleString('en-US')}/s${r.p50Ms !== undefined ? `, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms?.toFixed(2)} ms` : ''}`;
          const cpu = r.hostCpuMsPerRequest !== undefined ? `, host CPU ${r.hostCpuMsPerRequest.toFixed(2)} ms` : '';
          const core = r.hostCore !== undefined ? `, on core ${r.hostCore} (${Object.entries(r.coreSpeeds!).map(([c, v]) => `${c}: ${Math.round(v)}`).join(', ')} hashes/ms)` : '';
          const others = (r.otherCpuPct ?? 0) >= 5 ? `, others used ${r.otherCpuPct!.toFixed(0)} % of the machine` : '';
          const warn = r.non2xx ? ` — ${r.non2xx} non-2xx answers ${JSON.stringify(r.statusCodes)}` : '';
          progress(`      ${what}${cpu}${core}${others}${warn} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
        } catch (err) {
          const message = (err as Error).message ?? String(err);
          failures.set(spec.id, message);
          progress(`      FAILED: ${message}`);
          await instance?.close().catch(() => undefined);
        }
      }
    }
    for (const spec of rows) {
      const base: RowResult = { id: spec.id, title: spec.title, kind: spec.kind, storage: spec.storage };
      const error = failures.get(spec.id);
      results.push({ ...base, ...combineRounds(spec.kind, rounds.get(spec.id)!), ...memory.get(spec.id), ...(error ? { error } : {}) });
    }
  } finally {
    unpinBench();
    await stopSharedHosts();
    await issuer.close();
  }

  const report = {
    startedAt: startedAt.toISOString(),
    // Other work on the machine skews every row: the 1-minute load average before and after says how much there was.
    loadAverage: { atStart: loadAtStart, atEnd: os.loadavg()[0] },
    totalSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    quick,
    smoke,
    settings,
    machine,
    rows: results,
  };
  writeFileSync(values.out!, `${JSON.stringify(report, null, 2)}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    process.stdout.write(`\nMachine: ${formatMachine(machine)}\n\n${formatTables(results)}\n\n`);
    process.stdout.write(
      `Load average ${report.loadAverage.atStart.toFixed(2)} at start, ${report.loadAverage.atEnd.toFixed(2)} at end. Written to ${values.out} (${report.totalSeconds} s).\n`,
    );
  }
  const failed = results.filter((r) => r.error && !(r.kind === 'flow' && r.succeeded));
  if (failed.length) {
    progress(`bench: ${failed.length} row(s) failed: ${failed.map((r) => r.id).join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  progress(`bench: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
