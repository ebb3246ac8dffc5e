import { SERVICE_PATHS_V06 } from '../../../protocol/v0.6/constants.js';
import { parseForms, type HtmlForm } from '../../html.js';
import type { HttpResult, RequestOptions } from '../../http.js';
import { UserActionError, type SimulatedUser } from '../../user.js';

/**
 * The person's browser at a v0.6 service's own pages (PROTOCOL-v0.6.md §3): its mock sign-in at
 * /login (a cookie session) and its /claim form. Real form posts, recorded as the User; redirects
 * are followed as a browser would (a 302 after a POST becomes a GET).
 */

interface ServiceTab {
  /** Who the service's session cookie says is signed in, per origin. */
  signedInAs: Map<string, string>;
  /** The claim page last shown. */
  page?: { url: string; html: string; status: number };
  /** How the person last left another account's session, for the narration. */
  signedOut?: string;
}

const tabs = new WeakMap<SimulatedUser, ServiceTab>();
const tabOf = (user: SimulatedUser) => {
  let t = tabs.get(user);
  if (!t) tabs.set(user, (t = { signedInAs: new Map() }));
  return t;
};

const HTML = { accept: 'text/html' };

/** One request and every redirect after it (RFC 9110 §15.4: a browser turns a POST's 302 into a GET). */
async function follow(user: SimulatedUser, method: string, url: string, opts: RequestOptions = {}): Promise<HttpResult> {
  let r = await user.browse(method, url, { ...opts, headers: { ...HTML, ...opts.headers } });
  for (let hops = 0; r.status >= 300 && r.status < 400 && hops < 5; hops++) {
    const location = r.headers.get('location');
    if (!location) break;
    r = await user.browse('GET', new URL(location, r.url).toString(), { headers: HTML });
  }
  return r;
}

const fieldForm = (forms: HtmlForm[], field: string) => forms.find((f) => field in f.fields);

/**
 * Open the verification_uri, sign in as `email` when the service asks (signing out first when the
 * session is somebody else's), and land on the claim page. Answers the claim page's status.
 */
export async function signInAtService(user: SimulatedUser, verificationUri: string, email: string): Promise<{ status: number; advisories: string[]; signedOut?: string }> {
  const tab = tabOf(user);
  const origin = new URL(verificationUri).origin;
  const current = tab.signedInAs.get(origin);
  if (current && current.toLowerCase() !== email.toLowerCase()) {
    // PROTOCOL-v0.6.md §3 POST /logout: the session is destroyed, so the next sign-in is a new account's. A page's
    // own "Sign out" form carries what binds it to that page (DESIGN.md rule 10); without one, a bare POST.
    const shown = tab.page && parseForms(tab.page.html, tab.page.url).find((f) => new URL(f.action).pathname === SERVICE_PATHS_V06.logout);
    const out = await user.browse('POST', shown?.action ?? `${origin}${SERVICE_PATHS_V06.logout}`, { form: shown?.fields ?? {}, headers: HTML });
    // A page that says "sign out" but offers no way to: the person opens a fresh browser session instead.
    if (out.status >= 400) user.forgetCookies(origin);
    tab.signedInAs.delete(origin);
    tab.signedOut = shown ? 'the page\'s Sign out button' : out.status < 400 ? 'signing out' : `a fresh browser session (signing out answered ${out.status})`;
  }
  let r = await follow(user, 'GET', verificationUri);
  const login = fieldForm(parseForms(r.text, r.url), 'email');
  if (login && !fieldForm(parseForms(r.text, r.url), 'user_code')) {
    r = await follow(user, login.method, login.action, { form: { ...login.fields, email } });
    if (r.status === 400) throw new UserActionError(`the service's sign-in refused ${email} (400)`);
    tab.signedInAs.set(origin, email);
  }
  tab.page = { url: r.url, html: r.text, status: r.status };
  const left = tab.signedOut;
  tab.signedOut = undefined;
  return { status: r.status, advisories: [], signedOut: left };
}

/** Sign in once at the service's own /login (the takeover lesson's account holder, before any agent). */
export async function signUpAtService(user: SimulatedUser, issuer: string, email: string): Promise<number> {
  const url = new URL(SERVICE_PATHS_V06.login, `${issuer}/`).toString();
  const page = await follow(user, 'GET', url);
  const login = fieldForm(parseForms(page.text, page.url), 'email');
  if (page.status !== 200 || !login) throw new UserActionError(`the service's sign-in page ${url} answered ${page.status} without a sign-in form`);
  // The sign-in is done once /login answers (302 onward); where it sends a signed-in person is no concern here.
  const r = await user.browse(login.method, login.action, { form: { ...login.fields, email }, headers: HTML });
  if (r.status >= 400) throw new UserActionError(`signing in at the service as ${email} answered ${r.status}`);
  tabOf(user).signedInAs.set(new URL(url).origin, email);
  return r.status;
}

/** Type the user_code into the claim page's form and submit it. Answers the page's status (200 "All set"). */
export async function submitUserCode(user: SimulatedUser, code: string): Promise<number> {
  const page = tabOf(user).page;
  if (!page) throw new UserActionError('there is no claim page open: sign in at the service first');
  const form = fieldForm(parseForms(page.html, page.url), 'user_code');
  if (!form) throw new UserActionError(`the claim page (${page.status}) has no field for the code`);
  const r = await follow(user, form.method, form.action, { form: { ...form.fields, user_code: code } });
  tabOf(user).page = { url: r.url, html: r.text, status: r.status };
  return r.status;
}
