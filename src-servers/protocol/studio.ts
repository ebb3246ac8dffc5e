import type { AgentFlowId, ConsentChoice, FlowInfo, RunState, ScenarioInfo } from './run.js';
import type { ProfileId } from './profiles.js';
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
};

// ---- Request bodies (POST /runs and /runs/:id/<action>); each answers a StudioRun ----

/** POST /runs — a flow, or a scenario (which names its flow); `profile` picks the service (default: the primary). */
export interface CreateRunRequest {
  flow?: AgentFlowId;
  scenario?: string;
  autopilot?: boolean;
  profile?: ProfileId;
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

/** GET /traces */
export interface StudioTraces {
  current: string;
  traces: TraceMeta[];
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
