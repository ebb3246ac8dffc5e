import type { ProfileId } from '../protocol/profiles.js';
import { nameSteps, stepText, type StepKey } from './flows.js';
import type { StepState } from './types.js';

/**
 * The run's plan: the steps taken so far and those still to come. Answers from the servers
 * rewrite what is still pending (a decision, a remedy); what was done stays as it was.
 */
export class StepPlan {
  keys: StepKey[];
  steps: StepState[] = [];
  /** The profile the service speaks, once discovered: steps still to come are told in its words. */
  profile?: ProfileId;

  constructor(keys: StepKey[]) {
    this.keys = [...keys];
    this.renumber();
  }

  /** Replace every step after `i`. Returns where the next insertion goes. */
  replaceAfter(i: number, keys: StepKey[]): number {
    this.keys = [...this.keys.slice(0, i + 1), ...keys];
    this.steps = this.steps.slice(0, i + 1);
    this.renumber();
    return i + 1 + keys.length;
  }

  /** Put steps at position `at`. Returns where the next insertion goes. */
  insertAt(at: number, keys: StepKey[]): number {
    this.keys.splice(at, 0, ...keys);
    this.steps.splice(at, 0, ...keys.map(() => undefined as unknown as StepState));
    this.renumber();
    return at + keys.length;
  }

  /** Discovery found the profile: the steps still to come are told in its words. */
  setProfile(profile: ProfileId) {
    this.profile = profile;
    this.renumber();
  }

  mark(i: number, status: StepState['status'], detail?: string) {
    const step = this.steps[i];
    if (!step) return;
    step.status = status;
    if (detail !== undefined) step.detail = detail;
  }

  skipPendingFrom(i: number) {
    for (let j = i; j < this.steps.length; j++) if (this.steps[j].status === 'pending') this.mark(j, 'skipped');
  }

  /** Names stay unique ("probe", "probe-2"); steps already taken keep theirs. */
  private renumber() {
    const names = nameSteps(this.keys);
    this.steps = this.keys.map((key, i): StepState => {
      const old = this.steps[i];
      if (old && old.status !== 'pending') return old;
      const { title, explanation } = stepText(key, this.profile);
      return { name: names[i], title, explanation, status: 'pending' };
    });
  }
}
