import type { Router } from 'express';
import { SERVICE_PATHS } from '../../../../protocol/constants.js';
import { parseBody } from '../../../../http/body.js';
import type { ServiceContext } from '../../../context.js';
import { noStore, requireMediaType } from '../../../http.js';
import { registrationHandler } from '../registration/index.js';
import { registrationRequest } from '../schemas.js';

/** PROTOCOL.md §2: `POST /agent/auth`, dispatched on `type` (and `assertion_type`) through registration/. */
export function registerRoutes(router: Router, ctx: ServiceContext): void {
  router.post(SERVICE_PATHS.register, async (req, res) => {
    requireMediaType(req, 'application/json', 'application/json');
    const body = parseBody(registrationRequest, req.body);
    noStore(res);
    res.json(await registrationHandler(body)(ctx, req, body));
  });
}
