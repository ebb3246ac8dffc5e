import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import { escapeHtml, sendHtml } from '../http/html.js';

/**
 * Send one of the service's few HTML pages (the claim page). The studio shows them in a frame, so
 * no X-Frame-Options; CSP `frame-ancestors` allows the studio's origin only (http/framing.ts). The link
 * carries a secret token, so no referrer and no caching (http/html.ts).
 */
export function sendPage(res: Response, status: number, page: { title: string; body: string; script?: string; forms?: boolean }): void {
  const nonce = randomBytes(16).toString('base64');
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "base-uri 'none'",
    // PROTOCOL-v0.6.md §3: the v0.6 sign-in and claim pages are real forms posting to this origin.
    page.forms ? "form-action 'self'" : "form-action 'none'",
  ].join('; ');
  sendHtml(res, status, `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>
  body { font-family: system-ui, sans-serif; color: #171717; background: #fafafa; margin: 0; padding: 32px 16px; line-height: 1.5; }
  main { max-width: 520px; margin: 0 auto; background: #fff; border: 1px solid #e7e7e7; border-radius: 6px; padding: 24px 28px; }
  h1 { font-size: 22px; margin: 0 0 12px; }
  .muted { color: #5c5c5c; font-size: 14px; }
  button { font: inherit; font-size: 16px; padding: 10px 18px; border: 0; border-radius: 4px; background: #0d7268; color: #fff; cursor: pointer; }
  button:focus-visible { outline: 3px solid #f5a524; outline-offset: 2px; }
  .code { font: 700 44px/1.2 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; letter-spacing: 0.18em; margin: 16px 0 4px; }
  .error { color: #b32424; }
  /* The v0.6 sign-in and claim forms (PROTOCOL-v0.6.md §3). */
  label { display: block; font-weight: 600; margin: 12px 0 4px; }
  input[type=email], input[type=text] { font: inherit; font-size: 16px; padding: 8px 10px; width: 100%; box-sizing: border-box; border: 1px solid #8a8a8a; border-radius: 4px; }
  input.code-input { font: 700 24px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; letter-spacing: 0.3em; max-width: 12em; }
  input:focus-visible { outline: 3px solid #f5a524; outline-offset: 1px; }
  .row { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; margin-top: 12px; }
  button.secondary { background: #fff; color: #0d7268; border: 1px solid #0d7268; }
  .advisory { border-left: 4px solid #b26b00; background: #fff8e6; padding: 8px 12px; margin: 12px 0; }
  /* Framed in the studio's browser pane (a few hundred px): tighter, so "Reveal code" and the code are in view. */
  @media (max-height: 460px), (max-width: 480px) {
    body { padding: 8px; line-height: 1.4; font-size: 14px; } main { padding: 12px 14px; } h1 { font-size: 17px; margin-bottom: 6px; }
    p { margin: 6px 0; } .muted { font-size: 12.5px; } button { font-size: 14px; padding: 7px 14px; } .code { font-size: 34px; margin: 8px 0 2px; }
  }
  /* The shortest frame (the studio at its 1024×700 minimum): still the whole page down to its button. */
  @media (max-height: 300px) {
    body { padding: 0; font-size: 13px; line-height: 1.35; } main { border: 0; border-radius: 0; padding: 8px 12px; }
    h1 { font-size: 15px; margin-bottom: 4px; } p { margin: 4px 0; } .muted { font-size: 12px; }
    button { padding: 6px 12px; } .code { font-size: 30px; margin: 4px 0 0; }
  }
</style></head>
<body><main>
<h1>${escapeHtml(page.title)}</h1>
${page.body}
</main>${page.script ? `<script nonce="${nonce}">${page.script}</script>` : ''}</body></html>`, csp);
}
