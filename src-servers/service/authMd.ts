import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Router } from 'express';
import { ProtocolError } from '../protocol/errors.js';
import type { ServiceContext } from './context.js';

const PACKAGE_NAME = 'agentic-registration-studio';

/**
 * The app's root folder: the nearest folder above `from` whose package.json is this app's. The same
 * walk works from the sources (tsx), from electron-vite's bundle (out/main/index.js) and inside a
 * packaged app.asar (Electron reads files in it transparently), so no caller has to say where it runs.
 */
export function findAppRoot(from: string = fileURLToPath(import.meta.url)): string | undefined {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
      } catch {
        // an unreadable package.json is not ours; keep walking
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Where a profile's AUTH.md is: the explicit file, else `relPath` under the app root, else under the working directory. */
export function findAuthMd(relPath: string, explicit?: string): string | undefined {
  const root = findAppRoot();
  const candidates = [explicit, root && join(root, relPath), resolve(process.cwd(), relPath)];
  return candidates.find((p): p is string => Boolean(p) && existsSync(p!));
}

/** AUTH.md with `{{SERVICE_URL}}` replaced by this host's base URL, so every curl line works as is. */
export function renderAuthMd(template: string, ctx: Pick<ServiceContext, 'issuer'>): string {
  return template.replaceAll('{{SERVICE_URL}}', ctx.issuer);
}

/** `agent_auth.skill` (PROTOCOL.md §1, PROTOCOL-v0.6.md §1): the profile's AUTH.md with real URLs, as `text/markdown; charset=utf-8`. */
export function serveAuthMd(router: Router, ctx: ServiceContext, route: string, relPath: string, explicit?: string): void {
  let rendered: string | undefined;
  router.get(route, (_req, res) => {
    if (rendered === undefined) {
      const path = findAuthMd(relPath, explicit);
      if (!path) throw new ProtocolError('not_found', `This service's AUTH.md (${relPath}) is not installed with it.`);
      rendered = renderAuthMd(readFileSync(path, 'utf8'), ctx);
    }
    res.type('text/markdown; charset=utf-8').set('Cache-Control', 'no-cache').send(rendered);
  });
}
