import type { ConsentChoice, FlowId, FlowInfo, RunState, ScenarioInfo, StepState } from './run.js';
import type { Exchange, TraceMeta } from './trace.js';

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

/** GET /info — what the host runs and what the agent can play. */
export interface StudioInfo {
  urls: RoleUrls;
  flows: FlowInfo[];
  scenarios: ScenarioInfo[];
}

/**
 * A run as the studio sends it: the agent's RunState, whether the studio is auto-stepping it, and
 * `rev`, increasing with every snapshot, so a client can drop an HTTP answer that arrives after a
 * newer SSE event (the two travel on different connections).
 */
export type StudioRun = RunState & { playing: boolean; rev: number };

// ---- Request bodies (POST /runs and /runs/:id/<action>); each answers a StudioRun ----

/** POST /runs — a flow, or a scenario (which names its flow). */
export interface CreateRunRequest {
  flow?: FlowId;
  scenario?: string;
  autopilot?: boolean;
}
/** POST /runs/:id/play — the pause between steps (default 700 ms). */
export interface PlayRequest {
  delayMs?: number;
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
/** GET /state — each role's tables as its inspect() shows them (secrets hashed). */
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
  /** All data was reset: forget every run, trace and mail. */
  reset: Record<string, never>;
}
export type StudioEventName = keyof StudioEvents;
