import type { AgentStop } from './context.js';
import type { ScenarioDef } from './scenarios.js';

/**
 * Did the run do what it set out to? A flow succeeds when it reached its goal (the API works;
 * for revocation: consent asked again). A scenario succeeds when its expected failure happened
 * and the agent applied AUTH.md's remedy — including "stop" when stopping is the remedy.
 */
export class Lesson {
  seen = false;
  remedied = false;
  goal?: string;
  private remedies = new Map<string, number>();

  constructor(private scenario?: ScenarioDef) {}

  /** Why the lesson cannot run against the profile discovery found (scenarios.ts `notOn`). */
  inapplicable?: string;

  /** The lesson as it runs against the profile discovery found (scenarios.ts `on`). */
  retarget(scenario: ScenarioDef) {
    this.scenario = scenario;
  }

  sawExpected(code: string) {
    if (code === this.scenario?.expectedCode) this.seen = true;
  }

  appliedRemedy() {
    if (this.seen) this.remedied = true;
  }

  /** How many times the remedy for `code` has been applied, counting this one. */
  countRemedy(code: string): number {
    const n = (this.remedies.get(code) ?? 0) + 1;
    this.remedies.set(code, n);
    return n;
  }

  outcome(stop?: AgentStop): { ok: boolean; summary: string } {
    const ended = stop?.summary ?? this.goal ?? 'The plan ran out before the flow reached its goal.';
    const sc = this.scenario;
    if (!sc) return { ok: !stop && Boolean(this.goal), summary: ended };
    if (this.inapplicable) return { ok: false, summary: this.inapplicable };
    if (!this.seen) return { ok: false, summary: `The lesson did not happen: I never saw ${sc.expectedCode}. ${ended}` };
    if (!this.remedied) return { ok: false, summary: `I saw ${sc.expectedCode} but did not apply the remedy. ${ended}` };
    // Stopping is the remedy only when the lesson says so (consent denied); otherwise the flow must finish.
    const stoppedAsTaught = Boolean(stop) && sc.expectedCode === 'consent_denied' && stop!.summary !== 'Cancelled.';
    if (!this.goal && !stoppedAsTaught) return { ok: false, summary: `I saw ${sc.expectedCode} and applied the remedy, but then: ${ended}` };
    return { ok: true, summary: `Lesson complete — ${sc.expected} Remedy: ${sc.remedy} ${ended}` };
  }
}
