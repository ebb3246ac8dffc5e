import type { Router } from 'express';
import { SERVICE_PATHS } from '../../../../protocol/constants.js';
import type { ServiceContext } from '../../../context.js';
import { escapeHtml } from '../../../../http/html.js';
import { sendPage } from '../../../html.js';
import { sha256 } from '../../../secrets.js';

/**
 * PROTOCOL.md §3 row 2: the page the emailed link opens. Opening it mints nothing — link scanners
 * and previewers open links too, and must not burn codes. The person presses "Reveal code", and
 * the page's script asks the challenge endpoint for a code and shows it large.
 */
export function claimPageRoutes(router: Router, ctx: ServiceContext): void {
  router.get(SERVICE_PATHS.claimView, (req, res) => {
    const token = req.query.token;
    if (typeof token !== 'string' || token.length === 0 || token.length > 512) {
      return sendPage(res, 400, { title: 'This link is incomplete', body: '<p>The link has no claim token. Open the whole link from the email.</p>' });
    }
    ctx.expireDue();
    const attempt = ctx.store.claimAttempts.byTokenHash(sha256(token));
    if (!attempt) {
      return sendPage(res, 404, { title: 'Link not recognised', body: '<p>This claim link is not valid. Use the newest link from the email.</p>' });
    }
    const reg = ctx.store.registrations.byId(attempt.registration_id)!;
    if (attempt.status === 'completed' || reg.status === 'claimed') {
      return sendPage(res, 200, { title: 'Already claimed', body: '<p>Your agent\'s registration is confirmed. You can close this page.</p>' });
    }
    if (reg.status !== 'pending') {
      return sendPage(res, 410, { title: 'This registration has expired', body: '<p>Ask your agent to register again.</p>' });
    }
    if (attempt.status === 'superseded') {
      return sendPage(res, 410, { title: 'A newer link was sent', body: '<p>Your agent asked for a new link. Open the newest email instead.</p>' });
    }
    if (attempt.link_expires_at <= ctx.now()) {
      return sendPage(res, 410, { title: 'This link has expired', body: '<p>Ask your agent to start the claim again; you will get a new email.</p>' });
    }
    sendPage(res, 200, {
      title: 'Confirm your agent\'s registration',
      body: `<p>An AI agent is registering with <strong>${escapeHtml(new URL(ctx.issuer).host)}</strong> for
<strong>${escapeHtml(attempt.email)}</strong>. If that is your agent, reveal the code and read it back to your agent.</p>
<p class="muted">Never read the code to anyone else. Each press makes a new code and the old one stops working.</p>
<button type="button" id="reveal">Reveal code</button>
<div id="result" role="status" aria-live="polite"></div>`,
      script: revealScript(token),
    });
  });
}

function revealScript(token: string): string {
  // JSON.stringify plus escaping "<" keeps the token a plain string inside the script element.
  const literal = (v: string) => JSON.stringify(v).replace(/</g, '\\u003c');
  return `
const button = document.getElementById('reveal');
const result = document.getElementById('result');
button.addEventListener('click', async () => {
  button.disabled = true;
  try {
    const res = await fetch(${literal(SERVICE_PATHS.claimChallenge)}, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ claim_attempt_token: ${literal(token)} }),
    });
    const data = await res.json();
    result.replaceChildren();
    if (!res.ok) {
      const p = document.createElement('p'); p.className = 'error'; p.textContent = data.message || data.error;
      result.append(p);
      return;
    }
    const code = document.createElement('div'); code.className = 'code'; code.textContent = data.challenge;
    code.setAttribute('aria-label', 'Your code: ' + data.challenge.split('').join(' '));
    const when = document.createElement('p'); when.className = 'muted';
    when.textContent = 'Read this code to your agent. It works until ' + new Date(data.expires_at).toLocaleTimeString() + '.';
    result.append(code, when);
  } catch (err) {
    result.textContent = 'Could not reach the service. Try again.';
  } finally {
    button.disabled = false;
  }
});`;
}
