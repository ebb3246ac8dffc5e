import type { Host } from '../host/host.js';
import type { TraceRecorder } from '../trace/index.js';

/** The agent's public shapes are wire shapes the studio sends: declared once, in protocol/run.ts (DESIGN.md rule 4). */
export type { FlowId, FlowInfo, Method, RunState, ScenarioInfo, StepState, UserAction, UserActionKind } from '../protocol/run.js';
import type { FlowId } from '../protocol/run.js';

export interface AgentRunOptions {
  flow: FlowId;
  scenario?: string;
  autopilot: boolean;
  serviceUrl: string;
  providerUrl: string;
  mailboxUrl: string;
  /** default alice@example.com */
  userEmail?: string;
  /** The agent calls trace.beginTrace() and uses trace.fetchAs('Agent' | 'User'). */
  trace: TraceRecorder;
  /** Only for scenarios that need host powers (forge a token, a service with a special config). */
  host?: Host;
}
