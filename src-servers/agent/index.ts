/**
 * The simulated agent (its wire shapes are in protocol/run.ts): follows AUTH.md against any
 * service URL, using only what it discovers, and narrates each step for learners.
 */
export type {
  AgentFlowId, AgentRunOptions, FlowId, FlowInfo, Method, RunState, ScenarioInfo, StepState, UserAction, UserActionKind,
} from './types.js';
export { AgentRun } from './run.js';
export { AGENT_FLOWS, FLOWS, USER_STEPS } from './flows.js';
export { SCENARIOS, scenarioDef, scenarioOn } from './scenarios.js';
export type { HostPowers, LessonHost, LessonHostRequest } from './powers.js';
export { decide, type Decision, type Wallet } from './decision.js';
export type { ConsentChoice } from './user.js';
