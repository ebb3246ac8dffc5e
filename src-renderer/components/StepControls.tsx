import { nextStep, resetRun, setSpeed, toggleAutopilot, togglePlay } from '../store/actions';
import { isTerminal, useStudio } from '../store/studio';
import type { Speed } from '../types';
import { nextHint } from './hints';

/** Next step, play/pause with a pace, autopilot, reset. Keyboard: → or n, space, a, r. */
export function StepControls() {
  const run = useStudio((s) => s.run);
  const busy = useStudio((s) => s.busy);
  const autopilot = useStudio((s) => s.autopilot);
  const speed = useStudio((s) => s.speed);
  const progress = useStudio((s) => s.progress);
  const done = isTerminal(run);
  const playing = !!run?.playing;
  const nudge = nextHint({ run, progress, busy }).pane === 'controls';

  return (
    <div className="step-controls" role="toolbar" aria-label="Step controls">
      <button type="button" className={`primary${nudge ? ' nudge' : ''}`} onClick={() => void nextStep()} disabled={busy || done || playing}
        title="Perform one step (→ or N)">
        Next step
      </button>
      <button type="button" className="icon-text" onClick={() => void togglePlay()} disabled={done}
        aria-label={playing ? 'Pause' : 'Play'} title={playing ? 'Pause (Space)' : 'Play to the end (Space)'}>
        <span aria-hidden="true">{playing ? '❚❚' : '▶'}</span> {playing ? 'Pause' : 'Play'}
      </button>
      <select aria-label="Speed" value={speed} onChange={(e) => void setSpeed(e.target.value as Speed)} title="How fast Play steps">
        <option value="slow">Slow</option>
        <option value="normal">Normal</option>
        <option value="fast">Fast</option>
      </select>
      <button type="button" className="toggle" aria-pressed={autopilot} onClick={() => void toggleAutopilot()}
        title="Autopilot plays your part too: consent, inbox, code (A)">
        <span className="switch" aria-hidden="true" /> Autopilot
      </button>
      <button type="button" onClick={() => void resetRun()} title="Start this flow again (R)">Reset</button>
    </div>
  );
}
