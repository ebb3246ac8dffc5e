import { create } from 'zustand';
import type { Exchange, FlowId, Mail, Speed, StudioInfo, StudioRun, TraceEntry } from '../types';
import { noAutopilotView, type AutopilotView } from './autopilotView';
import type { ProfileId } from './profile';
import { rememberedProfile } from './profileMemory';

/** Everything the window shows, in one zustand store. Actions live in ./actions.ts, the SSE link in ./events.ts. */
export type RightTab = 'inspector' | 'service' | 'provider';
export type Connection = 'connecting' | 'live' | 'offline';

export interface StudioState {
  info: StudioInfo | null;
  run: StudioRun | null;
  /** The protocol profile the person picked: the next run talks to that profile's service (./profile.ts). */
  profile: ProfileId | null;
  /** The flow (and scenario) the next run will use, before a run exists. */
  pendingFlow: FlowId;
  pendingScenario: string | undefined;
  /** The trace the diagram draws: the run's, or the recorder's current one before any run. */
  traceId: string | null;
  exchanges: Exchange[];
  /**
   * The step a person's request belongs to. Pages in the panes (consent, mail, claim page) cannot
   * name the agent's step, so we note the step the agent was on when the request arrived.
   */
  stepOf: Record<string, string>;
  /** For each narration line, the step the agent was on when it was said (to review a step later). */
  narrationSteps: number[];
  selectedExchangeId: string | null;
  /** A step being reviewed (null = follow the live run). */
  reviewStep: number | null;
  /** A past trace reopened from the run history, shown read-only (null = the live run). */
  history: TraceEntry | null;
  /** Requests recorded after the shown run ended ("between runs"), by trace: they are not drawn in it. */
  betweenRuns: Record<string, number>;
  connection: Connection;
  autopilot: boolean;
  speed: Speed;
  busy: boolean;
  toast: { kind: 'error' | 'info'; text: string; id: number } | null;
  mails: Mail[];
  /** When the person last checked their inbox (mail recorded after that shows as new). */
  mailCheckedAt: string | null;
  openMailId: string | null;
  /** Mails that arrived (announced by the studio) and the person has not opened yet: shown as new. */
  unreadMailIds: string[];
  /** What the person has done for the current claim (drives the "what to do next" hints). */
  progress: { mailOpened: boolean; linkOpened: boolean };
  browser: { url: string | null; nonce: number };
  /** What autopilot, playing the person, has shown in their panes this run (./autopilotView.ts). */
  autopilotView: AutopilotView;
  rightTab: RightTab;
  /** Presenter mode (components/Presenter.tsx): big type, the diagram and the person's active pane only. */
  presenter: boolean;
  /** Bumped when the roles' state may have changed, so the state view refetches. */
  stateVersion: number;
}

export const initialState: StudioState = {
  info: null,
  run: null,
  profile: rememberedProfile(),
  pendingFlow: 'id-jag',
  pendingScenario: undefined,
  traceId: null,
  exchanges: [],
  stepOf: {},
  narrationSteps: [],
  selectedExchangeId: null,
  reviewStep: null,
  history: null,
  betweenRuns: {},
  connection: 'connecting',
  autopilot: false,
  speed: 'normal',
  busy: false,
  toast: null,
  mails: [],
  mailCheckedAt: null,
  openMailId: null,
  unreadMailIds: [],
  progress: { mailOpened: false, linkOpened: false },
  browser: { url: null, nonce: 0 },
  autopilotView: noAutopilotView,
  rightTab: 'inspector',
  presenter: false,
  stateVersion: 0,
};

export const useStudio = create<StudioState>(() => ({ ...initialState }));

export const set = useStudio.setState;
export const get = useStudio.getState;

export const isTerminal = (run: StudioRun | null) => run?.status === 'succeeded' || run?.status === 'failed';

/** Merge exchanges by id, keeping wire order (seq). */
export function mergeExchanges(a: Exchange[], b: Exchange[]): Exchange[] {
  const byId = new Map(a.map((e) => [e.id, e]));
  for (const e of b) byId.set(e.id, e);
  return [...byId.values()].sort((x, y) => x.seq - y.seq);
}
