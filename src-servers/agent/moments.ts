import type { KeyMoment } from '../protocol/run.js';

/**
 * The key moments of a run (protocol/run.ts KeyMoment), noted as they happen so the studio's
 * presenter pace can stop on them: a credential issued (PROTOCOL.md §2: the registration answers
 * one), the failure a lesson is about (its expected error code on the wire), and the remedy working
 * (the first credential or goal after AUTH.md's remedy was applied).
 */
export class KeyMoments {
  readonly list: KeyMoment[] = [];
  #credential: unknown;
  #failed = false;
  #remedied = false;

  /** A step ended holding `credential`: a new one is a moment (the remedy's, once one was applied). */
  credential(step: number, credential: unknown, remedyApplied: boolean) {
    if (!credential || credential === this.#credential) return;
    this.#credential = credential;
    if (remedyApplied && this.#failed) return this.#remedy(step, 'The remedy worked: the service issued a credential.');
    this.list.push({ kind: 'credential', step, text: 'The service issued a credential: the agent is registered.' });
  }

  /** The lesson's expected error showed (first time only). */
  failure(step: number, code: string) {
    if (this.#failed) return;
    this.#failed = true;
    this.list.push({ kind: 'failure', step, text: `The failure this lesson is about: the answer was ${code}.` });
  }

  /** The run reached its goal after the remedy (when no new credential already said so). */
  goal(step: number, remedyApplied: boolean) {
    if (remedyApplied && this.#failed) this.#remedy(step, 'The remedy worked: the flow reached its goal.');
  }

  #remedy(step: number, text: string) {
    if (this.#remedied) return;
    this.#remedied = true;
    this.list.push({ kind: 'remedy', step, text });
  }
}
