import type { StudioRun } from '../types';

const STATUS_TEXT = {
  ready: 'Ready', running: 'Working', waiting: 'Waiting for you', paused: 'Paused', succeeded: 'Succeeded', failed: 'Failed',
} as const;

/** The agent pane's badge: between two steps of Play the agent is "paused" only for the pace, not stopped. */
export function agentBadge(run: Pick<StudioRun, 'status' | 'playing'>): string {
  return run.playing && (run.status === 'paused' || run.status === 'ready') ? 'Playing' : STATUS_TEXT[run.status];
}
