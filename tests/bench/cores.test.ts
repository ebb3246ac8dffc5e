/** Pinning the measured host to the fastest core (bench/cores.ts): real affinities, read back from /proc. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { spawnHostChild } from '../../bench/child.js';
import { cannotPin, coreSpeed, parseCpuList, placeHost, unpinBench } from '../../bench/cores.js';

const allowedCores = (pid: number | 'self') =>
  parseCpuList(readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Cpus_allowed_list:\s*(.+)$/m)![1]);

describe('parseCpuList', () => {
  it('reads the kernel’s CPU list format', () => {
    expect(parseCpuList('0')).toEqual([0]);
    expect(parseCpuList('0-1')).toEqual([0, 1]);
    expect(parseCpuList('0-2,5,7-8\n')).toEqual([0, 1, 2, 5, 7, 8]);
  });

  it('refuses what is not one', () => {
    expect(() => parseCpuList('3-1')).toThrow(/not a CPU list/);
    expect(() => parseCpuList('a')).toThrow(/not a CPU list/);
  });
});

describe.skipIf(cannotPin !== undefined)(`pinning (${cannotPin ?? 'possible here'})`, () => {
  it('probes each core with real work', () => {
    for (const core of allowedCores('self')) expect(coreSpeed(core)).toBeGreaterThan(0);
  });

  it('gives the host the fastest core alone and keeps the bench off it, until unpinned', () => {
    const before = allowedCores('self');
    try {
      const placement = placeHost()!;
      expect(Object.keys(placement.coreSpeeds).map(Number)).toEqual(before);
      const fastest = Math.max(...Object.values(placement.coreSpeeds));
      expect(placement.coreSpeeds[placement.hostCore]).toBe(fastest);
      expect(allowedCores('self')).toEqual(before.filter((c) => c !== placement.hostCore));
    } finally {
      unpinBench();
    }
    expect(allowedCores('self')).toEqual(before);
  });

  it('starts the host child on the core it is given, with its own pid', { timeout: 60_000 }, async () => {
    const core = allowedCores('self').at(-1)!;
    const child = await spawnHostChild(['--floor', 'express'], { core });
    try {
      expect(allowedCores(child.pid)).toEqual([core]);
      expect(readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim()).toBe('node');
    } finally {
      await child.stop();
    }
  });
});
