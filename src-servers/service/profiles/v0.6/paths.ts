import { SERVICE_PATHS_V06 } from '../../../protocol/v0.6/constants.js';
import type { ServiceContext } from '../../context.js';

/** An absolute v0.6 URL under the AS issuer (PROTOCOL-v0.6.md: `<AS>` is the issuer, no trailing `/`). */
export const urlV06 = (ctx: Pick<ServiceContext, 'issuer'>, path: keyof typeof SERVICE_PATHS_V06) => `${ctx.issuer}${SERVICE_PATHS_V06[path]}`;

/** PROTOCOL-v0.6.md top: `resource` = `<AS>/api/`. */
export const RESOURCE_PATH_V06 = '/api/';
