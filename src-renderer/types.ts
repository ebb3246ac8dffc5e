import type { StudioBridge } from '../src-servers/protocol/bridge';

/**
 * Shapes the renderer receives. Types only, each declared once in src-servers/protocol (DESIGN.md
 * rule 4): the renderer imports the contract modules and nothing else of the servers.
 */
export type { Actor, DecodedJwt, Exchange, ExportFormat, TraceMeta } from '../src-servers/protocol/trace';
export type { ConsentChoice, ScenarioInfo, StepState, UserAction, UserActionKind } from '../src-servers/protocol/run';
import type { AgentFlowId, FlowInfo as AnyFlowInfo, RunState as AnyRunState } from '../src-servers/protocol/run';
/** Every flow the studio can run: the agent's, v0.6's service-auth included (protocol/studio.ts PROFILE_FLOWS). */
export type FlowId = AgentFlowId;
export type FlowInfo = AnyFlowInfo<AgentFlowId>;
export type RunState = AnyRunState<AgentFlowId>;
export type { Mail } from '../src-servers/protocol/mail';
export type { StudioEventName, StudioEvents, StudioInfo, StudioRun, TraceEntry } from '../src-servers/protocol/studio';

export type Speed = 'slow' | 'normal' | 'fast';
export const SPEED_DELAY_MS: Record<Speed, number> = { slow: 1500, normal: 700, fast: 150 };

declare global {
  interface Window {
    /** The Electron preload's desktop extras (protocol/bridge.ts); absent in a browser tab. */
    studio?: StudioBridge;
  }
}
