import type { ProfileId } from '../protocol/profiles.js';
import type { ServiceConfig } from '../service/config.js';
import type { Wallet } from './decision.js';
import type { AuthorizationServerMetadata, ProtectedResourceMetadata } from './discovery.js';
import type { StepKey } from './flows.js';
import type { HttpResult, RequestOptions } from './http.js';
import type { ScenarioDef } from './scenarios.js';
import type { AgentFlowId, Method, UserAction, UserActionKind } from './types.js';
import type { ConsentChoice, SimulatedUser } from './user.js';

/** Everything the agent has learned or holds during a run. Only discovery fills the URLs. */
export interface Knowledge {
  /** The one given: the API the user asked the agent to use. */
  resourceUrl: string;
  providerUrl: string;
  /** Absent when the service mails the user somewhere the agent's host cannot read (AgentRunOptions). */
  mailboxUrl?: string;
  userEmail: string;
  wallet: Wallet;
  /** Methods ruled out by an answer, with the reason (fed to the decision tree). */
  excluded: Partial<Record<Method, string>>;
  method?: Method;
  provider?: { issuer: string; session: string; endpoints: Record<string, string> };
  /** From the 401's WWW-Authenticate resource_metadata (RFC 9728 §5.1). */
  prmUrl?: string;
  prm?: ProtectedResourceMetadata;
  as?: AuthorizationServerMetadata;
  /** The profile the service speaks, read from its AS metadata (discovery.ts detectProfile). */
  profile?: ProfileId;
  /** v0.6: the service-signed identity assertion the token endpoint exchanges (PROTOCOL-v0.6.md §2, §5). */
  assertion?: { value: string; expires?: string };
  consent?: {
    requestId?: string; url?: string; status: 'pending' | 'approved' | 'denied'; grantId?: string;
    /** The provider shows no consent page (no consent requests): the agent asks, then records a grant. */
    direct?: boolean; mode?: 'once' | 'always';
  };
  /** The last ID-JAG the agent sent; a fresh one is minted for every registration. */
  idJag?: string;
  credential?: {
    value: string; type: string; scopes: string[]; expires?: string | null;
    registrationId?: string; worked: boolean;
  };
  claim?: {
    token: string; registrationId: string; postClaimScopes?: string[];
    /** When the claim mail was triggered (the person looks for mail newer than this). */
    sentAt: number;
    /** The last code sent to complete the claim. */
    lastOtp?: string;
    /** v0.6: the ceremony the service answered (PROTOCOL-v0.6.md §3), which the agent shows the person. */
    attempt?: { userCode: string; verificationUri: string; interval: number; expiresIn: number; id?: string };
    /** v0.6: the email the claim is for (its hint): the account the person must sign in as. */
    email?: string;
    /** v0.6: when the agent last polled the claim grant (RFC 8628 §3.5: wait `interval` between polls). */
    lastPollAt?: number;
    /** v0.6: the status of the claim page the person last reached (403: signed in as another account). */
    page?: number;
    /** v0.6: the claim grant's answer, once the person confirmed (the agent's check may see it first). */
    granted?: { access_token: string; scope?: string; expires_in?: number; identity_assertion?: string; assertion_expires?: string };
  };
  /** The takeover lesson: the account the real owner of the email made at the service. */
  victim?: { email: string; accountId?: string };
  /** The code the person told the agent, waiting to be used. */
  otp?: string;
  /** After a credential died: discover again and end at the consent prompt (revocation flow). */
  rediscovering?: boolean;
  goalReached?: boolean;
  /** Scenario faults applied so far (each applies once). */
  faults: Set<string>;
}

export type StepResult = void | { status: 'done' | 'skipped' | 'failed'; detail?: string };

/** Thrown by a step to end the run now. */
export class AgentStop extends Error {
  constructor(readonly ok: boolean, readonly summary: string) {
    super(summary);
  }
}

export interface StepCtx {
  readonly k: Knowledge;
  readonly key: StepKey;
  readonly stepName: string;
  readonly flow: AgentFlowId;
  readonly runId: string;
  readonly scenario?: ScenarioDef;
  readonly autopilot: boolean;
  readonly user: SimulatedUser;
  /** The config of the service this run talks to, when its host said (a lesson's private host always does). */
  readonly serviceConfig?: ServiceConfig;
  readonly signal: AbortSignal;
  /** A request as the Agent, recorded in the trace under this step. */
  agent(method: string, url: string, opts?: RequestOptions): Promise<HttpResult>;
  say(text: string): void;
  /** Record the method chosen and why (RunState.decision). */
  decided(method: Method, why: string[]): void;
  /** Replace every step after this one. */
  plan(keys: StepKey[]): void;
  /** Put steps right after this one. */
  insert(keys: StepKey[]): void;
  /** Mark that this run reached what its flow set out to do. */
  reachGoal(summary: string): void;
  /** The failure the scenario is about happened / its remedy was applied. */
  sawExpected(code: string): void;
  appliedRemedy(): void;
  /** How many times this remedy has been applied in the run, counting this one. */
  countRemedy(code: string): number;
  /** Forget that the person already did these (they must do them again). */
  rearm(kinds: UserActionKind[]): void;
  sleep(ms: number): Promise<void>;
  /** Only on a lesson's private host: move the servers' clock forward instead of waiting. */
  fastForward?(seconds: number): void;
  /** Where the last step stood: a detail line shown under the step. */
  detail(text: string): void;
  /**
   * Discovery found the profile the service speaks: the run records it and tells its steps in that
   * profile's words. Answers why this flow or lesson cannot run against it, if it cannot.
   */
  spoke(profile: ProfileId): string | undefined;
}

/** A step the person performs. Autopilot calls `perform`; otherwise the run waits. */
export interface UserStepDef {
  action(ctx: StepCtx): UserAction;
  /** Do it as the person would, with real requests recorded as the User. Returns a narration line. */
  perform(ctx: StepCtx, choice?: ConsentChoice): Promise<string>;
  /** The agent's own way to notice the person acted (e.g. polling the consent request). */
  check?(ctx: StepCtx): Promise<boolean>;
  /** The agent's work once the person acted. */
  after?(ctx: StepCtx): Promise<StepResult>;
}

export type AgentStepDef = (ctx: StepCtx) => Promise<StepResult>;

/** A wait the run's cancel() interrupts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AgentStop(false, 'Cancelled.'));
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new AgentStop(false, 'Cancelled.'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
