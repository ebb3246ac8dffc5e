import { closeSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { HostUrls } from './host.js';

/**
 * One host per data dir (DESIGN.md rule 5: each role owns its storage): two hosts sharing the
 * databases would race each other's sweeps and serve two sets of ports for one set of users. The
 * lock is a file naming its holder (PID, URLs), created exclusively; a lock whose process is gone —
 * a host killed with SIGKILL — is stale and taken over.
 */
export const LOCK_FILE = 'host.lock';

interface Holder {
  pid: number;
  startedAt: string;
  urls?: HostUrls;
}

export class DataDirInUseError extends Error {}

export interface DataDirLock {
  /** Record where this host listens, for the message a second host prints. */
  update(urls: HostUrls): void;
  release(): void;
}

/** Data dirs this process holds: a PID match alone cannot tell a live in-process host from a leftover. */
const heldHere = new Set<string>();

export function acquireDataDirLock(dataDir: string): DataDirLock {
  const file = join(dataDir, LOCK_FILE);
  const me: Holder = { pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const holder = readHolder(file);
    if (holder && isRunning(holder.pid) && (holder.pid !== process.pid || heldHere.has(file))) {
      throw new DataDirInUseError(describe(holder, dataDir));
    }
    rmSync(file, { force: true }); // stale: its host is gone
  }
  heldHere.add(file);
  let released = false;
  return {
    update(urls) {
      if (released) return;
      // Written aside and renamed over: a second host never reads a half-written lock (and takes it for stale).
      const next = `${file}.${process.pid}.tmp`;
      writeFileSync(next, JSON.stringify({ ...me, urls }), { mode: 0o600 });
      renameSync(next, file);
    },
    release() {
      if (released) return;
      released = true;
      heldHere.delete(file);
      // Only our own lock: a host that took over a lock it thought stale must keep its file.
      if (readHolder(file)?.pid === process.pid) rmSync(file, { force: true });
    },
  };
}

function readHolder(file: string): Holder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>;
    return typeof parsed.pid === 'number' ? (parsed as Holder) : undefined;
  } catch {
    return undefined; // unreadable or half-written: treated as stale
  }
}

/** Signal 0 checks that the process exists; EPERM means it does, under another user. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describe(holder: Holder, dataDir: string): string {
  const where = holder.urls ? `, service ${holder.urls.service}, provider ${holder.urls.provider}, mailbox ${holder.urls.mailbox}` : '';
  return `another host (PID ${holder.pid}${where}, started ${holder.startedAt}) is already using the data dir ${dataDir}. ` +
    'Stop it first, or start this one with another --data-dir (or --in-memory).';
}
