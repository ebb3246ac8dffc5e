import type { AgentFlowId, ConsentChoice, FlowId, FlowInfo, KeyMoment, RunState, ScenarioInfo, StepState } from './run.js';
import type { ProfileId } from './profiles.js';
import type { Exchange, TraceMeta } from './trace.js';
import type { CheckResult, PlannedCheck, RunReport } from './conformance.js';

/**
 * The studio API (DESIGN.md rule 2: the renderer's only door into the host, HTTP + SSE, the same
 * in Electron and in a browser tab). Served by src-servers/host/studio.ts, called by
 * src-renderer/api.ts. Names and shapes only, so both builds share this one declaration.
 */

/** Where the studio server mounts the API (the renderer is served from "/"). */
export const STUDIO_API_PATH = '/studio/api';

/**
 * The studio API answers the studio page only (DESIGN.md rule 10): every call carries the per-launch
 * secret the studio writes into the page it serves (`<meta name="studio-token">`), as this header —
 * or, where a browser cannot set headers (EventSource, a download link), as this query parameter.
 */
export const STUDIO_TOKEN_HEADER = 'x-studio-token';
export const STUDIO_TOKEN_PARAM = 'studio_token';
export const STUDIO_TOKEN_META = 'studio-token';

/** The loopback URLs of the roles the host runs (PROTOCOL.md §9). */
export interface RoleUrls {
  service: string;
  provider: string;
  mailbox: string;
  smtp: string;
}

/**
 * A service the host runs, by the protocol profile it speaks (DESIGN.md rule 8). The studio's host runs
 * one per profile side by side (PROTOCOL-v0.6.md §9), so the person can switch without a restart.
 */
export interface StudioService {
  profile: ProfileId;
  /** Its base URL (the AS issuer); its own AUTH.md is at `${url}/auth.md`. */
  url: string;
  /** The primary is `urls.service`, the one `service.profile` names; a run without `profile` targets it. */
  primary: boolean;
}

/**
 * The flows the studio offers against a service of each profile, in picker order (PROTOCOL-v0.6.md §11:
 * v0.6 replaced verified email by service_auth). A flow the agent does not know yet is left out of /info.
 */
export const PROFILE_FLOWS: Record<ProfileId, readonly string[]> = {
  'v0.1': ['id-jag', 'verified-email', 'anonymous', 'revocation'],
  'v0.6': ['id-jag', 'service-auth', 'anonymous', 'revocation'],
};

/** GET /info — what the host runs and what the agent can play. */
export interface StudioInfo {
  urls: RoleUrls;
  /** Every service the host runs, the primary first. */
  services: StudioService[];
  /** The flows the studio offers against each profile's service (PROFILE_FLOWS, less what the agent lacks). */
  profileFlows: Partial<Record<ProfileId, AgentFlowId[]>>;
  /** The flows a running service offers (v0.6's service-auth with a v0.6 service), with their planned steps per profile. */
  flows: FlowInfo<AgentFlowId>[];
  scenarios: ScenarioInfo[];
}

/**
 * A run as the studio sends it: the agent's RunState, whether the studio is auto-stepping it, and
 * `rev`, increasing with every snapshot, so a client can drop an HTTP answer that arrives after a
 * newer SSE event (the two travel on different connections).
 */
export type StudioRun = RunState<AgentFlowId> & {
  playing: boolean;
  rev: number;
  /** The service this run talks to, and the profile it speaks (POST /runs `profile`). */
  service: { profile: ProfileId; url: string };
  /** Play stopped at this key moment (PlayRequest.holdAtMoments); playing again (or Next step) carries on. */
  held?: KeyMoment;
};

// ---- Request bodies (POST /runs and /runs/:id/<action>); each answers a StudioRun ----

/**
 * POST /runs — a flow, or a scenario (which names its flow); `profile` picks the service (default: the primary).
 * Errors: 400 `invalid_request` (unknown scenario, a flow the profile lacks), 400 `lesson_not_applicable`
 * (the scenario does not apply to that profile: ScenarioInfo.profiles; the message names where it does),
 * 409 `conformance_running`.
 */
export interface CreateRunRequest {
  flow?: AgentFlowId;
  scenario?: string;
  autopilot?: boolean;
  profile?: ProfileId;
}
/**
 * POST /runs/:id/play — the pause between steps (default 700 ms). `holdAtMoments` (the presenter's
 * pace): stop after each key moment (RunState.moments) until played again; the run says so in `held`.
 */
export interface PlayRequest {
  delayMs?: number;
  holdAtMoments?: boolean;
}
/** POST /runs/:id/autopilot */
export interface AutopilotRequest {
  on: boolean;
}
/** POST /runs/:id/otp — the code the person read in the claim page. */
export interface OtpRequest {
  otp: string;
}
/** POST /runs/:id/act — answer as the person without a page; `choice` answers a consent prompt. */
export interface ActRequest {
  choice?: ConsentChoice;
}

// ---- Other answers ----

/**
 * One entry of the run history: a trace and, when this launch saw its run end, how it ended
 * ("stopped": another run replaced it midway) and its steps as they stood, so it reopens read-only
 * with the same bands. A trace without a flow is traffic outside any run ("Session", "Between runs").
 */
