/**
 * How much of the machine did *other* processes use while a row was measured? On a shared box
 * (other sessions, CI, a browser) this, not our code, is what moves the numbers between runs.
 * Linux only: busy time from /proc/stat minus the CPU time of the bench and the host child.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

const CLK_TCK = 100; // USER_HZ: /proc/stat counts in 1/100 s on every Linux we run on

/** Seconds all CPUs spent busy since boot (user, nice, system, irq, softirq, steal), or undefined off Linux. */
function machineBusySeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = fields;
    return (user + nice + system + irq + softirq + (steal ?? 0)) / CLK_TCK;
  } catch {
    return undefined;
  }
}

export interface LoadWindow {
  /** Percent of the whole machine (all cores) busy with work that was neither the bench nor the host. */
  end(hostCpuSeconds: number): number | undefined;
}

export function startLoadWindow(): LoadWindow {
  const busy0 = machineBusySeconds();
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  return {
    end(hostCpuSeconds) {
      const busy1 = machineBusySeconds();
      if (busy0 === undefined || busy1 === undefined) return undefined;
      const own = process.cpuUsage(own0);
      const ownSeconds = (own.user + own.system) / 1e6 + hostCpuSeconds;
      const wall = (performance.now() - t0) / 1000;
      const other = Math.max(0, busy1 - busy0 - ownSeconds);
      return Math.min(100, (100 * other) / (wall * os.availableParallelism()));
    },
  };
}
