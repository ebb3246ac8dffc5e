/**
 * How much of the machine did *other* processes use while a row was measured? On a shared box
 * (other sessions, CI, a browser) this, not our code, is what moves the numbers between runs.
 * Linux only: busy time from /proc/stat minus the CPU time of the bench and the host child.
 */
import { closeSync, fdatasyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { createHash } from 'node:crypto';

const CLK_TCK = 100; // USER_HZ: /proc/stat counts in 1/100 s on every Linux we run on

/**
 * Seconds all CPUs spent busy in processes since boot (user, nice, system, steal), or undefined off
 * Linux. Interrupt work (irq, softirq) is charged to no process and is left out: during a row it is
 * nearly all the loopback traffic of the row itself (~0.1–0.3 s per 2.4 s window).
 */
function machineBusySeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , , , steal] = fields;
    return (user + nice + system + (steal ?? 0)) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** CPU seconds used so far by the given processes (Linux /proc/<pid>/stat utime + stime). */
function processesCpuSeconds(pids: Iterable<number>): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      // Fields after the ")" that closes the command name: state is [0], utime [11], stime [12].
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* exited meanwhile */
    }
  }
  return ticks / CLK_TCK;
}

export interface LoadWindow {
  /** Percent of the whole machine (all cores) busy with work that was neither the bench nor its hosts. */
  end(hostCpuSeconds: number): number | undefined;
}

/**
 * `ownChildren`: pids of our other child processes (the hosts of other rows, idle between rounds):
 * their CPU is ours too. `hostCpuSeconds` passed to end() is the measured host's own.
 */
export function startLoadWindow(ownChildren: () => Iterable<number> = () => []): LoadWindow {
  const busy0 = machineBusySeconds();
  const own0 = process.cpuUsage();
  const pids = [...ownChildren()];
  const children0 = processesCpuSeconds(pids);
  const t0 = performance.now();
  return {
    end(hostCpuSeconds) {
      const busy1 = machineBusySeconds();
      if (busy0 === undefined || busy1 === undefined) return undefined;
      const own = process.cpuUsage(own0);
      const children = processesCpuSeconds(pids) - children0;
      const ownSeconds = (own.user + own.system) / 1e6 + hostCpuSeconds + children;
      const wall = (performance.now() - t0) / 1000;
      const other = Math.max(0, busy1 - busy0 - ownSeconds);
      return Math.min(100, (100 * other) / (wall * os.availableParallelism()));
    },
  };
}

/**
 * The fixed CPU-bound workload every speed probe times: SHA-256 over 1 KiB for `ms`, in hashes per
 * millisecond. Self-contained (the hash function is a parameter) so that bench/cores.ts can run this
 * very function in a fresh process pinned to a core.
 */
export function hashLoop(ms: number, hash: typeof createHash): number {
  const data = Buffer.alloc(1024, 7);
  const t0 = performance.now();
  const until = t0 + ms;
  let n = 0;
  while (performance.now() < until) {
    for (let i = 0; i < 50; i++) hash('sha256').update(data).digest();
    n += 50;
  }
  return n / (performance.now() - t0);
}

/**
 * hashLoop in the bench process, best of 3 × 40 ms (or `sampleMs`). On a virtual machine the same work can take a
 * different time from one minute to the next without any process of ours seeing it in /proc/stat.
 * Taken in the bench process it shares a core with the bench's own garbage-collector threads, so it
 * is a rough sign only; each core's own speed comes from bench/cores.ts.
 */
export function cpuSpeedProbe(sampleMs = 40): number {
  return Math.max(...[sampleMs, sampleMs, sampleMs].map((ms) => hashLoop(ms, createHash)));
}

/**
 * How long the disk takes to commit right now: the median of 15 × (write 4 KiB, fdatasync) in the
 * temp dir where on-disk hosts keep their databases, in ms. On disk every request commits (WAL):
 * this tells a round on a slow disk from a round that was slow for another reason.
 */
export function diskSyncProbe(dir = os.tmpdir()): number | undefined {
  const file = join(dir, `ars-bench-sync-${process.pid}`);
  try {
    const fd = openSync(file, 'w');
    const block = Buffer.alloc(4096, 1);
    const times: number[] = [];
    try {
      for (let i = 0; i < 15; i++) {
        const t0 = performance.now();
        writeSync(fd, block, 0, block.length, 0);
        fdatasyncSync(fd);
        times.push(performance.now() - t0);
      }
    } finally {
      closeSync(fd);
      rmSync(file, { force: true });
    }
    return times.sort((a, b) => a - b)[7];
  } catch {
    return undefined;
  }
}
