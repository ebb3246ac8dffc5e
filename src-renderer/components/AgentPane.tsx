import { useEffect, useRef, useState, type FormEvent } from 'react';
import { answerAsUser, sendOtp } from '../store/actions';
import { openInBrowser } from '../store/selection';
import { useStudio } from '../store/studio';
import type { UserAction } from '../types';
import { nextHint, OTP_CHAIN, USER_CODE_CHAIN } from './hints';
import { agentBadge } from './agentStatus';
import { Pane } from './Pane';

/** Long URLs in narration keep their origin and path; the query (tokens, ids) goes to a tooltip. */
const shortenUrls = (text: string) => text.replace(/(https?:\/\/[^\s?)]+)\?[^\s)]+/g, '$1?…');


/** The agent's own question (verified email): may it use your address? */
function ConsentQuestion({ prompt }: { prompt: string }) {
  return (
    <div className="question" role="group" aria-label="The agent asks you">
      <p>{prompt}</p>
      <div className="question-actions">
        <button type="button" className="primary" onClick={() => void answerAsUser('once')}>Yes, use my email</button>
        <button type="button" onClick={() => void answerAsUser('deny')}>No</button>
      </div>
    </div>
  );
}

/** The user_code of a v0.6 hand-over: the action's own field when the agent sends one, else the six digits of its prompt. */
export function userCodeOf(action: UserAction): string | undefined {
  const own = (action as UserAction & { userCode?: unknown }).userCode;
  return typeof own === 'string' ? own : action.prompt.match(/\b\d{6}\b/)?.[0];
}

/**
 * PROTOCOL-v0.6.md §3 (RFC 8628 §3.3): the agent shows the person the user_code and the verification
 * link; the person opens the link (the service's own sign-in, then its claim page) in their browser.
 */
function Handover({ action }: { action: UserAction }) {
  const code = userCodeOf(action);
  const url = action.url;
  return (
    <div className="handover" role="group" aria-label="The agent hands you a code and a link">
      {code && (
        <p className="handover-code">
          <span className="muted">Your code</span>
          <output aria-label="User code">{code}</output>
        </p>
      )}
      {url && (
        <div className="handover-link">
          <button type="button" className="primary" onClick={() => openInBrowser(url)}>Open the link</button>
          <code title={url}>{shortenUrls(url)}</code>
        </div>
      )}
    </div>
  );
}

function OtpForm() {
  const [otp, setOtp] = useState('');
  const [sending, setSending] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!otp.trim()) return;
    setSending(true);
    if (await sendOtp(otp.trim())) setOtp('');
    setSending(false);
  };
  return (
    <form className="otp-form" onSubmit={submit}>
      <label htmlFor="otp-input">One-time code</label>
      <div className="otp-row">
        <input
          id="otp-input" value={otp} onChange={(e) => setOtp(e.target.value)}
          inputMode="numeric" autoComplete="one-time-code" placeholder="6 digits" maxLength={12}
        />
        <button type="submit" className="primary" disabled={sending || !otp.trim()}>Send code to agent</button>
      </div>
    </form>
  );
}

