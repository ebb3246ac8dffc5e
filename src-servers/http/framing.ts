import type { RequestHandler, Response } from 'express';

/**
 * Who may frame a role's HTML pages (CSP Level 3 `frame-ancestors`, which replaces X-Frame-Options):
 * the studio shows the consent page, the claim page and the inbox in its panes, so the studio's
 * own origin may, and no other page on loopback may (DESIGN.md rule 10: a page on another port
 * must not overlay our buttons). Without a studio, nobody but the page's own origin.
 *
 * `framedBy(getOrigins)` is installed first on each role's app; `frameAncestors(res)` is what
 * sendHtml (html.ts) appends to every page's CSP. The origins are read per request, since the
 * studio starts after the roles.
 */
export function framedBy(getOrigins: () => readonly string[] = () => []): RequestHandler {
  return (_req, res, next) => {
    res.locals.frameAncestors = getOrigins();
    next();
  };
}

export function frameAncestors(res: Response): string {
  const origins = (res.locals?.frameAncestors as readonly string[] | undefined) ?? [];
  return ["frame-ancestors 'self'", ...origins].join(' ');
}

/** The origins a studio page at `url` has: the loopback names the studio answers to (hostCheck.ts). */
export function studioOrigins(url: string): string[] {
  const { port } = new URL(url);
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}
