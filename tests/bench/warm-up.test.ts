/** A row's warm-up (bench/measure.ts reusableRow): the fresh host gets load for warmupS × the row's factor before any round. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHostChild, type HostChild } from '../../bench/child.js';
import type { BenchIssuer } from '../../bench/issuer.js';
import { reusableRow } from '../../bench/measure.js';
import type { RowContext, Settings } from '../../bench/rows.js';

const settings: Settings = {
  quick: true,
  connections: 2,
  durationS: 0.4,
  warmupS: 0.3,
  rounds: 1,
  flowRuns: 1,
  maxPreparedClaims: 0,
  claimPrepBudgetS: 0,
  pin: false,
};

let host: HostChild;
beforeAll(async () => {
  host = await spawnHostChild(['--floor', 'express']);
});
afterAll(() => host?.stop());

async function open(factor?: number) {
  const notes: string[] = [];
  // The empty-handler row needs no issuer.
  const ctx: RowContext = { rowId: 'warm-up-test', settings, issuer: undefined as unknown as BenchIssuer, note: (t) => notes.push(t) };
  const t0 = performance.now();
  const instance = await reusableRow(ctx, host, { url: `${host.urls.service}/`, method: 'GET' }, factor === undefined ? {} : { warmupFactor: factor });
  return { instance, openedInMs: performance.now() - t0, notes };
}

describe('a reusable row warms its host before measuring', () => {
  it('for warmupS by default, without a note', async () => {
    const { instance, openedInMs, notes } = await open();
    expect(openedInMs).toBeGreaterThanOrEqual(300);
    expect(notes).toEqual([]);
    const round = await instance.round(0);
    expect(round.requestsPerSec).toBeGreaterThan(0);
  });

  it('for warmupS × warmupFactor when the row asks (the mail path), and says so', async () => {
    const { instance, openedInMs, notes } = await open(3);
    expect(openedInMs).toBeGreaterThanOrEqual(900);
    expect(notes).toEqual(['warming up 0.9 s']);
    const round = await instance.round(0);
    expect(round.requestsPerSec).toBeGreaterThan(0);
  });
});
