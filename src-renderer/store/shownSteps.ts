import type { FlowId, StepState } from '../types';
import { liveProfile, plannedSteps } from './profile';
import type { StudioState } from './studio';

export type ShownStep = Pick<StepState, 'name' | 'title' | 'status'>;

/**
 * The steps the diagram and the step list draw: a reopened past run's as they stood when it ended
 * (or, for a run from before this launch, its flow's steps, done where requests were recorded);
 * else the live run's; else the chosen flow's, all to come.
 */
export function shownSteps(s: Pick<StudioState, 'history' | 'run' | 'info' | 'pendingFlow' | 'exchanges' | 'profile'>): ShownStep[] {
  // Before a run: the steps the flow plans against the live protocol version's service (store/profile.ts).
  const flowSteps = (flow: string | undefined) => (flow ? plannedSteps(s.info, flow as FlowId, liveProfile(s)) : []);
  if (s.history) {
    if (s.history.steps) return s.history.steps;
    const used = new Set(s.exchanges.map((e) => e.step));
    return flowSteps(s.history.flow).map((st) => ({ name: st.name, title: st.title, status: used.has(st.name) ? 'done' : 'skipped' }));
  }
  return s.run?.steps ?? flowSteps(s.pendingFlow).map((st) => ({ name: st.name, title: st.title, status: 'pending' as const }));
}