/** The agent's side of the conversation: what it does and why, its decision, and what it needs from you. */
export function AgentPane() {
  const run = useStudio((s) => s.run);
  const progress = useStudio((s) => s.progress);
  const busy = useStudio((s) => s.busy);
  const info = useStudio((s) => s.info);
  const tags = useStudio((s) => s.narrationSteps);
  const review = useStudio((s) => s.reviewStep);
  const hint = nextHint({ run, progress, busy });
  const log = useRef<HTMLOListElement>(null);
  const scenario = run?.scenario ? info?.scenarios.find((s) => s.id === run.scenario) : undefined;
  const wait = run && !run.autopilot ? run.waitingFor : undefined;
  const wantsOtp = !!wait && OTP_CHAIN.has(wait.kind);
  const asks = wait?.kind === 'approve_consent' && !wait.url ? wait.prompt : null;
  // Shown with autopilot on too: the hand-over is what the agent says, whoever plays the person.
  const handover = run?.waitingFor && USER_CODE_CHAIN.has(run.waitingFor.kind) ? run.waitingFor : undefined;
  const narration = run?.narration ?? [];

  // Following the newest entry: the log stays pinned to its end while the pane resizes (the panes
  // below grow and shrink as the person's turn comes and goes), until the person scrolls it themselves.
  const pinned = useRef(true);
  useEffect(() => {
    const el = log.current;
    if (!el) return;
    const mark = review !== null ? el.querySelector<HTMLElement>('.reviewed') : null;
    pinned.current = !mark && review === null;
    if (mark) el.scrollTo({ top: mark.offsetTop - el.offsetTop - 8, behavior: 'smooth' });
    else if (review === null) el.scrollTo({ top: el.scrollHeight, behavior: 'smooth' });
  }, [narration.length, review]);
  useEffect(() => {
    const el = log.current;
    if (!el) return;
    const byPerson = () => requestAnimationFrame(() => { pinned.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8; });
    const ro = new ResizeObserver(() => { if (pinned.current) el.scrollTop = el.scrollHeight; });
    ro.observe(el);
    el.addEventListener('wheel', byPerson, { passive: true });
    el.addEventListener('touchmove', byPerson, { passive: true });
    el.addEventListener('keydown', byPerson);
    return () => {
      ro.disconnect();
      el.removeEventListener('wheel', byPerson);
      el.removeEventListener('touchmove', byPerson);
      el.removeEventListener('keydown', byPerson);
    };
  }, []);

  return (
    <Pane
      label="Agent"
      attention={hint.pane === 'agent'}
      className="agent-pane"
      actions={run && <span className={`pill pill-${run.playing && run.status === 'paused' ? 'running' : run.status}`}>{agentBadge(run)}</span>}
    >
      {/* While the agent asks its question, the question is what to do next: no second box saying so. */}
      {!asks && (
        <p className={`next-hint ${run?.status === 'failed' ? 'bad' : run?.status === 'succeeded' ? 'good' : ''}`} role="status">
          <strong>{run?.outcome ? (run.outcome.ok ? 'Done. ' : 'Stopped. ') : 'Next: '}</strong>
          {hint.text}
        </p>
      )}
      {asks && <ConsentQuestion prompt={asks} />}
      {wantsOtp && <OtpForm />}
      {handover && <Handover action={handover} />}
      {scenario && (run?.status === 'succeeded' || run?.status === 'failed') && (
        <div className="lesson">
          <strong>Lesson — {scenario.title}</strong>
          <p>{scenario.lesson}</p>
          <p><span className="muted">What happened:</span> {scenario.expected}</p>
          <p><span className="muted">Remedy:</span> {scenario.remedy}</p>
        </div>
      )}
      {run?.decision && (
        <details className="decision">
          <summary><strong>Decision: {run.decision.method}</strong> <span className="muted">— why?</span></summary>
          <ul>{run.decision.why.map((w, i) => <li key={i}>{w}</li>)}</ul>
        </details>
      )}
      {/* WCAG 2.1.1: a scrolling log must be reachable by keyboard to be scrolled (tabIndex 0; keydown above unpins it). */}
      <ol className="narration" ref={log} aria-label="What the agent says" tabIndex={0}>
        {!narration.length && <li className="muted">The agent narrates each step here: what it does, and why.</li>}
        {narration.map((n, i) => (
          <li key={i} className={review !== null ? (tags[i] === review ? 'reviewed' : 'dim') : ''}>
            <time>{new Date(n.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })}</time>
            <span title={n.text !== shortenUrls(n.text) ? n.text : undefined}>{shortenUrls(n.text)}</span>
          </li>
        ))}
      </ol>
    </Pane>
  );
}
