import type { ProfileId } from './profiles.js';

/**
 * The conformance report on the wire (issue 18; its JSON schema, field by field, is
 * docs/CONFORMANCE-REPORT.md): what the runner (host/conformance) writes with --json, what the
 * studio streams while a run goes and serves as a download, and what the renderer draws. Names
 * and shapes only, so the renderer's browser build and the Node runner share this one declaration.
 */

export type ConformanceStatus = 'SUCCESS' | 'FAILURE' | 'WARNING' | 'SKIPPED' | 'INFO';
export const CONFORMANCE_STATUSES: readonly ConformanceStatus[] = ['SUCCESS', 'FAILURE', 'WARNING', 'SKIPPED', 'INFO'];
export type ConformanceTarget = 'service' | 'provider';

/** One request the runner sent and what came back, kept as evidence (bodies truncated, credentials masked). */
export interface ConformanceExchange {
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

/** A check as the runner lists it before running it. */
export interface PlannedCheck {
  id: string;
  title: string;
  group: string;
  target: ConformanceTarget;
  /** PROTOCOL.md section and RFC / draft section this check enforces. */
  spec: { protocol: string; rfc?: string };
}

export interface CheckResult extends PlannedCheck {
  status: ConformanceStatus;
  message: string;
  /** On failure: what to change in the implementation. */
  remedy?: string;
  /** The exchanges of this check (included in reports for FAILURE and WARNING). */
  exchanges: ConformanceExchange[];
  /**
   * Set when the check is in the expected-failures baseline (`--expected FILE`): `expected` — it
   * failed as the baseline says, so it does not fail the run; `now-passes` — it no longer fails,
   * so the baseline entry is stale and should be removed.
   */
  baseline?: 'expected' | 'now-passes';
}

export interface RunReport {
  /** Format version of this JSON (documented in docs/CONFORMANCE-REPORT.md). */
  schema: 'agentic-registration-conformance/1';
  profile: ProfileId;
  /** How the profile was chosen: the caller's flag, detected from the AS metadata, or the default when discovery failed. */
  profileSource: 'flag' | 'detected' | 'default';
  service: string;
  provider?: string;
  issuer: string;
  startedAt: string;
  finishedAt: string;
  results: CheckResult[];
  /**
   * Counts per status; `expectedFailures` of the FAILUREs are in the baseline, `nowPasses` baseline
   * entries ran and did not fail. Both are present only with a baseline.
   */
  summary: Record<ConformanceStatus, number> & { total: number; expectedFailures?: number; nowPasses?: number };
}
