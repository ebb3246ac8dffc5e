import { Router } from 'express';
import { z } from 'zod';
import { PREFIX, PROVIDER_PATHS } from '../protocol/constants.js';
import { ProtocolError } from '../protocol/errors.js';
import { iso, randomId, type ProviderContext } from './context.js';
import { parseBody } from '../http/body.js';
import { deliverLogoutToken, mintLogoutToken, type DeliveryResult } from './logoutToken.js';
import { authenticate, findUserById } from './users.js';

/**
 * Grants: a user's consent that the provider may assert their identity to one audience
 * (a service's AS issuer). "once" is consumed by the first ID-JAG minted under it; "always"
 * lasts until the user deletes it. Deleting tells the service first (PROTOCOL.md §4, §6).
 */

export const GRANT_MODES = ['once', 'always'] as const;
export type GrantMode = (typeof GRANT_MODES)[number];

/** ID-JAG draft §3 — `aud` is the AS issuer identifier: an http(s) URL, compared exactly. */
export const audienceSchema = z.url({ protocol: /^https?$/, error: 'must be the service\'s issuer URL (http or https)' }).max(2048);
export const revocationUriSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048);

export interface Grant {
  id: string;
  user_id: string;
  audience: string;
  mode: GrantMode;
  revocation_uri: string | null;
  created_at: number;
  consumed_at: number | null;
  revoked_at: number | null;
  revocation_result: string | null;
}

const status = (g: Grant) => (g.revoked_at ? 'revoked' : g.consumed_at ? 'consumed' : 'live');

/** The wire shape of a grant (GET/POST /grants). */
export function grantView(g: Grant) {
  return {
    id: g.id,
    audience: g.audience,
    mode: g.mode,
    status: status(g),
    revocation_uri: g.revocation_uri,
    created_at: iso(g.created_at),
    consumed_at: iso(g.consumed_at),
    revoked_at: iso(g.revoked_at),
  };
}

/** For the studio's state view: who, where, how, and what the service said to the logout token. */
export function grantInspection(ctx: ProviderContext, g: Grant) {
  return {
    ...grantView(g),
    user: findUserById(ctx, g.user_id)?.email ?? g.user_id,
    revocation_result: g.revocation_result ? (JSON.parse(g.revocation_result) as DeliveryResult) : null,
  };
}

export function createGrant(
  ctx: ProviderContext,
  userId: string,
  input: { audience: string; mode: GrantMode; revocation_uri?: string | null },
): Grant {
  const grant: Grant = {
    id: randomId(PREFIX.grant),
    user_id: userId,
    audience: input.audience,
    mode: input.mode,
    revocation_uri: input.revocation_uri ?? null,
    created_at: ctx.now(),
    consumed_at: null,
    revoked_at: null,
    revocation_result: null,
  };
  ctx.db
    .prepare('INSERT INTO grants (id, user_id, audience, mode, revocation_uri, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(grant.id, grant.user_id, grant.audience, grant.mode, grant.revocation_uri, grant.created_at);
  return grant;
}

export function listGrants(ctx: ProviderContext, userId?: string): Grant[] {
  return userId
    ? (ctx.db.prepare('SELECT * FROM grants WHERE user_id = ? ORDER BY created_at DESC, rowid DESC').all(userId) as Grant[])
    : (ctx.db.prepare('SELECT * FROM grants ORDER BY created_at DESC, rowid DESC').all() as Grant[]);
}

/**
 * Find the live grant for (user, audience) and, when it is "once", consume it — atomically, so
 * one "Allow once" yields exactly one ID-JAG. An "always" grant is preferred: it need not be spent.
 */
export function takeGrant(ctx: ProviderContext, userId: string, audience: string): Grant | undefined {
  return ctx.db.transaction(() => {
    const grant = ctx.db
      .prepare(
        `SELECT * FROM grants WHERE user_id = ? AND audience = ? AND revoked_at IS NULL AND consumed_at IS NULL
         ORDER BY mode = 'always' DESC, created_at ASC LIMIT 1`,
      )
      .get(userId, audience) as Grant | undefined;
    if (grant?.mode === 'once') {
      grant.consumed_at = ctx.now();
      ctx.db.prepare('UPDATE grants SET consumed_at = ? WHERE id = ?').run(grant.consumed_at, grant.id);
    }
    return grant;
  })();
}

/**
 * Withdraw a grant. When it names a revocation_uri, the service hears first, by an OIDC
 * Back-Channel Logout token for (iss, sub, aud), so it stops every credential it issued on our
 * word. The grant is revoked whatever the service answers; the answer is kept for inspection.
 */
export async function revokeGrant(ctx: ProviderContext, grant: Grant): Promise<DeliveryResult | null> {
  let delivery: DeliveryResult | null = null;
  if (grant.revocation_uri) {
    const token = await mintLogoutToken(ctx, grant.user_id, grant.audience);
    delivery = await deliverLogoutToken(ctx, grant.revocation_uri, token);
    ctx.log(
      `provider: logout token for grant ${grant.id} to ${grant.revocation_uri} → ` +
        (delivery.error ? `failed: ${delivery.error}` : `${delivery.status} ${delivery.body ?? ''}`),
    );
  }
  ctx.db
    .prepare('UPDATE grants SET revoked_at = ?, revocation_result = ? WHERE id = ?')
    .run(ctx.now(), delivery && JSON.stringify(delivery), grant.id);
  return delivery;
}

const createGrantBody = z.object({
  audience: audienceSchema,
  mode: z.enum(GRANT_MODES),
  revocation_uri: revocationUriSchema.optional(),
});

export function grantRoutes(ctx: ProviderContext): Router {
  const router = Router();

  // PROTOCOL.md §6 — POST /grants (Bearer session) → 201 grant.
  router.post(PROVIDER_PATHS.grants, (req, res) => {
    const { user } = authenticate(ctx, req.headers.authorization);
    const body = parseBody(createGrantBody, req.body);
    res.status(201).json(grantView(createGrant(ctx, user.id, body)));
  });

  // PROTOCOL.md §6 — GET /grants: the signed-in user's grants, newest first, with their status.
  router.get(PROVIDER_PATHS.grants, (req, res) => {
    const { user } = authenticate(ctx, req.headers.authorization);
    res.json(listGrants(ctx, user.id).map(grantView));
  });

  // PROTOCOL.md §6 — DELETE /grants/:id: logout token to the revocation_uri first, then 204.
  router.delete(`${PROVIDER_PATHS.grants}/:id`, async (req, res) => {
    const { user } = authenticate(ctx, req.headers.authorization);
    const grant = ctx.db.prepare('SELECT * FROM grants WHERE id = ? AND user_id = ?').get(req.params.id, user.id) as
      | Grant
      | undefined;
    if (!grant || grant.revoked_at) throw new ProtocolError('not_found', 'You have no such grant (or it is already revoked).');
    await revokeGrant(ctx, grant);
    res.status(204).end();
  });

  return router;
}
