import { togglePresenter } from '../store/actions';
import type { StudioState } from '../store/studio';
import { useStudio } from '../store/studio';
import type { UserActionKind } from '../types';
import { nextHint } from './hints';

/**
 * Presenter mode (issue 16), for a projector: type at about 1.5×, the sidebar, inspector and state
 * panes hidden, and the room split between the sequence diagram and the one pane of the person that
 * matters now — where it is their turn (or where autopilot is acting for them), else the agent's
 * narration, which captions each step. Toggle: this button or P.
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
  return (
    <button type="button" className="toggle presenter-toggle" aria-pressed={on} onClick={togglePresenter}
      title="Presenter mode: big type, the diagram and your active pane only (P)">
      <span className="switch" aria-hidden="true" /> Presenter
    </button>
  );
}
