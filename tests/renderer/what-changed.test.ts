/**
 * The "What changed" data (src-renderer/whatChanged.ts) and the profile helpers the switch uses
 * (src-renderer/store/profile.ts). The table is held to the wire contracts: every path it names is a
 * path of that profile (protocol/constants.ts, protocol/v0.6/constants.ts), every flow it walks is one
 * the studio offers there (PROFILE_FLOWS), and the account takeover is one highlighted row.
 */
import { describe, expect, it } from 'vitest';
import { PROVIDER_PATHS, SERVICE_PATHS } from '../../src-servers/protocol/constants.js';
import { PROFILE_FLOWS, type StudioInfo } from '../../src-servers/protocol/studio.js';
import { SERVICE_PATHS_V06 } from '../../src-servers/protocol/v0.6/constants.js';
import { equivalentFlow, flowsFor, scenarioMark, scenarioProfiles } from '../../src-renderer/store/profile.js';
import { comparisonForFlow, WHAT_CHANGED } from '../../src-renderer/whatChanged.js';

/** The service paths a step's call names (`POST /agent/identity/claim`, `GET /login?…`), provider paths aside. */
function servicePaths(call: string): string[] {
  if (call.includes('<provider>')) return [];
  return [...call.matchAll(/(?:GET|POST|DELETE)\s+(\/[A-Za-z0-9_./-]*)/g)].map((m) => m[1].replace(/\/$/, '') || '/');
}
const V01 = new Set<string>(Object.values(SERVICE_PATHS));
const V06 = new Set<string>(Object.values(SERVICE_PATHS_V06));

describe('What changed (PROTOCOL-v0.6.md §11)', () => {
  it('names only paths each profile really has', () => {
    for (const c of WHAT_CHANGED)
      for (const r of c.rows) {
        for (const p of servicePaths(r.v01?.call ?? '')) expect(V01, `${c.id} / ${r.step}: v0.1 ${p}`).toContain(p);
        for (const p of servicePaths(r.v06?.call ?? '')) expect(V06, `${c.id} / ${r.step}: v0.6 ${p}`).toContain(p);
      }
  });

  it('names provider paths the provider has', () => {
    const provider = new Set<string>(Object.values(PROVIDER_PATHS));
    for (const c of WHAT_CHANGED)
      for (const r of c.rows)
        for (const side of [r.v01, r.v06]) {
          const m = side?.call.match(/<provider>(\/[a-z-]+)/);
          if (m) expect(provider, `${c.id} / ${r.step}`).toContain(m[1]);
        }
  });

  it('walks flows the studio offers in each profile', () => {
    for (const c of WHAT_CHANGED) {
      if (c.flows['v0.1']) expect(PROFILE_FLOWS['v0.1']).toContain(c.flows['v0.1']);
      if (c.flows['v0.6']) expect(PROFILE_FLOWS['v0.6']).toContain(c.flows['v0.6']);
    }
    expect(comparisonForFlow('verified-email').id).toBe('email');
    expect(comparisonForFlow('service-auth').id).toBe('email');
    expect(comparisonForFlow('revocation').id).toBe('revocation');
  });

  it('highlights exactly one row, the account takeover, in the ID-JAG flow: v0.1 links silently, v0.6 answers interaction_required', () => {
    const takeovers = WHAT_CHANGED.flatMap((c) => c.rows.filter((r) => r.takeover).map((r) => ({ c: c.id, r })));
    expect(takeovers).toHaveLength(1);
    expect(takeovers[0].c).toBe('id-jag');
    expect(takeovers[0].r.v01?.answer).toMatch(/^200/);
    expect(takeovers[0].r.v06?.answer).toMatch(/^401 interaction_required/);
  });

  it('each row says something on at least one side, and step names are unique per flow', () => {
    for (const c of WHAT_CHANGED) {
      expect(c.rows.every((r) => r.v01 || r.v06)).toBe(true);
      expect(new Set(c.rows.map((r) => r.step)).size).toBe(c.rows.length);
    }
  });
});

const flow = (id: string) => ({ id, title: id, summary: '', steps: [] });
const info = {
  urls: { service: '', provider: '', mailbox: '', smtp: '' },
  services: [{ profile: 'v0.1', url: 'http://a', primary: true }, { profile: 'v0.6', url: 'http://b', primary: false }],
  profileFlows: { 'v0.1': ['id-jag', 'verified-email', 'anonymous', 'revocation'], 'v0.6': ['id-jag', 'service-auth', 'anonymous', 'revocation'] },
  flows: ['id-jag', 'verified-email', 'service-auth', 'anonymous', 'revocation'].map(flow),
  scenarios: [],
} as unknown as StudioInfo;

describe('the profile switch\'s helpers', () => {
  it('offers each profile its own flows, in order', () => {
    expect(flowsFor(info, 'v0.6').map((f) => f.id)).toEqual(['id-jag', 'service-auth', 'anonymous', 'revocation']);
    expect(flowsFor(info, 'v0.1').map((f) => f.id)).toEqual(['id-jag', 'verified-email', 'anonymous', 'revocation']);
  });

  it('carries a flow across a switch under its name there (verified email ↔ service auth)', () => {
    expect(equivalentFlow(info, 'verified-email', 'v0.6')).toBe('service-auth');
    expect(equivalentFlow(info, 'service-auth' as never, 'v0.1')).toBe('verified-email');
    expect(equivalentFlow(info, 'anonymous', 'v0.6')).toBe('anonymous');
  });

  it('marks a lesson that applies to one profile only', () => {
    const only = { id: 'x', title: 'X', flow: 'anonymous', lesson: '', expected: '', remedy: '', profiles: ['v0.1'] } as never;
    const both = { id: 'y', title: 'Y', flow: 'anonymous', lesson: '', expected: '', remedy: '' } as never;
    expect(scenarioMark(only)).toBe('v0.1 only');
    expect(scenarioProfiles(both)).toEqual(['v0.1', 'v0.6']);
    expect(scenarioMark(both)).toBe('');
  });
});
