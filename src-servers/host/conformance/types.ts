/**
 * The conformance runner's vocabulary (issue 18): a check judges a service or provider from
 * outside, over HTTP only, and reports one status with the spec text it enforces and the
 * exchanges it saw. Profiles are a parameter so v0.6 (issue 17) is adding checks, not a rewrite.
 */

export type Status = 'SUCCESS' | 'FAILURE' | 'WARNING' | 'SKIPPED' | 'INFO';
export type Profile = 'v0.1' | 'v0.6';
export const PROFILES: readonly Profile[] = ['v0.1', 'v0.6'];
export type Target = 'service' | 'provider';

/** One request the runner sent and what came back, kept as evidence (bodies truncated). */
export interface Exchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: string;
  /** Set when no answer came (refused connection, timeout). */
  error?: string;
}

export interface CheckResult {
  id: string;
  title: string;
  group: string;
  target: Target;
  /** PROTOCOL.md section and RFC / draft section this check enforces. */
  spec: { protocol: string; rfc?: string };
  status: Status;
  message: string;
  /** On failure: what to change in the implementation. */
  remedy?: string;
  /** The exchanges of this check (included in reports for FAILURE and WARNING). */
  exchanges: Exchange[];
  /**
   * Set when the check is in the expected-failures baseline (`--expected FILE`): `expected` — it
   * failed as the baseline says, so it does not fail the run; `now-passes` — it no longer fails,
   * so the baseline entry is stale and should be removed.
   */
  baseline?: 'expected' | 'now-passes';
}

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
