/**
 * What the kernel says a process has spent, read from /proc (Linux): the one meter that works the
 * same for our host and for a service someone else started (`npm run bench -- --against-pid`).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const CLK_TCK = 100; // USER_HZ: /proc/<pid>/stat counts in 1/100 s on every Linux we run on

/** CPU ms (user + system, all threads) process `pid` has used so far, or undefined when it cannot be read. */
export function processCpuMs(pid: number): number | undefined {
  try {
    // Fields after the ")" that closes the command name: state is [0], utime [11], stime [12].
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** Resident memory now and its high-water mark (VmRSS, VmHWM), in bytes. */
export function processRss(pid: number): { rssBytes: number; peakRssBytes: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(status.match(new RegExp(`^${name}:\\s*(\\d+) kB`, 'm'))?.[1] ?? NaN) * 1024;
    const rssBytes = kb('VmRSS');
    const peakRssBytes = kb('VmHWM');
    return Number.isFinite(rssBytes) && Number.isFinite(peakRssBytes) ? { rssBytes, peakRssBytes } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Does process `pid` hold the socket listening on `port` (Linux /proc/net/tcp{,6} and /proc/<pid>/fd)?
 * undefined when it cannot be told (not Linux, or another user's process). A wrong --against-pid
 * (a wrapper shell, an npm process) would meter a process that does none of the work.
 */
export function listensOn(pid: number, port: number): boolean | undefined {
  const inodes = new Set<string>();
  try {
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let text = '';
      try {
        text = readFileSync(table, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').slice(1)) {
        const f = line.trim().split(/\s+/);
        // local_address is HEXIP:HEXPORT; st 0A is LISTEN; the inode is field 9.
        if (f.length > 9 && f[3] === '0A' && parseInt(f[1].split(':')[1], 16) === port) inodes.add(f[9]);
      }
    }
    if (inodes.size === 0) return undefined;
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: 'utf8' }) as string;
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1])) return true;
    }
    return false;
  } catch {
    return undefined;
  }
}
