/**
 * Presenter mode's caption (src-renderer/components/caption.ts): one or two sentences about what is
 * happening — the key moment Play waits at, the person's turn, the agent's own line for the step, or
 * how the run ended — short enough to read from the back of a room.
 */
import { describe, expect, it } from 'vitest';
import { caption, captionText } from '../../src-renderer/components/caption.js';
import type { StudioRun } from '../../src-renderer/types.js';

const steps = [
  { name: 'discover', title: 'Discover the API', explanation: 'The agent calls the API. It learns where to register. Then more.', status: 'done' as const },
  { name: 'register', title: 'Register', explanation: 'The agent trades its ID-JAG for a credential.', status: 'active' as const },
  { name: 'call', title: 'Call the API', explanation: 'The agent uses its credential.', status: 'pending' as const },
];
function run(over: Partial<StudioRun> = {}): StudioRun {
  return {
    id: 'run_1', traceId: 'trc_1', flow: 'id-jag', autopilot: true, status: 'running', steps, current: 1, narration: [],
    playing: true, rev: 1, service: { profile: 'v0.1', url: 'http://127.0.0.1:8000' }, ...over,
  };
}
const base = { progress: { mailOpened: false, linkOpened: false }, busy: false, info: null, pendingFlow: 'id-jag' as const, narrationSteps: [] as number[] };

describe('the presenter caption', () => {
  it('keeps two sentences at most, and drops URLs in brackets and the query of the rest', () => {
    expect(captionText('One. Two! Three? Four.')).toBe('One. Two!');
    expect(captionText('Waiting for you: approve (http://127.0.0.1:4000/consent?id=abc). Then I go on. More.'))
      .toBe('Waiting for you: approve. Then I go on.');
    expect(captionText('I fetched http://127.0.0.1:8000/claim?token=secret now.')).toBe('I fetched http://127.0.0.1:8000/claim?… now.');
    expect(captionText('Version 0.6 is here.')).toBe('Version 0.6 is here.');
  });

  it("tells the step in the agent's latest words for it, else what the step is for", () => {
    expect(caption({ ...base, run: run() })).toEqual({ title: 'Step 2 · Register', text: 'The agent trades its ID-JAG for a credential.' });
    const narration = [{ at: '', text: 'Earlier line.' }, { at: '', text: 'I send my ID-JAG to the token endpoint. The service checks it. Then more.' }];
    expect(caption({ ...base, narrationSteps: [0, 1], run: run({ narration }) })?.text).toBe('I send my ID-JAG to the token endpoint. The service checks it.');
  });

  it('says the key moment Play waits at, under the step it happened in', () => {
    const held = { kind: 'credential' as const, step: 1, text: 'The service issued a credential: the agent is registered.' };
    expect(caption({ ...base, run: run({ held, playing: false, current: 2 }) }))
      .toEqual({ title: 'Step 2 · Register', text: 'The service issued a credential: the agent is registered.' });
  });

  it("on the person's turn says what to do; at the end, how it ended", () => {
    const waiting = run({ status: 'waiting', autopilot: false, waitingFor: { kind: 'approve_consent', prompt: 'Approve', url: 'http://127.0.0.1:4000/consent' } });
    expect(caption({ ...base, run: waiting })?.text).toMatch(/^The agent is waiting for you to approve in the consent prompt/);
    const done = run({ status: 'succeeded', outcome: { ok: true, summary: 'The id-jag registration works. It knows me. And more.' } });
    expect(caption({ ...base, run: done })).toEqual({ title: 'Done', text: 'The id-jag registration works. It knows me.' });
  });
});
