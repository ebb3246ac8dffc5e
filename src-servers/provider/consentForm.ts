import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The consent page's anti-forgery token (OWASP CSRF Prevention: synchronizer token, the HMAC
 * variant). Any web page can post a form to 127.0.0.1, and this demo provider has no sign-in
 * cookie to tell the person's browser from another site's; so the answer counts only when it
 * carries the token that our own consent page — unreadable to other origins — rendered into it.
 * The token is bound to what the page asked (the stored request, or the audience and the revocation
 * receiver — revocation_uri or events_uri — of a page without one), so it cannot answer another question; the key lives as long as the
 * provider process (a reload after a restart shows a fresh page).
 */
export const CONSENT_FORM_FIELD = 'csrf_token';
const TTL_SECONDS = 3600;

export interface ConsentFormTokens {
  issue(binding: string): string;
  /** True when `token` was issued by this provider, for this binding, within the hour. */
  valid(token: unknown, binding: string): boolean;
}

export function consentFormTokens(now: () => number): ConsentFormTokens {
  const key = randomBytes(32);
  const mac = (issuedAt: number, binding: string) => createHmac('sha256', key).update(`${issuedAt}\n${binding}`).digest();
  return {
    issue(binding) {
      const issuedAt = Math.floor(now() / 1000);
      return `${issuedAt}.${mac(issuedAt, binding).toString('base64url')}`;
    },
    valid(token, binding) {
      if (typeof token !== 'string') return false;
      const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
      if (!m) return false;
      const issuedAt = Number(m[1]);
      const age = Math.floor(now() / 1000) - issuedAt;
      if (age < 0 || age > TTL_SECONDS) return false;
      return timingSafeEqual(Buffer.from(m[2], 'base64url'), mac(issuedAt, binding));
    },
  };
}

/** What a form token is bound to: a stored consent request, or the question a request-less page asked. */
export const requestBinding = (id: string) => `request\n${id}`;
export const pageBinding = (audience: string, target: { revocation_uri?: string | null; events_uri?: string | null }) =>
  `page\n${audience}\n${target.revocation_uri ?? ''}\n${target.events_uri ?? ''}`;
