import { SERVICE_PATHS } from '../../../protocol/constants.js';
import type { ServiceContext } from '../../context.js';
import { errorHandler } from '../../http.js';
import { expireDueRegistrations, pruneRevocations } from '../../lifecycle.js';
import type { ServiceProfile } from '../types.js';
import { authMdRoutes } from './routes/authMd.js';
import { claimRoutes } from './routes/claim.js';
import { claimPageRoutes } from './routes/claimPage.js';
import { discoveryRoutes } from './routes/discovery.js';
import { registerRoutes } from './routes/register.js';
import { resourceRoutes } from './routes/resource.js';
import { revokeRoutes } from './routes/revoke.js';
import { tokenRoutes } from './routes/token.js';

/** The v0.1 profile: docs/PROTOCOL.md, as the app spoke it before profiles (one `{error, message}` envelope). */
export const profileV01: ServiceProfile = {
  id: 'v0.1',
  resourcePath: SERVICE_PATHS.resource,
  mount(router, ctx, opts) {
    discoveryRoutes(router, ctx);
    authMdRoutes(router, ctx, opts.authMdFile);
    resourceRoutes(router, ctx);
    registerRoutes(router, ctx);
    claimRoutes(router, ctx);
    claimPageRoutes(router, ctx);
    revokeRoutes(router, ctx);
    tokenRoutes(router, ctx);
  },
  methods: {
    [SERVICE_PATHS.resource]: ['GET', 'POST'],
    [SERVICE_PATHS.protectedResourceMetadata]: ['GET'],
    [SERVICE_PATHS.authorizationServerMetadata]: ['GET'],
    [SERVICE_PATHS.authMd]: ['GET'],
    [SERVICE_PATHS.register]: ['POST'],
    [SERVICE_PATHS.claim]: ['POST'],
    [SERVICE_PATHS.claimView]: ['GET'],
    [SERVICE_PATHS.claimChallenge]: ['POST'],
    [SERVICE_PATHS.claimComplete]: ['POST'],
    [SERVICE_PATHS.revoke]: ['POST'],
    [SERVICE_PATHS.token]: ['POST'],
  },
  errorHandler,
  expireDue: (ctx) => void expireDueRegistrations(ctx),
  sweep: (ctx) => pruneRevocations(ctx),
  inspect,
};

function inspect(ctx: ServiceContext) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    registrations: ctx.store.registrations.all().map((r) => ({
      id: r.id, kind: r.kind, status: r.status, credential_type: r.credential_type, user_id: r.user_id,
      email: r.email, iss: r.iss, sub: r.sub, created_at: iso(r.created_at), expires_at: iso(r.expires_at),
      claimed_at: iso(r.claimed_at), ended_at: iso(r.ended_at),
    })),
    credentials: ctx.store.credentials.all().map((c) => ({
      id: c.id, registration_id: c.registration_id, type: c.type, hint: c.hint, scopes: c.scopes.split(' ').filter(Boolean),
      created_at: iso(c.created_at), expires_at: iso(c.expires_at), revoked_at: iso(c.revoked_at),
    })),
    audit: ctx.store.audit.recent().map((a) => ({
      id: a.id, at: iso(a.at), type: a.type, registration_id: a.registration_id, detail: JSON.parse(a.detail) as unknown,
    })),
  };
}
