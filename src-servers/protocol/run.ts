/**
 * A run of a flow as the studio sends it (DESIGN.md rule 4): the simulated agent's public shapes —
 * the flows it knows, its scenarios, and the state of one run, step by step. Names, shapes and
 * constants only, no imports, so the renderer's browser build and the servers share this one declaration.
 */

export type FlowId = 'id-jag' | 'verified-email' | 'anonymous' | 'revocation';
export type Method = 'id-jag' | 'verified-email' | 'anonymous';

export interface FlowInfo {
  id: FlowId;
  title: string;
  summary: string;
  steps: { name: string; title: string }[];
}

export interface ScenarioInfo {
  id: string;
  title: string;
  flow: FlowId;
  lesson: string;
  expected: string;
  remedy: string;
}

/**
 * What the person has to do. `revoke_grant` is our addition (the revocation flow): the person
 * revokes the agent's grant at their provider.
 */
export type UserActionKind = 'approve_consent' | 'open_mail' | 'open_link' | 'reveal_code' | 'enter_otp' | 'revoke_grant';

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

export interface RunState {
  id: string;
  traceId: string;
  flow: FlowId;
  scenario?: string;
  autopilot: boolean;
  status: 'ready' | 'running' | 'waiting' | 'paused' | 'succeeded' | 'failed';
  steps: StepState[];
  current: number;
  decision?: { method: Method; why: string[] };
  waitingFor?: UserAction;
  narration: { at: string; text: string }[];
  outcome?: { ok: boolean; summary: string };
}
