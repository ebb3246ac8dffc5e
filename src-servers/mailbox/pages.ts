import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../http/html.js';
import type { Message } from './store.js';

/**
 * The inbox as a person sees it. `/messages/:id/html` shows one mail so the studio's Inbox pane
 * can frame the real thing. How its links open (documented choice):
 *   - by default the page carries `<base target="_blank">`: a click opens a new window or tab
 *     (in Electron, the main process's window-open handler decides where it goes);
 *   - with `?links=post` the page also carries a tiny script of ours that, when framed, cancels the
 *     click and posts `{type: "studio:open-link", url}` to the parent window, so the studio can open
 *     the link in its own browser pane. Opt-in, so a frame that does not listen never eats clicks.
 * The mail's own scripts never run: the CSP allows only our script (by nonce) and sandboxes the
 * page (no forms, no top navigation, no same-origin access).
 */

/** Text mail shown as text, with its URLs made clickable (escaped first, so nothing else becomes markup). */
function textToHtml(text: string): string {
  return `<pre class="text">${escapeHtml(text).replace(/\bhttps?:\/\/[^\s<>"']+/g, (url) => `<a href="${url}">${url}</a>`)}</pre>`;
}

const STYLE = `
  body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1d23; background: #fff; }
  header.mail { padding: 14px 18px; border-bottom: 1px solid #d9dde4; background: #f4f6f9; }
  header.mail h1 { font-size: 18px; margin: 0 0 6px; }
  header.mail dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0; font-size: 13.5px; color: #555d6b; }
  header.mail dt { font-weight: 600; }
  header.mail dd { margin: 0; }
  .body { padding: 16px 18px; }
  pre.text { white-space: pre-wrap; word-break: break-word; font: inherit; margin: 0; }
  a { color: #2557d6; }
`;

const LINK_SCRIPT = `
document.addEventListener('click', function (event) {
  var link = event.target && event.target.closest ? event.target.closest('a[href]') : null;
  if (!link || window.parent === window || !/^https?:/i.test(link.href)) return;
  event.preventDefault();
  window.parent.postMessage({ type: 'studio:open-link', url: link.href }, '*');
});
`;

/** One mail as a page (its headers the banner, its body the main landmark, for screen readers); returns the CSP to send with it (the nonce ties our script to this response). */
export function renderMessagePage(m: Message, opts: { postLinks?: boolean } = {}): { html: string; csp: string } {
  const nonce = randomBytes(16).toString('base64');
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    'img-src data: http: https:',
    `script-src 'nonce-${nonce}'`,
    'sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox',
  ].join('; ');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<base target="_blank">
<title>${escapeHtml(m.subject || '(no subject)')}</title>
<style>${STYLE}</style>
${opts.postLinks ? `<script nonce="${nonce}">${LINK_SCRIPT}</script>\n` : ''}</head>
<body>
<header class="mail">
<h1>${escapeHtml(m.subject || '(no subject)')}</h1>
<dl><dt>From</dt><dd>${escapeHtml(m.from)}</dd><dt>To</dt><dd>${escapeHtml(m.to)}</dd><dt>Date</dt><dd>${escapeHtml(m.date)}</dd></dl>
</header>
<main class="body" aria-label="Message">
${m.html ?? textToHtml(m.text)}
</main>
</body>
</html>`;
  return { html, csp };
}

/** The inbox list at `/`, for a person who opens the mailbox's URL in a browser. */
export function renderInboxPage(messages: Message[]): string {
  const rows = messages.length
    ? messages
        .map(
          (m) =>
            `<li><a href="/messages/${encodeURIComponent(m.id)}/html" target="_self"><strong>${escapeHtml(m.subject || '(no subject)')}</strong></a>
<div class="meta">to ${escapeHtml(m.to)} · from ${escapeHtml(m.from)} · ${escapeHtml(m.date)}</div></li>`,
        )
        .join('\n')
    : '<li class="empty">No mail yet. Mail sent to the studio\'s SMTP sink shows up here.</li>';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Inbox</title>
<style>${STYLE}
  main { max-width: 720px; margin: 0 auto; padding: 18px; }
  ul { list-style: none; padding: 0; } li { padding: 10px 0; border-bottom: 1px solid #eef0f3; }
  .meta { font-size: 13px; color: #555d6b; } .empty { color: #555d6b; }
</style></head>
<body><main>
<h1>Inbox</h1>
<p>The user's mailbox in the Agentic Registration Studio: an SMTP sink on loopback with a small JSON API
(<a href="/messages"><code>GET /messages</code></a>, <code>GET /messages/:id</code>, <code>DELETE /messages</code>).</p>
<ul>${rows}</ul>
</main></body></html>`;
}
