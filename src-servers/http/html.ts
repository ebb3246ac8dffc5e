import type { Response } from 'express';
import { frameAncestors } from './framing.js';

/** HTML-escape text for an element or a quoted attribute (OWASP XSS rule #1 and #2): the five significant characters. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Send one of our HTML pages with its CSP. Pages may show secrets (a claim link, an OTP, a mail),
 * so none is cached (RFC 9111 §5.2.2.5), none leaks its URL as a referrer, none is MIME-sniffed,
 * and only the studio may frame it (framing.ts appends `frame-ancestors` to `csp`).
 */
export function sendHtml(res: Response, status: number, html: string, csp: string): void {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `${csp}; ${frameAncestors(res)}`,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
    })
    .send(html);
}
