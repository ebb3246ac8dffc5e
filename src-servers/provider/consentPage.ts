import { html, layout, type Html } from './pages.js';
import type { GrantMode } from './grants.js';
import type { User } from './users.js';

/**
 * The consent prompt a person answers (shown in the studio's consent pane). One plain HTML form:
 * "Allow once" and "Always allow" post `mode` to the approve action; "Deny" has no name (so it never
 * carries a mode) and posts to the deny action through its `formaction`. The three buttons sit in
 * one bar that stays in view at the bottom of a small frame, so the answer never needs a scroll.
 */

export interface ConsentPrompt {
  audience: string;
  resourceName: string | null;
  /** Which allow button is the default (primary) one. */
  suggestedMode: GrantMode;
  approveAction: string;
  denyAction: string;
  /** A pending request names its user; without one the person picks a seeded user. */
  user?: User;
  pickUsers?: { users: User[]; selected?: string };
  /** Carried through the forms when there is no stored request. */
  hidden?: Record<string, string | null | undefined>;
  clientName: string;
}

const initials = (u: User) => u.name.slice(0, 1).toUpperCase();

function amrText(amr: string[]): string {
  if (amr.includes('mfa')) return 'How you signed in: with multi-factor authentication';
  if (amr.includes('pwd')) return 'How you signed in: with a password';
  return `How you signed in: ${amr.join(', ') || 'unknown'}`;
}

function hiddenInputs(fields: ConsentPrompt['hidden']): Html[] {
  return Object.entries(fields ?? {})
    .filter(([, v]) => v != null && v !== '')
    .map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`);
}

export function renderConsentPage(p: ConsentPrompt): string {
  const target = p.resourceName ?? new URL(p.audience).host;
  const u = p.user;
  const who = u
    ? html`<div class="who"><span class="avatar" aria-hidden="true">${initials(u)}</span>
<div><div><strong>${u.name}</strong></div><div class="muted">${u.email}</div></div></div>`
    : html`<fieldset><legend>Continue as</legend>${(p.pickUsers?.users ?? []).map(
        (x, i) => html`<label><input type="radio" name="user" value="${x.email}"${
          (p.pickUsers?.selected ? x.email === p.pickUsers.selected : i === 0) ? html` checked` : html``
        }> ${x.name} <span class="muted">(${x.email})</span></label>`,
      )}</fieldset>`;
  const shares = u
    ? [
        html`<li>Your email address, <strong>${u.email}</strong>${u.email_verified ? html` (verified)` : html` — <em>not verified</em>`}</li>`,
        html`<li>Your name, ${u.name}</li>`,
        html`<li>${amrText(u.amr)}</li>`,
      ]
    : [html`<li>Your email address (if verified)</li>`, html`<li>Your name</li>`, html`<li>How you signed in</li>`];
  const unverified =
    u && !u.email_verified
      ? html`<p class="notice bad" role="note">Your email address is not verified, so the provider cannot vouch for it:
your agent will not be able to sign you in to ${target} this way.</p>`
      : html``;
  const button = (mode: GrantMode, label: string) =>
    html`<button type="submit" name="mode" value="${mode}"${p.suggestedMode === mode ? html` class="primary"` : html``}>${label}</button>`;
  const body = html`<h1 id="consent-title">Let your agent sign you in to ${target}?</h1>
<p class="muted">Requested by <strong>${p.clientName}</strong> for <span class="url">${p.audience}</span></p>
<form method="post" action="${p.approveAction}" aria-labelledby="consent-title">
${hiddenInputs(p.hidden)}
${who}
<p>The Agent Provider will vouch for who you are to <strong>${target}</strong>, so your agent can get an account
and credentials there on your behalf.</p>
<h2>${target} will receive</h2>
<ul class="share">${shares}</ul>
${unverified}
<div class="actions answer">
${button('once', 'Allow once')}
${button('always', 'Always allow')}
<button type="submit" class="deny" formaction="${p.denyAction}" formnovalidate>Deny</button>
</div>
</form>
<footer>"Allow once" lets your agent do this one time. "Always allow" lasts until you withdraw it at the provider;
withdrawing tells ${target} at once, and the credentials it issued on the provider's word stop working.</footer>`;
  return layout(`Sign in to ${target} — Agent Provider`, body);
}

/** The page a person sees after answering ("Approved — return to your agent"). */
export function renderResultPage(outcome: 'approved' | 'denied', target: string, mode?: GrantMode): string {
  const body =
    outcome === 'approved'
      ? html`<h1>Approved — return to your agent</h1>
<p class="notice" role="status">Your agent may now sign you in to <strong>${target}</strong>
${mode === 'once' ? html`once.` : html`until you withdraw it.`}</p>
<p class="muted">You can close this page.</p>`
      : html`<h1>Denied — return to your agent</h1>
<p class="notice bad" role="status">Nothing was shared with <strong>${target}</strong>.</p>
<p class="muted">You can close this page.</p>`;
  return layout(outcome === 'approved' ? 'Approved' : 'Denied', body);
}

/** A page for links that cannot be answered (unknown, already answered, malformed). */
export function renderProblemPage(title: string, message: string): string {
  return layout(title, html`<h1>${title}</h1><p class="notice bad" role="alert">${message}</p>`);
}
