/**
 * The runner's hooks (host/conformance/run.ts RunHooks), as the studio's "Test a service" drives
 * them: against a real host (in memory, every port free).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../src-servers/host/host.js';
import { runConformance } from '../../src-servers/host/conformance/run.js';

let host: Host;
beforeAll(async () => {
  host = await startHost({ inMemory: true, ports: { service: 0, provider: 0, mailbox: 0, smtp: 0 }, log: () => {} });
});
afterAll(() => host?.stop());

describe('runConformance hooks (run.ts), which the studio drives', () => {
  it('announces the plan and each check before it runs, sends every request through the given fetch, and stops at the abort without reporting the check it cut short', async () => {
    const ac = new AbortController();
    const began: string[] = [];
    const fetched: string[] = [];
    const reported: string[] = [];
    let plan: string[] = [];
    const report = await runConformance(
      { serviceUrl: host.urls.service, providerUser: 'alice@example.com', profile: 'v0.1', interactive: false, only: ['discovery.*'], issuerPort: 0 },
      (r) => reported.push(r.id),
      {
        onPlan: (p) => (plan = p.checks.map((c) => c.id)),
        onCheckStart: (c) => {
          began.push(c.id);
          if (began.length === 2) ac.abort(); // cut the second check short as it begins
        },
        fetch: (input, init) => {
          fetched.push(String(input instanceof Request ? input.url : input));
          return fetch(input, init);
        },
        signal: ac.signal,
      },
    );
    expect(plan.length).toBeGreaterThan(2);
    expect(began).toEqual(plan.slice(0, 2));
    // The first check ran to its verdict; the second was cut short: not reported, not in the report.
    expect(reported).toEqual([plan[0]]);
    expect(report.results.map((r) => r.id)).toEqual([plan[0]]);
    expect(fetched.length).toBeGreaterThan(0);
    expect(fetched.every((u) => u.startsWith(host.urls.service))).toBe(true);
  });
});
