import type { Router } from 'express';
import { LOGOUT_TOKEN_CONTENT_TYPE, SERVICE_PATHS } from '../../../../protocol/constants.js';
import { ProtocolError } from '../../../../protocol/errors.js';
import { verifyLogoutToken } from '../../../checks/index.js';
import type { ServiceContext } from '../../../context.js';
import { requireMediaType } from '../../../http.js';
import { revokeDelegation } from '../../../lifecycle.js';

/**
 * PROTOCOL.md §4 (OIDC Back-Channel Logout §2.5): the provider tells us the user withdrew consent.
 * The whole token is verified before anything changes, so any failure revokes nothing.
 */
export function revokeRoutes(router: Router, ctx: ServiceContext): void {
  router.post(SERVICE_PATHS.revoke, async (req, res) => {
    requireMediaType(req, LOGOUT_TOKEN_CONTENT_TYPE, `${LOGOUT_TOKEN_CONTENT_TYPE} (the logout token as the whole body)`);
    const jwt = typeof req.body === 'string' ? req.body.trim() : '';
    if (!jwt) throw new ProtocolError('invalid_request', 'The body must be a logout token.');
    const { iss, sub } = await verifyLogoutToken(jwt, ctx);
    const revoked = revokeDelegation(ctx, iss, sub, 'logout token');
    res.set('Cache-Control', 'no-store').json({ revoked });
  });
}
