import type { StudioState } from '../store/studio';
import { isTerminal } from '../store/studio';
import { nextHint } from './hints';

/**
 * Presenter mode's caption (Presenter.tsx): what is happening, in one or two sentences an audience
 * reads from the back of the room. Pure functions over the store.
 */

/** At most `n` sentences, URLs without their query (tokens, ids): captions are read from afar. */
export function captionText(text: string, n = 2): string {
  const plain = text.replace(/\s*\((https?:\/\/[^)]*)\)/g, '').replace(/(https?:\/\/[^\s?)]+)\?[^\s)]+/g, '$1?…').trim();
  // A sentence ends at . ! ? before a space: "0.6" and "127.0.0.1" do not end one.
  return plain.split(/(?<=[.!?])\s+/).slice(0, n).join(' ').trim();
}

type CaptionState = Pick<StudioState, 'run' | 'progress' | 'busy' | 'info' | 'pendingFlow' | 'narrationSteps'>;

/** What the caption says now: the key moment play waits at, the person's turn, the step as the agent tells it, or the outcome. */
export function caption(s: CaptionState): { title: string; text: string } | null {
  const { run } = s;
  if (!run) {
    const flow = s.info?.flows.find((f) => f.id === s.pendingFlow);
    return flow ? { title: flow.title, text: captionText(flow.summary) } : null;
  }
  if (isTerminal(run)) return { title: run.outcome?.ok ? 'Done' : 'Stopped', text: captionText(run.outcome?.summary ?? '') };
  const at = run.held?.step ?? run.current;
  const step = run.steps[Math.min(at, run.steps.length - 1)];
  const title = step ? `Step ${Math.min(at, run.steps.length - 1) + 1} · ${step.title}` : '';
  if (run.held && !run.playing) return { title, text: run.held.text };
  if (run.waitingFor) return { title, text: captionText(nextHint(s).text) };
  // The agent's latest line in this step, else what the step is for.
  const said = run.narration.filter((_, i) => s.narrationSteps[i] === run.current).at(-1);
  return { title, text: captionText(said?.text ?? step?.explanation ?? '') };
}

