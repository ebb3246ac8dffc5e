import { useEffect, type MouseEvent } from 'react';
import { setPresenter, togglePresenter } from '../store/actions';
import { presenterScreen } from '../store/presenterScreen';
import type { StudioState } from '../store/studio';
import { isTerminal, useStudio } from '../store/studio';
import type { UserActionKind } from '../types';
import { caption } from './caption';
import { nextHint } from './hints';
import './presenter.css';

/**
 * Presenter mode (issue 16), for a projector: full screen, type at 1.5× or more, the sidebar,
 * inspector and state panes hidden, and the room split between the sequence diagram — its newest
 * exchange under a laser pointer (Laser.tsx) — and the one pane of the person that matters now:
 * where it is their turn (or where autopilot is acting for them), else the agent's narration.
 * A caption under the diagram narrates the step; Play waits at the key moments (a credential
 * issued, a lesson's failure, its remedy working) until Space. Toggle: this button or P.
 */
export type UserPaneId = 'agent' | 'consent' | 'inbox' | 'browser';

const PANE_OF: Record<UserActionKind, UserPaneId | 'provider'> = {
  approve_consent: 'consent', open_mail: 'inbox', open_link: 'inbox', reveal_code: 'browser', enter_otp: 'agent', revoke_grant: 'provider',
  // v0.6 (PROTOCOL-v0.6.md §3): the person signs in and types the code on the service's own pages.
  sign_in_service: 'browser', enter_user_code: 'browser',
};

/** The pane presenter mode shows beside the diagram ("provider": the Provider tab, to revoke a grant). */
export function presentedPane(s: Pick<StudioState, 'run' | 'progress' | 'busy'>): UserPaneId | 'provider' {
  const hinted = nextHint(s).pane;
  if (hinted === 'agent' || hinted === 'consent' || hinted === 'inbox' || hinted === 'browser' || hinted === 'provider') return hinted;
  const wait = s.run?.waitingFor;
  if (wait?.kind === 'approve_consent' && !wait.url) return 'agent'; // the verified-email question is asked in the agent pane
  return wait ? PANE_OF[wait.kind] : 'agent';
}

export function PresenterToggle() {
  const on = useStudio((s) => s.presenter);
  const click = (e: MouseEvent<HTMLButtonElement>) => {
    togglePresenter();
    // Space is "continue" in presenter mode: it must not press this button again (leaving the mode).
    e.currentTarget.blur();
  };
  return (
    <button type="button" className="toggle presenter-toggle" aria-pressed={on} onClick={click}
      title="Presenter mode: full screen, big type, the diagram and your active pane only (P; Esc leaves full screen)">
      <span className="switch" aria-hidden="true" /> Presenter
    </button>
  );
}

/** Full screen and presenter mode in step: leaving full screen (Esc) leaves presenter mode. */
export function usePresenterScreen() {
  useEffect(() => presenterScreen.watch(() => setPresenter(false)), []);
}

/** The caption bar under the diagram, and the pace hint when Play waits at a key moment. */
export function PresenterCaption() {
  const on = useStudio((s) => s.presenter);
  // Strings, not a fresh object, so the store sees no change when nothing changed.
  const title = useStudio((s) => (s.presenter ? caption(s)?.title ?? null : null));
  const text = useStudio((s) => (s.presenter ? caption(s)?.text ?? null : null));
  const held = useStudio((s) => Boolean(s.presenter && s.run?.held && !s.run.playing && !isTerminal(s.run)));
  const kind = useStudio((s) => s.run?.held?.kind);
  if (!on || title === null) return null;
  return (
    <section className={`caption${held ? ` caption-held moment-${kind}` : ''}`} aria-label="Caption">
      <p aria-live="polite">
        <strong>{title}</strong> {text}
      </p>
      {held && (
        <p className="pace-hint" role="status">
          Press <kbd>Space</kbd> to continue
        </p>
      )}
    </section>
  );
}
