/** A tiny browser for the v0.6 pages (PROTOCOL-v0.6.md §3): a cookie jar, manual redirects, and the pages' own form tokens. */
import { call, type Reply } from '../helpers.js';

export class Browser {
  private cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return { ...(cookie ? { cookie } : {}), ...extra };
  }

  private keep(r: Reply): Reply {
    for (const line of r.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return r;
  }

  get cookieHeader() {
    return this.headers().cookie;
  }

  async get(pathOrUrl: string): Promise<Reply> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.base}${pathOrUrl}`;
    return this.keep(await call(url, { headers: this.headers(), redirect: 'manual' }));
  }

  async post(path: string, fields: Record<string, string>): Promise<Reply> {
    return this.keep(await call(`${this.base}${path}`, {
      method: 'POST', redirect: 'manual',
      headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      body: new URLSearchParams(fields).toString(),
    }));
  }

  async signIn(email: string, returnTo = '/'): Promise<Reply> {
    const page = await this.get(`/login?return_to=${encodeURIComponent(returnTo)}`);
    return this.post('/login', { email, return_to: returnTo, csrf_token: formTokens(page.text)[0] });
  }

  /** Open the claim page and post the code in its form (what a person does). */
  async complete(attemptToken: string, userCode: string): Promise<Reply> {
    const page = await this.get(`/claim?claim_attempt_token=${encodeURIComponent(attemptToken)}`);
    if (page.status !== 200) return page;
    return this.post('/agent/identity/claim/complete', { claim_attempt_token: attemptToken, user_code: userCode, csrf_token: formTokens(page.text)[0] });
  }
}

/** The hidden `csrf_token` values of a page, in document order. */
export function formTokens(html: string): string[] {
  return [...html.matchAll(/name="csrf_token" value="([^"]+)"/g)].map((m) => m[1]);
}

/** The cvt_ token inside a verification_uri (§3). */
export function attemptTokenOf(verificationUri: string): string {
  const returnTo = new URL(verificationUri).searchParams.get('return_to')!;
  return new URL(returnTo, 'http://x').searchParams.get('claim_attempt_token')!;
}

export const outcomeOf = (r: Reply) => /data-outcome="([a-z_]+)"/.exec(r.text)?.[1];
export const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
