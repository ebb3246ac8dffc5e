/**
 * Where the window may go. The app is a browser pointed at its own loopback servers, so the rule is
 * an allow-list of those origins (Electron security checklist §13 "Disable or limit navigation",
 * §14 "Disable or limit creation of new windows"); documentation pages belong in the system browser,
 * and any other page, or anything that is not http(s), goes nowhere (§15: shell.openExternal with
 * untrusted content).
 * Pure functions of strings: no electron import, tested in plain Node.
 */

/** The app's own origins: the studio (the window's page) and the three role servers it frames. */
export interface AppOrigins {
  studio: string;
  /** Service, provider, mailbox: what the studio shows in iframes or opens in its own windows. */
  roles: readonly string[];
}

/** Build AppOrigins from the URLs the host and studio report (e.g. "http://127.0.0.1:8000"). */
/** `services`: every service the host runs (the companion of the other profile too: its /login and /claim pages are the app's). */
export function appOrigins(urls: { studio: string; service: string; provider: string; mailbox: string; services?: readonly string[] }): AppOrigins {
  const roles = [urls.service, ...(urls.services ?? []), urls.provider, urls.mailbox].map((u) => new URL(u).origin);
  return { studio: new URL(urls.studio).origin, roles: [...new Set(roles)] };
}

export type UrlKind = 'studio' | 'app' | 'external' | 'blocked';

/** Longest URL we hand to the OS: far above any real link, far below what could hurt a URL handler. */
export const MAX_EXTERNAL_URL_LENGTH = 8192;

/** Parse and classify a URL by origin. Origins compare exactly (scheme, host, port), so
 *  `http://127.0.0.1:8000@evil.example` (userinfo trick) is evil.example, not ours. */
export function classifyUrl(url: string, origins: AppOrigins): UrlKind {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'blocked';
  }
  if (parsed.origin === origins.studio) return 'studio';
  if (origins.roles.includes(parsed.origin)) return 'app';
  // Only web links leave the app: file:, javascript:, smb:, custom schemes can run things locally.
  if ((parsed.protocol === 'http:' || parsed.protocol === 'https:') && url.length <= MAX_EXTERNAL_URL_LENGTH) return 'external';
  return 'blocked';
}

/**
 * What to do with a navigation or window.open:
 * - `allow`: let it happen in place (or as a new app window, for window.open);
 * - `app-window`: the main window must stay the studio, so a role page opens in a child window;
 * - `system-browser`: prevent it here and hand the URL to shell.openExternal;
 * - `deny`: prevent it, do nothing.
 */
export type NavigationAction = 'allow' | 'app-window' | 'system-browser' | 'deny';

/**
 * The only sites a page can send to the system browser (security checklist §15: shell.openExternal
 * with untrusted content): the specifications and references the studio's lessons cite. Exact host
 * names, no wildcards: a subdomain can be anyone's.
 */
export const DOCUMENTATION_HOSTS: readonly string[] = [
  'datatracker.ietf.org',
  'www.rfc-editor.org',
  'rfc-editor.org',
  'www.ietf.org',
  'openid.net',
  'developer.mozilla.org',
  'mermaid.js.org',
];

/** An http(s) URL of a documentation host, on its default port and without userinfo. */
export function isDocumentationUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
  if (u.username || u.password || u.port || url.length > MAX_EXTERNAL_URL_LENGTH) return false;
  return DOCUMENTATION_HOSTS.includes(u.hostname);
}

/** `where`: a navigation of the main (studio) window, of a child window, or a window.open request. */
export function navigationAction(url: string, origins: AppOrigins, where: 'main' | 'child' | 'window-open'): NavigationAction {
  const kind = classifyUrl(url, origins);
  // Any other web page goes nowhere: a page must not choose what the OS opens.
  if (kind === 'external') return isDocumentationUrl(url) ? 'system-browser' : 'deny';
  if (kind === 'blocked') return 'deny';
  // Leaving the studio page in the main window would strand the user (the window has no back button).
  if (where === 'main' && kind === 'app') return 'app-window';
  return 'allow';
}

/**
 * A navigation inside a frame of the studio page (consent page, claim page, inbox): a web link off
 * the app goes to the system browser; everything else is left to the CSP's frame-src, so frames
 * move between the app's origins, and about:blank or srcdoc frames keep working.
 */
export function frameNavigationAction(url: string, origins: AppOrigins): 'system-browser' | 'deny' | 'leave-to-csp' {
  if (classifyUrl(url, origins) !== 'external') return 'leave-to-csp';
  return isDocumentationUrl(url) ? 'system-browser' : 'deny';
}

/** Validate a URL the renderer asks us to open in the system browser (IPC argument: untrusted). */
export function externalUrlOrNull(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > MAX_EXTERNAL_URL_LENGTH) return null;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * What window.studio.openExternal (the studio page's "open in a real browser" button) may open in
 * the system browser: a documentation page, or one of the app's own role pages (the claim page the
 * user's-browser pane shows). Anything else is refused with `message`.
 */
export function openExternalTarget(value: unknown, origins: AppOrigins): { ok: true; url: string } | { ok: false; message: string } {
  const url = externalUrlOrNull(value);
  if (!url) return { ok: false, message: 'openExternal: only http and https URLs can be opened' };
  if (isDocumentationUrl(url) || classifyUrl(url, origins) === 'app') return { ok: true, url };
  return { ok: false, message: "openExternal: only documentation sites and the app's own pages can be opened" };
}

/**
 * Permission requests (camera, geolocation, notifications, …) are denied (security checklist §5):
 * the studio needs none. The one exception is writing text to the clipboard from the studio page,
 * which its "Copy" buttons use; Chromium asks for it as "clipboard-sanitized-write".
 */
export function permissionAllowed(permission: string, requestingUrl: string | undefined, origins: AppOrigins): boolean {
  if (permission !== 'clipboard-sanitized-write' || !requestingUrl) return false;
  return classifyUrl(requestingUrl, origins) === 'studio';
}

/** IPC is answered only for the studio page itself, never for a framed role page or a stray window
 *  (security checklist §17 "Validate the sender of all IPC messages"). */
export function isTrustedSender(frameUrl: string | undefined, origins: AppOrigins): boolean {
  return !!frameUrl && classifyUrl(frameUrl, origins) === 'studio';
}
