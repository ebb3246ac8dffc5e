import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Router } from 'express';
import { ProtocolError } from '../../../protocol/errors.js';
import { SERVICE_PATHS_V06 } from '../../../protocol/v0.6/constants.js';
import type { ServiceContext } from '../../context.js';

/** The v0.6 AUTH.md lives in this profile's folder (found from this file, or from the repo's top level). */
export function findAuthMdV06(explicit?: string): string | undefined {
  const candidates = [
    explicit,
    fileURLToPath(new URL('./AUTH.md', import.meta.url)),
    resolve(process.cwd(), 'src-servers/service/profiles/v0.6/AUTH.md'),
  ].filter((p): p is string => Boolean(p));
  return candidates.find((p) => existsSync(p));
}

/** PROTOCOL-v0.6.md §1 `agent_auth.skill`: the v0.6 AUTH.md with real URLs, as `text/markdown; charset=utf-8`. */
export function authMdRoutesV06(router: Router, ctx: ServiceContext, file?: string): void {
  let rendered: string | undefined;
  router.get(SERVICE_PATHS_V06.authMd, (_req, res) => {
    if (rendered === undefined) {
      const path = findAuthMdV06(file);
      if (!path) throw new ProtocolError('not_found', 'The v0.6 AUTH.md is not installed with this service.');
      rendered = readFileSync(path, 'utf8').replaceAll('{{SERVICE_URL}}', ctx.issuer);
    }
    res.type('text/markdown; charset=utf-8').set('Cache-Control', 'no-cache').send(rendered);
  });
}
