import { useEffect } from 'react';
import { checkMail } from '../store/actions';
import { openInBrowser, openMail } from '../store/selection';
import { liveProfile } from '../store/profile';
import { useStudio } from '../store/studio';
import type { Mail } from '../types';
import { nextHint } from './hints';
import { Pane } from './Pane';

const URL_IN_TEXT = /https?:\/\/[^\s<>"')\]]+/g;

/** The links in a mail (the claim link), from its text and its HTML anchors. */
export function linksOf(mail: Mail): string[] {
  const found = new Set<string>(mail.text.match(URL_IN_TEXT) ?? []);
  if (mail.html) {
    const doc = new DOMParser().parseFromString(mail.html, 'text/html');
    doc.querySelectorAll('a[href]').forEach((a) => {
      const href = a.getAttribute('href') ?? '';
      if (/^https?:\/\//.test(href)) found.add(href);
    });
  }
  return [...found];
}

function when(date: string) {
  const d = new Date(date);
  return Number.isNaN(d.getTime()) ? date : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
}

/**
 * The real mail, as the mailbox renders it (`/messages/:id/html?links=post`): its little script
 * tells us when a link is clicked, and the link opens in the user's browser pane.
 */
function MailFrame({ mail }: { mail: Mail }) {
  const mailbox = useStudio((s) => s.info?.urls.mailbox);
  // The mail autopilot opened: its recorded copy, so showing it sends no request of our own.
  const auto = useStudio((s) => (s.autopilotView.runId && s.autopilotView.runId === s.run?.id && s.autopilotView.mail?.id === mail.id ? s.autopilotView : null));
  useEffect(() => {
    if (!mailbox) return;
    const origin = new URL(mailbox).origin;
    const onMessage = (e: MessageEvent) => {
      const data = e.data as { type?: string; url?: string } | null;
      if (e.origin === origin && data?.type === 'studio:open-link' && typeof data.url === 'string') openInBrowser(data.url);
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [mailbox]);
  if (auto)
    return (
      <div key={auto.mailSeq} className="autopilot-act">
        <p className="autopilot-note" role="status">Autopilot opened this mail.</p>
        {mail.html ? <iframe className="mail-frame" title="Mail content" srcDoc={mail.html} sandbox="" /> : <pre className="mail-text">{mail.text}</pre>}
      </div>
    );
  if (!mailbox) return <pre className="mail-text">{mail.text}</pre>;
  return (
    <iframe className="mail-frame" title="Mail content" src={`${mailbox}/messages/${encodeURIComponent(mail.id)}/html?links=post`} />
  );
}

function MailView({ mail }: { mail: Mail }) {
  const links = linksOf(mail);
  return (
    <article className="mail" aria-label={`Mail: ${mail.subject}`}>
      <div className="mail-toolbar">
        <button type="button" onClick={() => openMail(null)}>← Inbox</button>
        {links.map((href, i) => (
          <button key={href} type="button" className="primary" onClick={() => openInBrowser(href)} title={href}>
            {i === 0 ? 'Open link' : `Open link ${i + 1}`}
          </button>
        ))}
      </div>
      <MailFrame mail={mail} />
    </article>
  );
}

/**
 * The person's inbox: real mails from the mailbox, newest first. It refreshes by itself: a mail
 * arriving over SMTP joins the list as new the moment the studio announces it (store/mailArrivals.ts),
 * with no request of ours. Opening a mail (its page in the frame) and "Check mail" are the person's
 * acts, recorded.
 */
export function InboxPane() {
  const mails = useStudio((s) => s.mails);
  const unread = useStudio((s) => s.unreadMailIds);
  const openId = useStudio((s) => s.openMailId);
  const run = useStudio((s) => s.run);
  const progress = useStudio((s) => s.progress);
  const busy = useStudio((s) => s.busy);
  const hint = nextHint({ run, progress, busy });
  const sorted = [...mails].sort((a, b) => Date.parse(b.date) - Date.parse(a.date));
  const open = sorted.find((m) => m.id === openId);
  // PROTOCOL-v0.6.md §8: v0.6 sends no mail; the person confirms at the service's own pages.
  const noMail = useStudio(liveProfile) === 'v0.6';

  return (
    <Pane
      label="Inbox"
      attention={hint.pane === 'inbox'}
      hint={hint.text}
      className="inbox-pane"
      actions={<button type="button" className="ghost small" onClick={() => void checkMail()}>Check mail</button>}
    >
      {noMail && !open ? (
        <div className="placeholder" role="note">
          <p className="empty-title">No mail in v0.6</p>
          <p className="muted">A v0.6 service sends no mail: the agent hands you a code and a link, and you confirm on the service's own sign-in and claim pages in your browser.</p>
        </div>
      ) : open ? (
        <MailView mail={open} />
      ) : sorted.length ? (
        <ul className="mail-list" aria-label="Messages">
          {sorted.map((m) => (
            <li key={m.id}>
              {unread.includes(m.id) ? (
                <button type="button" className="new-mail" onClick={() => openMail(m.id)}>
                  <span className="new-dot" aria-hidden="true" />
                  <span className="mail-subject">{m.subject}</span>
                  <span className="mail-meta">New mail · {when(m.date)} · open it</span>
                </button>
              ) : (
                <button type="button" className="mail-item" onClick={() => openMail(m.id)}>
                  <span className="mail-subject">{m.subject}</span>
                  <span className="mail-meta">{m.from} · {when(m.date)}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <div className="placeholder">
          <p className="empty-title">No mail yet</p>
          <p className="muted">This is your inbox. Mail the service sends you (claim links) arrives here by itself.</p>
        </div>
      )}
    </Pane>
  );
}
