import { useEffect } from 'react';
import { nextStep, resetRun, toggleAutopilot, togglePlay, togglePresenter } from './store/actions';
import { isTerminal, useStudio } from './store/studio';

const TYPING = 'input, textarea, select, [contenteditable=""], [contenteditable="true"]';

/**
 * Global keys (→/n next, space play/pause, a autopilot, p presenter mode, r reset, ? help) — never while typing or in
 * a dialog. R throws away a run in progress, so then it asks first (`confirmReset`).
 */
export function useShortcuts(showHelp: () => void, confirmReset: () => void) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as Element | null;
      if (target?.closest?.(TYPING) || document.querySelector('dialog[open]')) return;
      const onControl = !!target?.closest?.('button, a, summary, [role="button"]');
      switch (e.key) {
        case 'ArrowRight':
        case 'n':
        case 'N':
          e.preventDefault();
          void nextStep();
          break;
        case ' ':
          if (onControl) return; // Space presses the focused button, as everywhere
          e.preventDefault();
          void togglePlay();
          break;
        case 'a':
        case 'A':
          void toggleAutopilot();
          break;
        case 'p':
        case 'P':
          togglePresenter();
          break;
        case 'r':
        case 'R': {
          const run = useStudio.getState().run;
          if (run && run.status !== 'ready' && !isTerminal(run)) confirmReset();
          else void resetRun();
          break;
        }
        case '?':
          e.preventDefault();
          showHelp();
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [showHelp, confirmReset]);
}
