import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Router } from 'express';
import { SERVICE_PATHS } from '../../../../protocol/constants.js';
import { ProtocolError } from '../../../../protocol/errors.js';
import type { ServiceContext } from '../../../context.js';

/** Where AUTH.md lives: the repo's top level, found from this file or the working directory. */
export function findAuthMd(explicit?: string): string | undefined {
  const candidates = [
    explicit,
    fileURLToPath(new URL('../../../../../AUTH.md', import.meta.url)),
    resolve(process.cwd(), 'AUTH.md'),
  ].filter((p): p is string => Boolean(p));
  return candidates.find((p) => existsSync(p));
}

/** AUTH.md with `{{SERVICE_URL}}` replaced by this host's base URL, so every curl line works as is. */
export function renderAuthMd(template: string, ctx: Pick<ServiceContext, 'issuer'>): string {
  return template.replaceAll('{{SERVICE_URL}}', ctx.issuer);
}

/** PROTOCOL.md §1 `agent_auth.skill`: the instructions an agent reads, as `text/markdown`. */
export function authMdRoutes(router: Router, ctx: ServiceContext, file?: string): void {
  let rendered: string | undefined;
  router.get(SERVICE_PATHS.authMd, (_req, res) => {
    if (rendered === undefined) {
      const path = findAuthMd(file);
      if (!path) throw new ProtocolError('not_found', 'AUTH.md is not installed with this service.');
      rendered = renderAuthMd(readFileSync(path, 'utf8'), ctx);
    }
    res.type('text/markdown; charset=utf-8').set('Cache-Control', 'no-cache').send(rendered);
  });
}