export interface TraceEntry extends TraceMeta {
  outcome?: 'succeeded' | 'failed' | 'stopped';
  steps?: Pick<StepState, 'name' | 'title' | 'status'>[];
}
/**
 * GET /traces — every trace, oldest first. `current`: the trace the studio shows (its run's, finished
 * or not; else where traffic goes); `recording`: where new traffic goes (after a run: "Between runs").
 */
export interface StudioTraces {
  current: string;
  recording: string;
  traces: TraceEntry[];
}
/** DELETE /traces/:id (a past trace; the current one answers 409 trace_in_use) */
export interface DeleteTraceResult {
  deleted: string;
}
/** GET /state[?profile=] — each role's tables as its inspect() shows them (secrets hashed); the service is that profile's. */
export interface RoleTables {
  service: Record<string, unknown[]>;
  provider: Record<string, unknown[]>;
}
/** POST /grants/:id/revoke */
export interface RevokeGrantResult {
  revoked: string;
}
/** POST /reset */
export interface ResetResult {
  reset: true;
}
/** Every error the studio API answers (4xx/5xx). */
export interface StudioErrorBody {
  error: string;
  message: string;
}

// ---- Conformance runs (issue 18, "Test a service"): host/studioConformance.ts ----

/** The profile to judge by: one of them, or `auto` — detected from the AS metadata, as the CLI does without --profile. */
export type ConformanceProfileChoice = ProfileId | 'auto';
export const CONFORMANCE_PROFILE_CHOICES: readonly ConformanceProfileChoice[] = ['auto', 'v0.1', 'v0.6'];
/** Report downloads: GET /conformance/runs/:id/report?format= (the runner's own renderers). */
export type ConformanceReportFormat = 'json' | 'markdown' | 'html';
export const CONFORMANCE_REPORT_FORMATS: readonly ConformanceReportFormat[] = ['json', 'markdown', 'html'];

/**
 * POST /conformance/runs. A URL left out is this host's own role; `null` leaves that role out
 * (no provider checks; the checks that need a mailbox are SKIPPED, as under --non-interactive).
 */
export interface ConformanceRunRequest {
  serviceUrl?: string;
  providerUrl?: string | null;
  mailboxUrl?: string | null;
  /** Default `auto`. */
  profile?: ConformanceProfileChoice;
  /** Check ids, or id prefixes ending in "." or "*" (as --only); none = every check of the profile. */
  only?: string[];
}

/** GET /conformance/info — what the form starts from, and every check of each profile. */
export interface ConformanceInfo {
  defaults: { serviceUrl: string; providerUrl: string; mailboxUrl: string };
  checks: Record<ProfileId, PlannedCheck[]>;
}

/**
 * A conformance run as the studio sends it: `running` until the last check, then `finished`
 * (with the summary; `passed` is the CLI's exit status 0), `cancelled`, or `error` when the run
 * could not start (e.g. `only` names no check of the detected profile).
 */
export interface ConformanceRun {
  id: string;
  status: 'running' | 'finished' | 'cancelled' | 'error';
  request: { serviceUrl: string; providerUrl?: string; mailboxUrl?: string; profile: ConformanceProfileChoice; only: string[] };
  /** The profile judged by, once known (detected or chosen), and how it was chosen. */
  profile?: ProfileId;
  profileSource?: RunReport['profileSource'];
  /** The runner's test issuer, and the config line that makes a service trust it (PROTOCOL.md §9). */
  issuer?: string;
  trustLine?: string;
  /** Every check the run will run, in order; `current` is the one running now. */
  planned: PlannedCheck[];
  current?: string;
  results: CheckResult[];
  summary?: RunReport['summary'];
  passed?: boolean;
  error?: string;
  /** The trace its exchanges are recorded in; each exchange's `step` is its check's id. */
  traceId: string;
  startedAt: string;
  finishedAt?: string;
  /** Increases with every snapshot (an HTTP answer older than an SSE event is dropped). */
  rev: number;
}

/** The SSE form of a run: everything but the results (they come one by one), and how many there are. */
export type ConformanceRunNews = Omit<ConformanceRun, 'results'> & { resultCount: number };

// ---- Server-Sent Events: GET /events ----

/**
 * Each SSE event the studio sends, by name, with its `data` (JSON). The stream is live news only:
 * on every (re)connect the renderer re-reads the run and the trace over HTTP.
 */
export interface StudioEvents {
  /** The current run changed (created, stepped, waiting, playing or paused, finished). */
  run: StudioRun;
  /** An exchange was recorded. */
  exchange: Exchange;
  /** A recorded exchange changed (its JWT signatures were checked after the fact). */
  'exchange-updated': Exchange;
  /** The conformance run changed (started, its plan known, the next check begun, finished, cancelled). */
  'conformance-run': ConformanceRunNews;
  /** A conformance check finished: its result, in run order (the `index`-th). */
  'conformance-check': { runId: string; index: number; result: CheckResult };
  /** All data was reset: forget every run, trace and mail. */
  reset: Record<string, never>;
}
export type StudioEventName = keyof StudioEvents;
