import { SERVICE_PATHS_V06 as P } from '../../../protocol/v0.6/constants.js';
import type { ServiceContext } from '../../context.js';
import type { ServiceProfile } from '../types.js';
import { authMdRoutesV06 } from './authMd.js';
import { claimRoutesV06 } from './claim.js';
import { claimPageRoutesV06 } from './claimPage.js';
import { discoveryRoutesV06 } from './discovery.js';
import { errorHandlerV06 } from './errors.js';
import { eventRoutesV06 } from './events.js';
import { expireDueV06, sweepV06 } from './lifecycle.js';
import { loginRoutesV06, seedAccounts } from './login.js';
import { RESOURCE_PATH_V06 } from './paths.js';
import { identityRoutesV06 } from './registration/index.js';
import { resourceRoutesV06 } from './resource.js';
import { tokenRoutesV06 } from './token.js';

/**
 * The v0.6 profile: docs/PROTOCOL-v0.6.md — `/agent/identity` with service-signed assertions, the
 * `/oauth2/*` endpoints, the user_code ceremony with the service's own sign-in, SETs at
 * `/agent/event/notify`, and four error envelopes (errors.ts).
 */
export const profileV06: ServiceProfile = {
  id: 'v0.6',
  resourcePath: RESOURCE_PATH_V06,
  mount(router, ctx, opts) {
    discoveryRoutesV06(router, ctx);
    authMdRoutesV06(router, ctx, opts.authMdFile);
    resourceRoutesV06(router, ctx);
    identityRoutesV06(router, ctx);
    tokenRoutesV06(router, ctx);
    claimRoutesV06(router, ctx);
    seedAccounts(ctx);
    loginRoutesV06(router, ctx);
    claimPageRoutesV06(router, ctx);
    eventRoutesV06(router, ctx);
  },
  methods: {
    [P.resource]: ['GET', 'POST'],
    [P.protectedResourceMetadata]: ['GET'],
    [P.authorizationServerMetadata]: ['GET'],
    [P.jwks]: ['GET'],
    [P.authMd]: ['GET'],
    [P.identity]: ['POST'],
    [P.claim]: ['POST'],
    [P.claimComplete]: ['POST'],
    [P.events]: ['POST'],
    [P.token]: ['POST'],
    [P.revoke]: ['POST'],
    [P.login]: ['GET', 'POST'],
    [P.logout]: ['POST'],
    [P.claimPage]: ['GET'],
  },
  errorHandler: errorHandlerV06,
  expireDue: expireDueV06,
  sweep: sweepV06,
  inspect,
};

/** The studio's state view for v0.6: ids, statuses and hints — never a secret or a hash. */
function inspect(ctx: ServiceContext) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    registrations: ctx.store.v06.registrations.all().map((r) => ({
      id: r.id, kind: r.type, status: r.status, user_id: r.user_id, login_hint: r.login_hint, iss: r.iss, sub: r.sub,
      created_at: iso(r.created_at), expires_at: iso(r.expires_at), claimed_at: iso(r.claimed_at), ended_at: iso(r.ended_at),
    })),
    credentials: ctx.store.v06.tokens.all().map((t) => ({
      id: t.id, registration_id: t.registration_id, type: 'access_token', hint: t.hint, scopes: t.scopes.split(' ').filter(Boolean),
      created_at: iso(t.created_at), expires_at: iso(t.expires_at), revoked_at: iso(t.revoked_at),
    })),
    audit: ctx.store.audit.recent().map((a) => ({
      id: a.id, at: iso(a.at), type: a.type, registration_id: a.registration_id, detail: JSON.parse(a.detail) as unknown,
    })),
  };
}
