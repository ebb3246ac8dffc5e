import type { Router } from 'express';
import { SCOPES_SUPPORTED } from '../protocol/constants.js';
import type { ServiceContext } from './context.js';

/**
 * The protected resource metadata (RFC 9728 §2) is the same in every profile (PROTOCOL.md §1,
 * PROTOCOL-v0.6.md §1): what the API is and which authorization server issues its credentials.
 * Each profile mounts it at its own paths and restates parts of it in its AS metadata.
 */
export const RESOURCE_NAME = 'Agentic Registration Studio demo API';

export function protectedResourceMetadata(ctx: ServiceContext) {
  return {
    resource: ctx.resourceUrl,
    resource_name: RESOURCE_NAME,
    resource_logo_uri: `${ctx.issuer}/logo.svg`,
    authorization_servers: [ctx.issuer],
    scopes_supported: [...SCOPES_SUPPORTED],
    bearer_methods_supported: ['header'],
  };
}

/** The `resource_logo_uri` above. */
export function logoRoute(router: Router): void {
  router.get('/logo.svg', (_req, res) => {
    res.type('image/svg+xml').set('Cache-Control', 'public, max-age=86400').send(LOGO);
  });
}

const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="${RESOURCE_NAME}">
<rect width="64" height="64" rx="12" fill="#0d7268"/><path d="M18 44V20h14a8 8 0 0 1 0 16h-6m6 0 8 8" fill="none" stroke="#fff" stroke-width="5" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
