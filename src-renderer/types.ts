/** Shapes the renderer receives. Types only: they come from the servers' own modules, one source of truth. */
export type { Actor, DecodedJwt, Exchange } from '../src-servers/trace/types';
export type {
  FlowId, FlowInfo, RunState, ScenarioInfo, StepState, UserAction, UserActionKind,
} from '../src-servers/agent/types';
import type { FlowInfo, RunState, ScenarioInfo } from '../src-servers/agent/types';

/** A run as the studio sends it: the agent's state, whether the studio is playing it, and its revision. */
export type StudioRun = RunState & { playing: boolean; rev: number };

export interface StudioInfo {
  urls: { service: string; provider: string; mailbox: string; smtp: string };
  flows: FlowInfo[];
  scenarios: ScenarioInfo[];
}

/** PROTOCOL.md §8 — a message in the user's inbox. */
export interface Mail {
  id: string;
  from: string;
  to: string;
  subject: string;
  date: string;
  text: string;
  html: string | null;
}

export interface TraceMeta {
  id: string;
  title: string;
  flow?: string;
  scenario?: string;
  startedAt: string;
  exchangeCount: number;
}

export type Speed = 'slow' | 'normal' | 'fast';
export const SPEED_DELAY_MS: Record<Speed, number> = { slow: 1500, normal: 700, fast: 150 };

/** Optional desktop extras the Electron preload may expose (absent in a browser tab). */
export interface DesktopBridge {
  openExternal?(url: string): void | Promise<void>;
  saveFile?(opts: { defaultPath: string; content: string }): unknown;
  studioUrl?: string;
}
declare global {
  interface Window {
    studio?: DesktopBridge;
  }
}
