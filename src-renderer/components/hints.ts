import { briefingOf } from '../lessons/briefings';
import type { StudioState } from '../store/studio';
import type { UserActionKind } from '../types';

/** Where the person should look next, and what to do there — so nobody needs the docs. */
export type PaneId = 'agent' | 'consent' | 'inbox' | 'browser' | 'provider' | 'controls';
export interface Hint {
  pane: PaneId | null;
  text: string;
}

/** The claim ceremony: the agent waits for the code while the person fetches it from their mail. */
export const OTP_CHAIN: ReadonlySet<UserActionKind> = new Set(['open_mail', 'open_link', 'reveal_code', 'enter_otp']);

/**
 * The v0.6 ceremony (PROTOCOL-v0.6.md §3, RFC 8628): the agent hands the person a user_code and a
 * verification link; the person signs in at the service and types the code on its claim page.
 */
export const USER_CODE_CHAIN: ReadonlySet<string> = new Set(['sign_in_service', 'enter_user_code']);

export function nextHint(s: Pick<StudioState, 'run' | 'progress' | 'busy'>): Hint {
  const { run, progress } = s;
  if (!run || run.status === 'ready')
    return { pane: 'controls', text: 'Press "Next step" to watch the agent take its first step, or "Play" to let it run on its own.' };
  if ((run.status === 'succeeded' || run.status === 'failed') && run.scenario)
    return { pane: null, text: `${run.outcome?.ok ? 'Lesson complete' : 'The lesson did not go as planned'} — read it below. Press "Reset" to run it again, or pick another flow.` };
  if (run.status === 'succeeded' || run.status === 'failed')
    return { pane: null, text: `${run.outcome?.summary ?? (run.status === 'succeeded' ? 'Done.' : 'The run stopped.')} Press "Reset" to run it again, or pick another flow.` };
  const wait = run.waitingFor;
  if (wait && run.autopilot) return { pane: null, text: `Autopilot is playing your part: ${wait.prompt}` };
  if (wait) {
    switch (wait.kind) {
      case 'approve_consent':
        // A lesson may need one answer in particular (Deny in "Consent denied"): its briefing says which.
        return wait.url
          ? { pane: 'consent', text: briefingOf(run.scenario)?.consentHint ?? 'The agent is waiting for you to approve in the consent prompt: choose "Allow once" or "Always allow" (or "Deny").' }
          : { pane: 'agent', text: 'The agent asks whether it may use your email address. Answer below.' };
      case 'revoke_grant':
        return { pane: 'provider', text: 'Revoke the agent\'s grant: open the "Provider" tab on the right and press "Revoke".' };
      case 'open_mail':
        return { pane: 'inbox', text: 'The service emailed you a claim link. Open the new mail in the Inbox.' };
      case 'open_link':
        return progress.mailOpened
          ? { pane: 'inbox', text: 'Press "Open link" in the mail: the service\'s claim page opens in your browser pane.' }
          : { pane: 'inbox', text: 'Open the mail in the Inbox, then press "Open link" to open the service\'s claim page.' };
      case 'reveal_code':
        return { pane: 'browser', text: 'Press the button on the service\'s page in your browser to reveal your one-time code.' };
      case 'enter_otp':
        return { pane: 'agent', text: 'Type the code shown in your browser into "One-time code" and press "Send code to agent".' };
    }
    if (USER_CODE_CHAIN.has(wait.kind))
      return progress.linkOpened
        ? { pane: 'browser', text: 'Sign in at the service in your browser pane as the account the claim is for, then type the code the agent showed you and confirm.' }
        : { pane: 'agent', text: 'The agent handed you a code and a link. Press "Open the link" to open the service\'s sign-in page in your browser pane.' };
  }
  if (run.playing || run.status === 'running') return { pane: null, text: 'The agent is working…' };
  // Presenter mode's pace stopped Play at a key moment (StudioRun.held): Space, or Play, goes on.
  if (run.held) return { pane: 'controls', text: `${run.held.text} Press Space or "Play" to continue.` };
  return { pane: 'controls', text: 'Press "Next step" to continue, or "Play" to run to the end.' };
}
