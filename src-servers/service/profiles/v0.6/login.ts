import type { Request, Router } from 'express';
import { z } from 'zod';
import { PREFIX } from '../../../protocol/constants.js';
import { SERVICE_PATHS_V06 } from '../../../protocol/v0.6/constants.js';
import type { ServiceContext } from '../../context.js';
import { escapeHtml } from '../../../http/html.js';
import { sendPage } from '../../html.js';
import { newId } from '../../secrets.js';
import { endSession, FORM_TOKEN_FIELD, issueFormToken, sessionUser, startSession, validFormToken } from './session.js';

/** PROTOCOL-v0.6.md §6: the service's seeded accounts, listed on the sign-in page. */
export const SEEDED_ACCOUNTS = ['alice@service.example.com', 'bob@service.example.com'] as const;

/** §3: `return_to` must start with `/` and not `//` (nor `/\\`, which browsers read as `//`), else `/`. */
export function safeReturnTo(v: unknown): string {
  return typeof v === 'string' && v.startsWith('/') && !v.startsWith('//') && !v.startsWith('/\\') && v.length <= 2048 ? v : '/';
}

const EMAIL = z.email().max(320);

/** Create the seeded accounts once (verified emails: the users table stores only those). */
export function seedAccounts(ctx: ServiceContext): void {
  ctx.store.transaction(() => {
    for (const email of SEEDED_ACCOUNTS) {
      if (!ctx.store.users.byEmail(email)) ctx.store.users.insert({ id: newId(PREFIX.user), email, phone_number: null, name: null, created_at: ctx.now() });
    }
  });
}

const hidden = (name: string, value: string) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;

function loginPage(ctx: ServiceContext, returnTo: string, error?: string): { title: string; body: string; forms: true } {
  const token = issueFormToken(ctx, 'login');
  const quick = SEEDED_ACCOUNTS.map((email) => `<form method="post" action="${SERVICE_PATHS_V06.login}">${hidden('email', email)}${hidden('return_to', returnTo)}${hidden(FORM_TOKEN_FIELD, token)}<button type="submit" class="secondary">${escapeHtml(email)}</button></form>`).join('');
  return {
    title: `Sign in to ${new URL(ctx.issuer).host}`,
    forms: true,
    body: `${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<p class="muted">A demo sign-in: no password. Any email address signs in (a new one becomes a new account).</p>
<form method="post" action="${SERVICE_PATHS_V06.login}">
<label for="email">Email</label>
<input type="email" id="email" name="email" required autocomplete="email" autofocus>
${hidden('return_to', returnTo)}${hidden(FORM_TOKEN_FIELD, token)}
<div class="row"><button type="submit">Sign in</button></div>
</form>
<p class="muted">Or sign in as a seeded account:</p>
<div class="row">${quick}</div>`,
  };
}

const formFields = (req: Request) => (req.is('application/x-www-form-urlencoded') ? ((req.body ?? {}) as Record<string, unknown>) : undefined);

/** PROTOCOL-v0.6.md §3: `GET/POST /login` (mock sign-in, auto-provisioning) and `POST /logout`. */
export function loginRoutesV06(router: Router, ctx: ServiceContext): void {
  router.get(SERVICE_PATHS_V06.login, (req, res) => {
    const returnTo = safeReturnTo(req.query.return_to);
    if (sessionUser(ctx, req)) return void res.redirect(302, returnTo);
    sendPage(res, 200, loginPage(ctx, returnTo));
  });

  router.post(SERVICE_PATHS_V06.login, (req, res) => {
    const body = formFields(req);
    const returnTo = safeReturnTo(body?.return_to);
    const email = typeof body?.email === 'string' ? body.email.trim().toLowerCase() : '';
    if (!body || !validFormToken(ctx, body[FORM_TOKEN_FIELD], 'login')) {
      return sendPage(res, 400, loginPage(ctx, returnTo, 'This form has expired or did not come from this page. Sign in again.'));
    }
    if (!EMAIL.safeParse(email).success) return sendPage(res, 400, loginPage(ctx, returnTo, 'Enter an email address.'));
    const user = ctx.store.transaction(() => {
      const existing = ctx.store.users.byEmail(email);
      if (existing) return existing;
      // §3: any well-formed email signs in, auto-provisioned as a verified account (as in the reference).
      const row = { id: newId(PREFIX.user), email, phone_number: null, name: null, created_at: ctx.now() };
      ctx.store.users.insert(row);
      ctx.audit('user.created', null, { user_id: row.id, email, via: 'login' });
      return row;
    });
    startSession(ctx, res, user);
    res.redirect(302, returnTo);
  });

  router.post(SERVICE_PATHS_V06.logout, (req, res) => {
    const body = formFields(req);
    if (!body || !validFormToken(ctx, body[FORM_TOKEN_FIELD], 'logout')) {
      return sendPage(res, 400, { title: 'Could not sign out', body: '<p>This form did not come from this service\'s page. Reload the page and try again.</p>' });
    }
    endSession(ctx, req, res);
    // §3: `302 /login`; a form that says where to come back (the wrong-account page's) keeps it for the next sign-in.
    const back = safeReturnTo(body.return_to);
    res.redirect(302, back === '/' ? SERVICE_PATHS_V06.login : `${SERVICE_PATHS_V06.login}?return_to=${encodeURIComponent(back)}`);
  });
}

/** The sign-out form every signed-in page shows; `returnTo` (a local path) is where the next sign-in lands. */
export const logoutForm = (ctx: ServiceContext, returnTo?: string, label = 'Sign out') =>
  `<form method="post" action="${SERVICE_PATHS_V06.logout}">${hidden(FORM_TOKEN_FIELD, issueFormToken(ctx, 'logout'))}${returnTo ? hidden('return_to', returnTo) : ''}<button type="submit" class="secondary">${escapeHtml(label)}</button></form>`;

export { hidden };
