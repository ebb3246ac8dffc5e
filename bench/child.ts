/** Spawn bench/host-process.ts and talk to it: wait for READY, ask for its RSS, stop it. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pinnedCommand } from './cores.js';

export interface RssReport {
  peakRssBytes: number;
  sampledPeakRssBytes: number;
  rssBytes: number;
  /** user + system CPU microseconds the child has used so far */
  cpuUs: number;
  /** of which in the kernel (system calls, page faults) */
  systemCpuUs: number;
  /** minor page faults so far: memory the kernel had to map in for it */
  minorPageFaults: number;
  /** V8's heap now and its sampled high-water mark, and memory outside it (Buffers) */
  heapTotalBytes?: number;
  peakHeapTotalBytes?: number;
  externalBytes?: number;
}

export interface HostChild {
  urls: { service: string; provider?: string; mailbox?: string; smtp?: string };
  pid: number;
  /** Everything the READY line carried (the es256 floor puts its result there). */
  ready: Record<string, unknown>;
  /** The child's memory right after READY, before any load: its idle RSS. */
  startRss: RssReport;
  rss(): Promise<RssReport>;
  /** Stop the child; resolves with its final RSS report. */
  stop(): Promise<RssReport>;
}

/** Pids of the children alive now: their CPU is ours, not "other processes'" (bench/machineLoad.ts). */
export const liveChildPids = new Set<number>();

/**
 * The V8 flags `npm run serve` / `npm run web` start the host with (package.json), so the bench
 * measures the host as shipped. Under load the host's live heap after a full GC is ~30 MB, but V8
 * let its old space grow ~4× past that between major GCs (peak RSS ~270 MB on reads); with a
 * 512 MB ceiling it grows about half as far (peak ~190 MB, CPU per request unchanged) — and 512 MB
 * is still ~17× what the host keeps.
 */
export const HOST_NODE_FLAGS = ['--max-old-space-size=512'];

const HOST_PROCESS = fileURLToPath(new URL('./host-process.ts', import.meta.url));
const START_TIMEOUT_MS = 30_000;

/**
 * `node --import tsx` rather than `npx tsx`: the same TypeScript loader, but the spawned pid *is* the
 * measured process (no npx/tsx wrapper processes in between), so stopping it is exact.
 */
export function spawnHostChild(args: string[], opts: { cpuProfileDir?: string; /** run it on this core only */ core?: number } = {}): Promise<HostChild> {
  // --cpu-prof writes a .cpuprofile when the child exits (open it in Chrome DevTools, or bench/profile-summary.ts).
  const nodeArgs = [...HOST_NODE_FLAGS, ...(opts.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfileDir}`] : [])];
  // taskset execs node in place, so the pid is still the measured process's (bench/cores.ts).
  const argv = [...(opts.core !== undefined ? pinnedCommand(opts.core) : []), process.execPath, ...nodeArgs, '--import', 'tsx', HOST_PROCESS, ...args];
  const [cmd, ...rest] = argv;
  const child: ChildProcessWithoutNullStreams = spawn(cmd, rest, {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderrTail = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-4000);
  });

  const waiters: { prefix: string; resolve: (rest: string) => void }[] = [];
  let exited = false;
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    const i = waiters.findIndex((w) => line.startsWith(w.prefix));
    if (i < 0) return;
    const [w] = waiters.splice(i, 1);
    w.resolve(line.slice(w.prefix.length));
  });

  function next(prefix: string, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      if (exited) return reject(new Error(`host process has exited\n${stderrTail}`));
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`host process exited (${code}) before ${prefix.trim()}\n${stderrTail}`));
      };
      const timer = setTimeout(() => {
        child.off('exit', onExit);
        reject(new Error(`host process: no ${prefix.trim()} within ${timeoutMs} ms\n${stderrTail}`));
      }, timeoutMs);
      child.once('exit', onExit);
      waiters.push({
        prefix,
        resolve: (rest) => {
          clearTimeout(timer);
          child.off('exit', onExit);
          resolve(rest);
        },
      });
    });
  }
  if (child.pid) liveChildPids.add(child.pid);
  child.on('exit', () => {
    if (child.pid) liveChildPids.delete(child.pid);
    exited = true;
  });

  return next('READY ', START_TIMEOUT_MS).then(async (rest) => {
    const ready = JSON.parse(rest) as HostChild['urls'] & { pid: number };
    const askRss = async () => {
      const p = next('RSS ', 10_000);
      child.stdin.write('rss\n');
      return JSON.parse(await p) as RssReport;
    };
    const startRss = await askRss();
    return {
      startRss,
      urls: ready,
      pid: ready.pid,
      ready,
      rss: askRss,
      async stop() {
        const last = next('RSS ', 10_000);
        child.stdin.write('stop\n');
        try {
          return JSON.parse(await last) as RssReport;
        } finally {
          if (!exited) await new Promise<void>((r) => child.once('exit', () => r()));
        }
      },
    };
  });
}
