/**
 * A run of a flow as the studio sends it (DESIGN.md rule 4): the simulated agent's public shapes —
 * the flows it knows, its scenarios, and the state of one run, step by step. Names, shapes and
 * constants only, no imports, so the renderer's browser build and the servers share this one declaration.
 */

/** The flows the studio offers (its picker labels each one). */
export type FlowId = 'id-jag' | 'verified-email' | 'anonymous' | 'revocation';
/**
 * Every flow the agent knows: the studio's, plus v0.6's email path (PROTOCOL-v0.6.md §2
 * `service_auth`), which the CLI runs and the studio's picker does not offer yet.
 */
export type AgentFlowId = FlowId | 'service-auth';
export type Method = 'id-jag' | 'verified-email' | 'anonymous' | 'service-auth';
/** The protocol profiles a service may speak (the same ids as profiles.ts; repeated here so this file stays import-free). */
export type RunProfile = 'v0.1' | 'v0.6';

export interface FlowInfo<F extends string = FlowId> {
  id: F;
  title: string;
  summary: string;
  /** The planned steps against a v0.1 service (the plan the run starts from). */
  steps: { name: string; title: string }[];
  /** The profiles this flow works with, and the planned steps against each. */
  profiles: Partial<Record<RunProfile, { name: string; title: string }[]>>;
}

export interface ScenarioInfo {
  id: string;
  title: string;
  flow: FlowId;
  lesson: string;
  expected: string;
  remedy: string;
  /** The profiles the lesson runs against; on another it says why it does not apply. */
  profiles: RunProfile[];
}

/**
 * What the person has to do. `revoke_grant` is our addition (the revocation flow): the person
 * revokes the agent's grant at their provider.
 */
export type UserActionKind =
  | 'approve_consent' | 'open_mail' | 'open_link' | 'reveal_code' | 'enter_otp' | 'revoke_grant'
  // v0.6 (PROTOCOL-v0.6.md §3): the person signs in at the service's own /login, then types the user_code on its /claim page.
  | 'sign_in_service' | 'enter_user_code';

/** The person's answer to a consent prompt (the provider's buttons: allow once, always allow, deny). */
export const CONSENT_CHOICES = ['once', 'always', 'deny'] as const;
export type ConsentChoice = (typeof CONSENT_CHOICES)[number];

export interface UserAction {
  kind: UserActionKind;
  prompt: string;
  /** The page the person acts in, when there is one (consent page, inbox, claim link). */
  url?: string;
}

export interface StepState {
  name: string;
  title: string;
  explanation: string;
  status: 'pending' | 'active' | 'waiting' | 'done' | 'failed' | 'skipped';
  detail?: string;
}

/**
 * A key moment of a run, the ones a presenter stops at (issue 16's "pace that waits at key moments"):
 * a credential issued, the failure a lesson is about showing on the wire, the remedy working.
 */
export type KeyMomentKind = 'credential' | 'failure' | 'remedy';
export interface KeyMoment {
  kind: KeyMomentKind;
  /** The step it happened in (RunState.steps index). */
  step: number;
  /** One sentence for the audience. */
  text: string;
}

export interface RunState<F extends string = FlowId> {
  id: string;
  traceId: string;
  flow: F;
  /** The profile the service speaks, once discovery told (PROTOCOL-v0.6.md §1: read from the AS metadata). */
  profile?: RunProfile;
  scenario?: string;
  autopilot: boolean;
  status: 'ready' | 'running' | 'waiting' | 'paused' | 'succeeded' | 'failed';
  steps: StepState[];
  current: number;
  decision?: { method: Method; why: string[] };
  waitingFor?: UserAction;
  narration: { at: string; text: string }[];
  outcome?: { ok: boolean; summary: string };
  /** The key moments so far, in order (agent/moments.ts). */
  moments?: KeyMoment[];
}
