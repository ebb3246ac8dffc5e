import type { TraceRecorder } from '../trace/index.js';
import type { HostPowers } from './powers.js';

/** The agent's public shapes are wire shapes the studio sends: declared once, in protocol/run.ts (DESIGN.md rule 4). */
export type { AgentFlowId, FlowId, FlowInfo, Method, RunProfile, ScenarioInfo, StepState, UserAction, UserActionKind } from '../protocol/run.js';
import type { AgentFlowId, RunState as AnyRunState } from '../protocol/run.js';

/** A run of any flow the agent knows (the studio starts only its own FlowIds). */
export type RunState = AnyRunState<AgentFlowId>;

export interface AgentRunOptions {
  flow: AgentFlowId;
  scenario?: string;
  autopilot: boolean;
  serviceUrl: string;
  providerUrl: string;
  /**
   * The user's inbox, when the host beside the agent runs it. Without one (a service we do not
   * host mails the user for real) the person reads the code to the agent; autopilot cannot.
   */
  mailboxUrl?: string;
  /** default alice@example.com */
  userEmail?: string;
  /** The agent calls trace.beginTrace() and uses trace.fetchAs('Agent' | 'User'). */
  trace: TraceRecorder;
  /**
   * What the host beside the agent can do for a lesson (a private, specially configured service).
   * Optional: without it the agent is a client of the URLs above and nothing more.
   */
  powers?: HostPowers;
}
