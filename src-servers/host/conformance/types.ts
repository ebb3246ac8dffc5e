import type { ConformanceExchange, ConformanceStatus, ConformanceTarget } from '../../protocol/conformance.js';
import { PROFILE_IDS, type ProfileId } from '../../protocol/profiles.js';

/**
 * The conformance runner's vocabulary (issue 18): a check judges a service or provider from
 * outside, over HTTP only, and reports one status with the spec text it enforces and the
 * exchanges it saw. Profiles are a parameter so v0.6 (issue 17) is adding checks, not a rewrite.
 * The result shapes are the wire contract (protocol/conformance.ts), named here as the runner says them.
 */

export type { CheckResult, PlannedCheck } from '../../protocol/conformance.js';
export type Status = ConformanceStatus;
export type Profile = ProfileId;
export const PROFILES: readonly Profile[] = PROFILE_IDS;
export type Target = ConformanceTarget;
/** One request the runner sent and what came back, kept as evidence (bodies truncated). */
export type Exchange = ConformanceExchange;

export interface Check<C> {
  id: string;
  title: string;
  group: string;
  target: Target;
  profiles: readonly Profile[];
  spec: { protocol: string; rfc?: string };
  /** What to change when this check fails (shown on FAILURE). */
  remedy?: string;
  run(ctx: C): Promise<Verdict | void>;
}

/** What a check returns; returning nothing means SUCCESS with the check's title as message. */
export interface Verdict {
  status: Status;
  message: string;
}

/** Thrown inside a check to end it with a status other than SUCCESS. */
export class Outcome extends Error {
  constructor(
    readonly status: Exclude<Status, 'SUCCESS'>,
    message: string,
  ) {
    super(message);
  }
}

export function fail(message: string): never {
  throw new Outcome('FAILURE', message);
}
export function skip(message: string): never {
  throw new Outcome('SKIPPED', message);
}
export const ok = (message: string): Verdict => ({ status: 'SUCCESS', message });
export const warn = (message: string): Verdict => ({ status: 'WARNING', message });
export const info = (message: string): Verdict => ({ status: 'INFO', message });

/** `expect`-style guard: a FAILURE naming what was wanted and what came. */
export function must(condition: unknown, message: string): asserts condition {
  if (!condition) fail(message);
}
