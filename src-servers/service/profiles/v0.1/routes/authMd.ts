import type { Router } from 'express';
import { SERVICE_PATHS } from '../../../../protocol/constants.js';
import { serveAuthMd } from '../../../authMd.js';
import type { ServiceContext } from '../../../context.js';

/** The v0.1 AUTH.md: the top-level AUTH.md of the app (PROTOCOL.md §1 `agent_auth.skill`). */
export const AUTH_MD_V01 = 'AUTH.md';

export function authMdRoutes(router: Router, ctx: ServiceContext, file?: string): void {
  serveAuthMd(router, ctx, SERVICE_PATHS.authMd, AUTH_MD_V01, file);
}
