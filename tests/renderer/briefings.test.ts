import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../src-servers/agent/index.js';
import { BRIEFINGS } from '../../src-renderer/lessons/briefings.js';
import { nextHint } from '../../src-renderer/components/hints.js';
import type { StudioRun } from '../../src-servers/protocol/studio.js';

const waitingForConsent = (scenario: string): StudioRun => ({
  id: 'run_1', traceId: 'trc_1', flow: 'id-jag', scenario, autopilot: false, status: 'waiting', steps: [], current: 0, narration: [],
  waitingFor: { kind: 'approve_consent', prompt: 'Approve', url: 'http://127.0.0.1:4000/consent/requests/x' }, playing: false, rev: 1,
  service: { profile: 'v0.1', url: 'http://127.0.0.1:8000' },
} as StudioRun);

describe('lesson briefings', () => {
  it('every lesson the agent offers has one, and no briefing names a lesson that does not exist', () => {
    const ids = SCENARIOS.map((s) => s.id);
    for (const id of ids) {
      expect(BRIEFINGS[id], id).toBeDefined();
      expect(BRIEFINGS[id].yourPart.length, id).toBeGreaterThan(20);
      expect(BRIEFINGS[id].watch.length, id).toBeGreaterThan(20);
    }
    expect(Object.keys(BRIEFINGS).sort()).toEqual([...ids].sort());
  });

  it('"Consent denied" tells the person to press Deny — in the briefing and in the consent hint', () => {
    expect(BRIEFINGS['consent-denied'].yourPart).toMatch(/press "Deny"/);
    const hint = nextHint({ run: waitingForConsent('consent-denied'), progress: { mailOpened: false, linkOpened: false }, busy: false });
    expect(hint.pane).toBe('consent');
    expect(hint.text).toMatch(/"Deny"/);
    expect(hint.text).not.toMatch(/Allow once/);
  });

  it('a lesson without a consent hint keeps the usual one', () => {
    const hint = nextHint({ run: waitingForConsent('untrusted-provider'), progress: { mailOpened: false, linkOpened: false }, busy: false });
    expect(hint.text).toMatch(/"Allow once" or "Always allow"/);
  });
});
