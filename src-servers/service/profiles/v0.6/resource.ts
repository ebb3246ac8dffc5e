import type { Request, Router } from 'express';
import { SCOPE_READ, SCOPE_WRITE } from '../../../protocol/constants.js';
import { SERVICE_PATHS_V06 } from '../../../protocol/v0.6/constants.js';
import type { ServiceContext } from '../../context.js';
import { iso } from '../../context.js';
import { newId, sha256 } from '../../secrets.js';
import type { PresentedAccessToken } from '../../store/v06Tokens.js';
import { ResourceError } from './errors.js';
import { urlV06 } from './paths.js';

/**
 * The v0.6 resource server (PROTOCOL-v0.6.md §1): `at_` access tokens only, RFC 6750 §3 headers
 * pointing at the PRM (RFC 9728 §5.1), body `{error, message}`.
 */
export function resourceRoutesV06(router: Router, ctx: ServiceContext): void {
  router.get(SERVICE_PATHS_V06.resource, (req, res) => {
    const caller = authenticateV06(ctx, req, SCOPE_READ);
    const reg = caller.registration;
    const user = reg.user_id ? ctx.store.users.byId(reg.user_id) : undefined;
    res.set('Cache-Control', 'no-store').json({
      message: user?.email ? `Hello, ${user.email}.` : 'Hello, anonymous agent. A person has not claimed this registration yet.',
      // §1: null for an unclaimed anonymous registration; the users table keeps only verified emails.
      user: user ? { id: user.id, email: user.email, ...(user.name ? { name: user.name } : {}), email_verified: user.email !== null } : null,
      credential: {
        scope: caller.scopes.split(' ').filter(Boolean),
        source: reg.type,
        registration_id: reg.id,
        ...(reg.type === 'identity_assertion' ? { iss: reg.iss, sub: reg.sub, aud: reg.aud } : {}),
      },
    });
  });

  // §1 (beyond): the write route, `api.write`.
  router.post(SERVICE_PATHS_V06.resource, (req, res) => {
    const caller = authenticateV06(ctx, req, SCOPE_WRITE);
    res.status(201).set('Cache-Control', 'no-store').json({
      id: newId('item_'),
      created_at: iso(ctx.now()),
      created_by: { registration_id: caller.registration.id, user_id: caller.registration.user_id },
      data: req.is('application/json') && req.body !== undefined ? req.body : null,
    });
  });
}

function challenge(ctx: ServiceContext, params: Record<string, string> = {}): Record<string, string> {
  const parts = [`resource_metadata="${urlV06(ctx, 'protectedResourceMetadata')}"`, ...Object.entries(params).map(([k, v]) => `${k}="${v}"`)];
  return { 'WWW-Authenticate': `Bearer ${parts.join(', ')}` };
}

/** RFC 6750 §2.1 (header only), §3.1; a pending registration's tokens die with its outer window (§3, beyond). */
function authenticateV06(ctx: ServiceContext, req: Request, needed: string): PresentedAccessToken {
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(req.headers.authorization ?? '');
  if (!match) {
    throw new ResourceError('unauthorized', `This API needs an access token: send Authorization: Bearer at_…. Discover how to get one at ${urlV06(ctx, 'protectedResourceMetadata')}.`, challenge(ctx));
  }
  ctx.expireDue();
  const token = ctx.store.v06.tokens.byTokenHash(sha256(match[1]));
  const now = ctx.now();
  const live = token && token.revoked_at === null && token.expires_at > now && token.registration.status !== 'expired';
  if (!live) {
    // beyond: error="invalid_token" tells a dead token from none (RFC 6750 §3.1).
    throw new ResourceError('unauthorized', 'The access token is unknown, expired or revoked. Exchange your identity_assertion for a new one at the token endpoint, or register again.', challenge(ctx, { error: 'invalid_token' }));
  }
  if (!token.scopes.split(' ').includes(needed)) {
    throw new ResourceError('insufficient_scope', `This request needs the scope ${needed}. An anonymous registration gets it once a person claims it.`, challenge(ctx, { error: 'insufficient_scope', scope: needed }));
  }
  return token;
}
