import type { Request } from 'express';
import type { z } from 'zod';
import { ASSERTION_TYPE_VERIFIED_EMAIL, TOKEN_TYPE_ID_JAG } from '../../../../protocol/constants.js';
import { ProtocolError } from '../../../../protocol/errors.js';
import type { ServiceContext } from '../../../context.js';
import type { registrationRequest } from '../schemas.js';
import { registerAnonymous } from './anonymous.js';
import { registerIdJag } from './idJag.js';
import { registerVerifiedEmail } from './verifiedEmail.js';

export type RegistrationRequest = z.infer<typeof registrationRequest>;

/** One registration type of PROTOCOL.md §2: checks its own request, registers, answers the 200 body. */
export type RegistrationHandler = (ctx: ServiceContext, req: Request, body: RegistrationRequest) => Promise<Record<string, unknown>>;

/**
 * PROTOCOL.md §2 dispatches `POST /agent/auth` on `type`, and an identity assertion on its
 * `assertion_type`; one handler per registration type, as node-oidc-provider keys grant handlers
 * by `grant_type`. A Map, so a request naming `__proto__` or `toString` finds nothing.
 */
const HANDLERS = new Map<string, RegistrationHandler>([
  ['anonymous', registerAnonymous],
  [`identity_assertion:${ASSERTION_TYPE_VERIFIED_EMAIL}`, registerVerifiedEmail],
  [`identity_assertion:${TOKEN_TYPE_ID_JAG}`, registerIdJag],
]);

export function registrationHandler(body: RegistrationRequest): RegistrationHandler {
  const key = body.type === 'anonymous' ? 'anonymous' : `identity_assertion:${body.assertion_type}`;
  const handler = HANDLERS.get(key);
  if (handler) return handler;
  throw new ProtocolError('invalid_request', `Unknown assertion_type ${JSON.stringify((body as { assertion_type?: string }).assertion_type)}; use "${TOKEN_TYPE_ID_JAG}" or "${ASSERTION_TYPE_VERIFIED_EMAIL}".`);
}
