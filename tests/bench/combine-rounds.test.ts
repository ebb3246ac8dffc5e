import { describe, expect, it } from 'vitest';
import { combineRounds } from '../../bench/measure.js';

/**
 * How a row's rounds become its number. On a shared VM noise only slows a round down, so a load
 * row reports its best round; a flow row pools every run of every round.
 */
describe('combineRounds', () => {
  it('a load row reports its best round, with that round’s latency and CPU, and keeps every round', () => {
    const rounds = [
      { requestsPerSec: 900, p50Ms: 9, hostCpuMsPerRequest: 1.6, perSecond: [900] },
      { requestsPerSec: 1500, p50Ms: 6, hostCpuMsPerRequest: 1.0, perSecond: [1500] },
      { requestsPerSec: 1200, p50Ms: 7, hostCpuMsPerRequest: 1.2, perSecond: [1200] },
    ];
    const row = combineRounds('load', rounds);
    expect(row).toMatchObject({ requestsPerSec: 1500, p50Ms: 6, hostCpuMsPerRequest: 1.0 });
    expect(row.perSecond).toBeUndefined(); // per-second counts live in roundsSummary
    expect(row.roundsSummary?.map((r) => r.headline)).toEqual([900, 1500, 1200]);
  });

  it('a flow row gives the median and p99 of all runs of all rounds together', () => {
    const row = combineRounds('flow', [
      { runs: 3, runTimesMs: [100, 110, 400] },
      { runs: 3, runTimesMs: [105, 120, 130] },
    ]);
    expect(row).toMatchObject({ runs: 6, succeeded: 6 });
    expect(row.medianMs).toBeGreaterThanOrEqual(110);
    expect(row.medianMs).toBeLessThanOrEqual(120);
    expect(row.p99Ms).toBeGreaterThan(130); // the one slow run shows in the tail, not the median
    expect(row.roundsSummary).toHaveLength(2);
  });

  it('no rounds (the row failed before measuring) gives nothing to report', () => {
    expect(combineRounds('load', [])).toEqual({});
  });
});
