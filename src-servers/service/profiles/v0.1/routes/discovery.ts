import type { Router } from 'express';
import {
  ASSERTION_TYPE_VERIFIED_EMAIL,
  EVENT_ASSERTION_REVOKED,
  GRANT_TYPE_JWT_BEARER,
  SERVICE_PATHS,
  TOKEN_TYPE_ID_JAG,
} from '../../../../protocol/constants.js';
import { url, type ServiceContext } from '../../../context.js';
import { logoRoute, protectedResourceMetadata } from '../../../resourceMetadata.js';

/** RFC 8414 §2 plus the `agent_auth` block of PROTOCOL.md §1, reflecting which identity types are on. */
export function authorizationServerMetadata(ctx: ServiceContext) {
  const on = ctx.config.identityTypes;
  const assertionTypes = [...(on.idJag ? [TOKEN_TYPE_ID_JAG] : []), ...(on.verifiedEmail ? [ASSERTION_TYPE_VERIFIED_EMAIL] : [])];
  const identityTypes = [...(on.anonymous ? ['anonymous'] : []), ...(assertionTypes.length ? ['identity_assertion'] : [])];
  const { resource, resource_name, resource_logo_uri, scopes_supported, bearer_methods_supported } = protectedResourceMetadata(ctx);
  return {
    issuer: ctx.issuer,
    token_endpoint: url(ctx, 'token'),
    grant_types_supported: on.idJag ? [GRANT_TYPE_JWT_BEARER] : [],
    token_endpoint_auth_methods_supported: ['none'],
    response_types_supported: [],
    resource,
    resource_name,
    resource_logo_uri,
    scopes_supported,
    bearer_methods_supported,
    agent_auth: {
      skill: url(ctx, 'authMd'),
      register_uri: url(ctx, 'register'),
      claim_uri: url(ctx, 'claim'),
      revocation_uri: url(ctx, 'revoke'),
      identity_types_supported: identityTypes,
      ...(on.anonymous ? { anonymous: { credential_types_supported: ['api_key'] } } : {}),
      ...(assertionTypes.length
        ? { identity_assertion: { assertion_types_supported: assertionTypes, credential_types_supported: ['access_token', 'api_key'] } }
        : {}),
      events_supported: [EVENT_ASSERTION_REVOKED],
    },
  };
}

export function discoveryRoutes(router: Router, ctx: ServiceContext): void {
  router.get(SERVICE_PATHS.protectedResourceMetadata, (_req, res) => {
    res.json(protectedResourceMetadata(ctx));
  });
  // RFC 9728 §3.1: the resource has a path, so its metadata may also be asked for with it appended.
  router.get(`${SERVICE_PATHS.protectedResourceMetadata}${SERVICE_PATHS.resource}`, (_req, res) => {
    res.json(protectedResourceMetadata(ctx));
  });
  router.get(SERVICE_PATHS.authorizationServerMetadata, (_req, res) => {
    res.json(authorizationServerMetadata(ctx));
  });
  logoRoute(router);
}

