import type { Router } from 'express';
import { SERVICE_PATHS_V06 } from '../../../protocol/v0.6/constants.js';
import { serveAuthMd } from '../../authMd.js';
import type { ServiceContext } from '../../context.js';

/** The v0.6 AUTH.md lives in this profile's folder (PROTOCOL-v0.6.md §1 `agent_auth.skill`). */
export const AUTH_MD_V06 = 'src-servers/service/profiles/v0.6/AUTH.md';

export function authMdRoutesV06(router: Router, ctx: ServiceContext, file?: string): void {
  serveAuthMd(router, ctx, SERVICE_PATHS_V06.authMd, AUTH_MD_V06, file);
}
