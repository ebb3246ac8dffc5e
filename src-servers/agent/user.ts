import { PROVIDER_PATHS, SERVICE_PATHS } from '../protocol/constants.js';
import { findEndpoint, findLink, parseForms, pressButton } from './html.js';
import { describeError, request, whatIsWrong, type HttpResult, type RequestOptions } from './http.js';
import type { ConsentChoice } from '../protocol/run.js';

/**
 * The person, simulated for autopilot (and for "do it for me" in the CLI): a browser that
 * submits the provider's consent page, reads the inbox, opens the claim link and presses
 * "reveal code". Every action is a real HTTP request recorded as the User. The agent never
 * reads this object's state; it only hears the code the person tells it (provideOtp).
 */

export type { ConsentChoice } from '../protocol/run.js';

const BUTTONS: Record<ConsentChoice, RegExp> = { once: /allow once/i, always: /always allow/i, deny: /deny/i };

export class UserActionError extends Error {}

export class SimulatedUser {
  private cookies = new Map<string, Map<string, string>>();
  private openedMail = new Set<string>();
  /** The claim link from the newest mail, and the page it opened. */
  link?: string;
  private page?: { url: string; html: string };
  code?: string;

  constructor(
    private fetchAsUser: typeof fetch,
    readonly email: string,
    private urls: { provider: string; mailbox?: string },
    private signal?: AbortSignal,
  ) {}

  /**
   * A browser keeps cookies per origin; our pages may use one for CSRF, and a v0.6 service its
   * sign-in session (steps/v0.6/browser.ts drives its pages through this).
   */
  async browse(method: string, url: string, opts: RequestOptions = {}): Promise<HttpResult> {
    const origin = new URL(url).origin;
    const jar = this.cookies.get(origin) ?? new Map<string, string>();
    const headers: Record<string, string> = { ...opts.headers };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const r = await request(this.fetchAsUser, method, url, { ...opts, headers, signal: this.signal });
    for (const c of r.headers.getSetCookie?.() ?? []) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    this.cookies.set(origin, jar);
    return r;
  }

  /** A fresh browser session at one origin (a private window): its cookies are gone. */
  forgetCookies(origin: string): void {
    this.cookies.delete(origin);
  }

  /** Open the provider's consent page and press Allow once / Always allow / Deny. */
  async answerConsent(consentUrl: string, choice: ConsentChoice): Promise<string> {
    const page = await this.browse('GET', consentUrl, { headers: { accept: 'text/html' } });
    if (page.status !== 200) throw new UserActionError(`the consent page answered ${describeError(page)}`);
    const press = pressButton(parseForms(page.text, consentUrl), BUTTONS[choice]);
    if (!press) throw new UserActionError(`the consent page has no "${BUTTONS[choice].source}" button`);
    const { form, body } = press;
    const r = await this.browse(form.method, form.action, form.method === 'GET' ? {} : { form: body, headers: { accept: 'text/html' } });
    if (r.status >= 400) throw new UserActionError(`submitting the consent form answered ${describeError(r)}`);
    return choice === 'deny' ? 'You pressed Deny on the consent page.' : `You pressed "${choice === 'once' ? 'Allow once' : 'Always allow'}" on the consent page.`;
  }

  /**
   * Open the inbox and the newest claim mail sent to you since `sinceMs`. Mail travels over SMTP
   * after the service answered, so look again a few times before giving up.
   */
  async openMail(sinceMs: number, attempts = 40): Promise<{ subject: string; link: string }> {
    if (!this.urls.mailbox)
      throw new UserActionError(
        `I cannot read your mail for a service I do not host: it mailed the claim link to ${this.email} at your own mail provider. Open that mail yourself, reveal the code and tell it to me`,
      );
    const messagesUrl = `${this.urls.mailbox}/messages`;
    for (let i = 0; i < attempts; i++) {
      const list = await this.browse('GET', messagesUrl);
      if (list.status !== 200 || !Array.isArray(list.json)) throw new UserActionError(`the inbox ${whatIsWrong(list, 'a list of messages')}`);
      const mail = (list.json as any[]).find((m) => {
        const to = JSON.stringify(m.to ?? '').toLowerCase();
        const date = Date.parse(m.date ?? '');
        return (
          to.includes(this.email.toLowerCase()) &&
          !this.openedMail.has(String(m.id)) &&
          (Number.isNaN(date) || date >= sinceMs - 2000) &&
          findLink(String(m.text ?? '')) !== undefined
        );
      });
      if (mail) {
        this.openedMail.add(String(mail.id));
        const full = await this.browse('GET', `${messagesUrl}/${encodeURIComponent(mail.id)}`);
        const text = String(full.json?.text ?? mail.text ?? '');
        const link = findLink(text);
        if (!link) throw new UserActionError('the mail has no link in it');
        this.link = link;
        return { subject: String(mail.subject ?? ''), link };
      }
      await new Promise((r) => setTimeout(r, 150));
      if (this.signal?.aborted) break;
    }
    throw new UserActionError(`no new claim mail for ${this.email} arrived in the inbox`);
  }

  /** Click the link in the mail: the service's claim page (it shows a button; no code yet). */
  async openLink(link = this.link): Promise<number> {
    if (!link) throw new UserActionError('there is no claim link to open: open the mail first');
    const r = await this.browse('GET', link, { headers: { accept: 'text/html' } });
    this.page = { url: link, html: r.text };
    return r.status;
  }

  /**
   * Press "reveal code" on the claim page: the page's script posts the claim_attempt_token from
   * the link to the challenge endpoint and shows the six digits (PROTOCOL.md §3).
   */
  async revealCode(): Promise<{ status: number; code?: string; error?: string; result: HttpResult }> {
    const link = this.page?.url ?? this.link;
    if (!link) throw new UserActionError('there is no claim page open');
    const token = new URL(link).searchParams.get('token') ?? '';
    const endpoint =
      (this.page && findEndpoint(this.page.html, link, '/challenge')) ?? new URL(SERVICE_PATHS.claimChallenge, link).toString();
    const r = await this.browse('POST', endpoint, { json: { claim_attempt_token: token } });
    this.code = r.status === 200 ? String(r.json?.challenge ?? '') : undefined;
    return { status: r.status, code: this.code, error: r.json?.error, result: r };
  }

  /** Revoke, at the provider, the grant that lets the agent assert you to `audience`. */
  async revokeGrant(audience: string): Promise<string> {
    const base = this.urls.provider;
    const login = await this.browse('POST', `${base}${PROVIDER_PATHS.login}`, { json: { email: this.email } });
    if (login.status !== 200) throw new UserActionError(`signing in at the provider answered ${describeError(login)}`);
    const session = String(login.json.session_token);
    const list = await this.browse('GET', `${base}${PROVIDER_PATHS.grants}`, { bearer: session });
    const grants: any[] = Array.isArray(list.json) ? list.json : (list.json?.grants ?? []);
    const grant = grants.find((g) => g.audience === audience && !g.revoked_at);
    if (!grant) throw new UserActionError(`you have no grant for ${audience} to revoke`);
    const id = String(grant.id ?? grant.grant_id);
    const del = await this.browse('DELETE', `${base}${PROVIDER_PATHS.grants}/${encodeURIComponent(id)}`, { bearer: session });
    if (del.status !== 204 && del.status !== 200) throw new UserActionError(`revoking the grant answered ${describeError(del)}`);
    return id;
  }
}
