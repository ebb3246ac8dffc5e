import type { AppOrigins } from './security.js';

/**
 * The Content-Security-Policy the window's session puts on the studio page (Electron security
 * checklist §7 "Define a Content Security Policy"). The studio server does not send one itself,
 * so in the desktop app this header is the policy. Role pages (service, provider, mailbox) keep
 * the headers their own servers send; this only touches responses from the studio origin.
 */
export function studioCsp(origins: AppOrigins): string {
  const roles = origins.roles.join(' ');
  const directives: [string, string][] = [
    ['default-src', "'self'"],
    // No 'unsafe-inline', no 'unsafe-eval': only the bundled scripts run.
    ['script-src', "'self'"],
    // Inline styles are allowed: React style props and generated SVG (diagram) carry style attributes
    // and <style> elements; a style cannot run code, a script could.
    ['style-src', "'self' 'unsafe-inline'"],
    ['img-src', `'self' data: blob: ${roles}`],
    ['font-src', "'self' data:"],
    // The studio API and SSE are same-origin; the panes may also read the role servers directly.
    ['connect-src', `'self' ${roles}`],
    // The user's panes frame the real consent page, inbox and claim page.
    ['frame-src', `'self' ${roles}`],
    ['form-action', `'self' ${roles}`],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['frame-ancestors', "'none'"],
  ];
  return directives.map(([name, value]) => `${name} ${value}`).join('; ');
}

/** Response headers as Electron's webRequest hands them over: name → values, names in any case. */
export type ResponseHeaders = Record<string, string | string[]>;

/** Whether a response gets the studio CSP: everything served by the studio origin, nothing else. */
export function shouldApplyCsp(url: string, origins: AppOrigins): boolean {
  try {
    return new URL(url).origin === origins.studio;
  } catch {
    return false;
  }
}

/** Replace any CSP the server sent (whatever the header's case) with ours. Returns a new object. */
export function withCsp(headers: ResponseHeaders | undefined, policy: string): ResponseHeaders {
  const out: ResponseHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [policy];
  return out;
}
