import { Router } from 'express';
import { PROVIDER_PATHS } from '../protocol/constants.js';
import type { ProviderContext } from './context.js';

/**
 * Verifiers may cache the key set this long. It is short because a rotated-in key signs at once;
 * verifiers that meet an unknown kid refetch anyway (PROTOCOL.md §2).
 */
export const JWKS_MAX_AGE_SECONDS = 300;

export function jwksRoutes(ctx: ProviderContext): Router {
  const router = Router();
  // PROTOCOL.md §6, RFC 7517 §5 — the public ES256 keys, each with its kid.
  router.get(PROVIDER_PATHS.jwks, (_req, res) => {
    res.set('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`).type('application/jwk-set+json').send(JSON.stringify(ctx.keys.jwks()));
  });
  return router;
}
