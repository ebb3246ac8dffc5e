import type { Router } from 'express';
import { TOKEN_TYPE_ID_JAG } from '../../../../protocol/constants.js';
import { SERVICE_PATHS_V06 } from '../../../../protocol/v0.6/constants.js';
import type { ServiceContext } from '../../../context.js';
import { noStore } from '../../../http.js';
import { IdentityError } from '../errors.js';
import { registerAnonymousV06 } from './anonymous.js';
import { registerIdJagV06 } from './idJag.js';
import { registerServiceAuthV06 } from './serviceAuth.js';

/**
 * PROTOCOL-v0.6.md §2: `POST /agent/identity` (JSON), dispatched on `type` — exactly three body
 * shapes, unknown members ignored, anything else (the v0.1 `verified_email` body too) `invalid_request`.
 */
export function identityRoutesV06(router: Router, ctx: ServiceContext): void {
  router.post(SERVICE_PATHS_V06.identity, async (req, res) => {
    if (!req.is('application/json')) throw new IdentityError('invalid_request', 'Send a JSON body with Content-Type: application/json.');
    const body = req.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new IdentityError('invalid_request', 'The body must be a JSON object with a type.');
    noStore(res);
    switch (body.type) {
      case 'anonymous':
        return void res.json(await registerAnonymousV06(ctx, req));
      case 'service_auth':
        return void res.json(registerServiceAuthV06(ctx, req, body.login_hint));
      case 'identity_assertion': {
        if (body.assertion_type !== TOKEN_TYPE_ID_JAG) {
          throw new IdentityError('invalid_request', `assertion_type must be "${TOKEN_TYPE_ID_JAG}" (v0.6 has no verified_email assertion; use {"type":"service_auth","login_hint":…}).`);
        }
        if (typeof body.assertion !== 'string' || body.assertion.length === 0 || body.assertion.length > 16_384) {
          throw new IdentityError('invalid_request', 'assertion must be the ID-JAG (a JWT string).');
        }
        return void res.json(await registerIdJagV06(ctx, req, body.assertion));
      }
      default:
        throw new IdentityError('invalid_request', 'type must be "anonymous", "service_auth" or "identity_assertion".');
    }
  });
}
