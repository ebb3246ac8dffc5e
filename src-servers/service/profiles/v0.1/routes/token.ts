import type { Router } from 'express';
import { GRANT_TYPE_JWT_BEARER, SERVICE_PATHS } from '../../../../protocol/constants.js';
import { OAuthError, ProtocolError } from '../../../../protocol/errors.js';
import type { ServiceContext } from '../../../context.js';
import { clientIp, noStore } from '../../../http.js';
import { limitIp } from '../../../rateLimit.js';
import { registerWithIdJag } from '../registration/idJag.js';

/**
 * PROTOCOL.md §5: the standard RFC 7523 JWT-bearer grant with an ID-JAG, so clients built for
 * Cross App Access work unchanged. Errors are RFC 6749 §5.2 (`invalid_grant` for any assertion
 * that fails a check, naming the check); the response never contains a refresh token.
 */
export function tokenRoutes(router: Router, ctx: ServiceContext): void {
  router.post(SERVICE_PATHS.token, async (req, res) => {
    // RFC 6749 §3.2: the token endpoint takes application/x-www-form-urlencoded.
    if (!req.is('application/x-www-form-urlencoded')) {
      throw new OAuthError('invalid_request', 'Send the grant as Content-Type: application/x-www-form-urlencoded.');
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const grantType = body.grant_type;
    if (typeof grantType !== 'string') throw new OAuthError('invalid_request', 'grant_type is required.');
    if (grantType !== GRANT_TYPE_JWT_BEARER || !ctx.config.identityTypes.idJag) {
      throw new OAuthError('unsupported_grant_type', `Only ${GRANT_TYPE_JWT_BEARER} with an ID-JAG is supported${ctx.config.identityTypes.idJag ? '' : ', and it is turned off here'}.`);
    }
    const assertion = body.assertion;
    if (typeof assertion !== 'string' || assertion.length === 0 || assertion.length > 16_384) {
      throw new OAuthError('invalid_request', 'assertion (one ID-JAG) is required.');
    }
    try {
      limitIp(ctx, 'identity_assertion', clientIp(req));
      const { issued } = await registerWithIdJag(ctx, assertion, 'access_token');
      noStore(res);
      res.json({
        access_token: issued.credential,
        token_type: 'Bearer',
        expires_in: ctx.config.accessTokenTtlSeconds,
        scope: issued.scopes.join(' '),
      });
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      if (err.code === 'rate_limited') {
        // Not an RFC 6749 code, but the same word and Retry-After the registration endpoint uses.
        res.status(429).set(err.headers).json({ error: 'rate_limited', error_description: err.message });
        return;
      }
      // RFC 7523 §3.1: an assertion that fails validation is invalid_grant; the description names the rule.
      throw new OAuthError('invalid_grant', `${err.code}: ${err.message}`);
    }
  });
}
