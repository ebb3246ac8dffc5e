import type { Response, Router } from 'express';
import { EVENT_ASSERTION_REVOKED, GRANT_TYPE_JWT_BEARER, TOKEN_TYPE_ID_JAG } from '../../../protocol/constants.js';
import { GRANT_TYPE_CLAIM, SERVICE_PATHS_V06 } from '../../../protocol/v0.6/constants.js';
import type { ServiceContext } from '../../context.js';
import { serviceAssertionJwks } from './assertion.js';
import { urlV06 } from './paths.js';
import { logoRoute, protectedResourceMetadata } from '../../resourceMetadata.js';

/** PROTOCOL-v0.6.md §1: both metadata documents and the JWKS may be cached for five minutes. */
const cacheable = (res: Response) => res.set('Cache-Control', 'public, max-age=300');

/** RFC 8414 §2 plus `agent_auth`, as PROTOCOL-v0.6.md §1's table and nothing else. */
export function authorizationServerMetadataV06(ctx: ServiceContext) {
  const on = ctx.config.identityTypes;
  const { resource, authorization_servers, scopes_supported, bearer_methods_supported } = protectedResourceMetadata(ctx);
  return {
    resource,
    authorization_servers,
    scopes_supported,
    bearer_methods_supported,
    issuer: ctx.issuer,
    token_endpoint: urlV06(ctx, 'token'),
    revocation_endpoint: urlV06(ctx, 'revoke'),
    grant_types_supported: [GRANT_TYPE_JWT_BEARER, GRANT_TYPE_CLAIM],
    jwks_uri: urlV06(ctx, 'jwks'), // beyond
    agent_auth: {
      skill: urlV06(ctx, 'authMd'),
      identity_endpoint: urlV06(ctx, 'identity'),
      claim_endpoint: urlV06(ctx, 'claim'),
      events_endpoint: urlV06(ctx, 'events'),
      // beyond: the types turned off in config are left out
      identity_types_supported: [
        ...(on.anonymous ? ['anonymous'] : []),
        ...(on.idJag ? ['identity_assertion'] : []),
        ...(on.serviceAuth !== false ? ['service_auth'] : []),
      ],
      identity_assertion: { assertion_types_supported: [TOKEN_TYPE_ID_JAG] },
      events_supported: [EVENT_ASSERTION_REVOKED],
    },
  };
}

export function discoveryRoutesV06(router: Router, ctx: ServiceContext): void {
  router.get(SERVICE_PATHS_V06.protectedResourceMetadata, (_req, res) => void cacheable(res).json(protectedResourceMetadata(ctx)));
  // RFC 9728 §3.1: the resource has a path, so its metadata may also be asked for with it appended.
  router.get(`${SERVICE_PATHS_V06.protectedResourceMetadata}/api/`, (_req, res) => void cacheable(res).json(protectedResourceMetadata(ctx)));
  router.get(SERVICE_PATHS_V06.authorizationServerMetadata, (_req, res) => void cacheable(res).json(authorizationServerMetadataV06(ctx)));
  // PROTOCOL-v0.6.md §1 (beyond): the public keys that sign service assertions.
  router.get(SERVICE_PATHS_V06.jwks, async (_req, res) => void cacheable(res).json(await serviceAssertionJwks(ctx)));
  logoRoute(router);
}

