import type { AgentStop } from './context.js';
import type { ScenarioDef } from './scenarios.js';
import type { FlowId } from './types.js';

/**
 * Did the run do what it set out to? A flow succeeds when it reached its goal (the API works;
 * for revocation: consent asked again). A scenario succeeds when its expected failure happened
 * and the agent applied AUTH.md's remedy — including "stop" when stopping is the remedy.
 */
export function describeOutcome(o: {
  flow: FlowId;
  scenario?: ScenarioDef;
  lesson: { seen: boolean; remedied: boolean };
  goal?: string;
  stop?: AgentStop;
}): { ok: boolean; summary: string } {
  const ended = o.stop?.summary ?? o.goal ?? 'The plan ran out before the flow reached its goal.';
  if (!o.scenario) {
    const ok = !o.stop && Boolean(o.goal);
    return { ok, summary: ended };
  }
  const sc = o.scenario;
  if (!o.lesson.seen) return { ok: false, summary: `The lesson did not happen: I never saw ${sc.expectedCode}. ${ended}` };
  if (!o.lesson.remedied) return { ok: false, summary: `I saw ${sc.expectedCode} but did not apply the remedy. ${ended}` };
  // Stopping is the remedy only when the lesson says so (consent denied); otherwise the flow must finish.
  const stoppedAsTaught = Boolean(o.stop) && sc.expectedCode === 'consent_denied' && o.stop!.summary !== 'Cancelled.';
  if (!o.goal && !stoppedAsTaught) return { ok: false, summary: `I saw ${sc.expectedCode} and applied the remedy, but then: ${ended}` };
  return { ok: true, summary: `Lesson complete — ${sc.expected} Remedy: ${sc.remedy} ${ended}` };
}
