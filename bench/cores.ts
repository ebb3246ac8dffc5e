/**
 * Which core the measured host runs on.
 *
 * The cores of a virtual machine are not always equally fast. On our 2-vCPU VM one core ran about a
 * third slower than the other for minutes at a time, idle (a SHA-256 loop pinned to each: ~510 vs
 * ~330 hashes/ms), and it was not always the same core. Left to the scheduler, the host landed on
 * either, so a round — sometimes every round of a row in a run — was fast or slow by luck.
 * So each round probes every core, pins the host to the fastest one and the bench itself (load
 * generator, simulated agent, assertion signing) to the others: the host gets exactly one core, the
 * fastest there is at the time, and never shares it with the bench.
 * (Flow rows too, though the agent then runs on the slower core. Letting the agent share the host's
 * core was tried: flows took 20–30 % longer and swung more between runs — a flow is a ping-pong, and
 * on one core the host's work after each answer stands in the agent's way.)
 *
 * Linux with `taskset` (util-linux) and at least two usable cores; elsewhere nothing is pinned and
 * each round says so (no `hostCore` in the JSON).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hashLoop } from './machineLoad.js';

/** "0-3,6" (as in /proc/self/status Cpus_allowed_list) → [0, 1, 2, 3, 6]. */
export function parseCpuList(list: string): number[] {
  const cores: number[] = [];
  for (const part of list.trim().split(',').filter(Boolean)) {
    const [from, to = from] = part.split('-').map(Number);
    if (!Number.isInteger(from) || !Number.isInteger(to) || to < from) throw new Error(`not a CPU list: "${list}"`);
    for (let c = from; c <= to; c++) cores.push(c);
  }
  return cores;
}

/** The cores this process may use when the bench starts (before it pins itself), or [] off Linux. */
function coresAtStart(): number[] {
  try {
    const line = readFileSync('/proc/self/status', 'utf8').match(/^Cpus_allowed_list:\s*(.+)$/m);
    return line ? parseCpuList(line[1]) : [];
  } catch {
    return [];
  }
}

/** Move every thread of process `pid` to `cores`. */
function pin(pid: number, cores: number[]): void {
  execFileSync('taskset', ['-a', '-p', '-c', cores.join(','), String(pid)], { stdio: 'ignore' });
}

/** Can this process set its own affinity? (A no-op pin: no taskset, or a container that forbids it, says no.) */
function canSetAffinity(cores: number[]): boolean {
  try {
    pin(process.pid, cores);
    return true;
  } catch {
    return false;
  }
}

const usable = coresAtStart();
/** Why the bench cannot pin here, or undefined when it can. */
export const cannotPin: string | undefined =
  usable.length < 2
    ? `${usable.length || 'unknown number of'} usable core(s)`
    : !canSetAffinity(usable)
      ? 'no taskset command (util-linux), or setting CPU affinity is not allowed'
      : undefined;

/** The command prefix that runs a program on `core` only. */
export function pinnedCommand(core: number): string[] {
  return ['taskset', '-c', String(core)];
}

export interface Placement {
  /** the core the host runs on */
  hostCore: number;
  /** SHA-256 hashes/ms of each usable core just before the round, by core number */
  coreSpeeds: Record<string, number>;
}

/**
 * bench/machineLoad.ts hashLoop for 120 ms after a 30 ms warm-up, in a fresh node pinned to the
 * core. A fresh process, because in the bench process the probe would share the core with the
 * bench's own garbage collector threads cleaning up after the last round.
 */
const PROBE = `const hashLoop = ${hashLoop.toString()};
const { createHash } = require('node:crypto');
hashLoop(30, createHash);
process.stdout.write(String(hashLoop(120, createHash)));`;

export function coreSpeed(core: number): number {
  return Number(execFileSync('taskset', ['-c', String(core), process.execPath, '-e', PROBE], { encoding: 'utf8' }));
}

/** Probe every usable core, then leave this process on all cores but the fastest, which the host gets (spawn it with `hostCore`). */
export function placeHost(): Placement | undefined {
  if (cannotPin) return undefined;
  const coreSpeeds: Record<string, number> = {};
  for (const core of usable) coreSpeeds[core] = coreSpeed(core);
  const hostCore = usable.reduce((best, core) => (coreSpeeds[core] > coreSpeeds[best] ? core : best));
  pin(process.pid, usable.filter((c) => c !== hostCore));
  return { hostCore, coreSpeeds };
}

/** Pin every thread of another process (`npm run bench -- --against-pid`, bench/against.ts) to `core`, or give it back all the bench's cores. */
export function pinProcess(pid: number, core?: number): void {
  pin(pid, core === undefined ? usable : [core]);
}

/** Give this process all its cores back. */
export function unpinBench(): void {
  if (!cannotPin) pin(process.pid, usable);
}
