/** The disk probe the bench records before each round: a real timing, and no file left behind. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diskSyncProbe } from '../../bench/machineLoad.js';

describe('diskSyncProbe', () => {
  it('times fdatasync’d writes in the given dir and cleans up after itself', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ars-sync-probe-'));
    try {
      const ms = diskSyncProbe(dir);
      expect(ms).toBeGreaterThan(0);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers undefined, not an exception, where it cannot write', () => {
    expect(diskSyncProbe(join(tmpdir(), 'ars-no-such-dir', 'deeper'))).toBeUndefined();
  });
});
