import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src-servers/host/host.js';
import { runFlowRuns } from '../../bench/flows.js';
import { startTestHost } from '../agent/helpers.js';

let host: Host;
let urls: { service: string; provider: string; mailbox: string };
beforeAll(async () => {
  host = await startTestHost();
  urls = { service: host.urls.service, provider: host.urls.provider!, mailbox: host.urls.mailbox! };
});
afterAll(() => host?.stop());

describe('a flow row runs the simulated agent', () => {
  it('exactly `count` times when no window is asked for, timing each successful run', async () => {
    const r = await runFlowRuns(urls, 'id-jag', 3);
    expect(r.failure).toBeUndefined();
    expect(r.runs).toBe(3);
    expect(r.timesMs).toHaveLength(3);
    for (const ms of r.timesMs) expect(ms).toBeGreaterThan(0);
  });

  it('past `count` until the window is over, like a load row measured for a time', async () => {
    const t0 = performance.now();
    const r = await runFlowRuns(urls, 'anonymous', 1, 1_500);
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(1_500);
    expect(r.runs).toBeGreaterThan(1);
    expect(r.timesMs).toHaveLength(r.runs);
    expect(r.timesMs.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(elapsed);
  });
});
