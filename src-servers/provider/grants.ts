import { Router } from 'express';
import { z } from 'zod';
import { PREFIX, PROVIDER_PATHS } from '../protocol/constants.js';
import { ProtocolError } from '../protocol/errors.js';
import { iso, randomId, type ProviderContext } from './context.js';
import { parseBody } from '../http/body.js';
import { GRANT_EVENTS_URI } from '../protocol/v0.6/constants.js';
import { delivered, type DeliveryResult } from './delivery.js';
import { deliverLogoutToken, mintLogoutToken } from './logoutToken.js';
import { mintSecurityEventToken, pushSecurityEvent } from './securityEvent.js';
import { authenticate, findUserById } from './users.js';

/**
 * Grants: a user's consent that the provider may assert their identity to one audience
 * (a service's AS issuer). "once" is consumed by the first ID-JAG minted under it; "always"
 * lasts until the user deletes it. Deleting tells the service first (PROTOCOL.md §4, §6): a v0.1
 * service by a logout token to the grant's revocation_uri, a v0.6 service by a SET to its events_uri
 * (PROTOCOL-v0.6.md §6) — the grant names at most one of the two, and that decides which.
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
  /** PROTOCOL-v0.6.md §6 — a v0.6 service's events_endpoint. */
  events_uri: string | null;
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
    user_id: g.user_id,
    audience: g.audience,
    mode: g.mode,
    status: status(g),
    revocation_uri: g.revocation_uri,
    [GRANT_EVENTS_URI]: g.events_uri,
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
  input: { audience: string; mode: GrantMode } & RevocationTarget,
): Grant {
  const grant: Grant = {
    id: randomId(PREFIX.grant),
    user_id: userId,
    audience: input.audience,
    mode: input.mode,
    revocation_uri: input.revocation_uri ?? null,
    events_uri: input.events_uri ?? null,
    created_at: ctx.now(),
    consumed_at: null,
    revoked_at: null,
    revocation_result: null,
  };
  ctx.db
    .prepare('INSERT INTO grants (id, user_id, audience, mode, revocation_uri, events_uri, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(grant.id, grant.user_id, grant.audience, grant.mode, grant.revocation_uri, grant.events_uri, grant.created_at);
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
 * Withdraw a grant. When it names a receiver, the service hears first, so it stops every credential
 * it issued on our word for (iss, sub, aud):
 * - events_uri (v0.6): an RFC 8417 SET pushed per RFC 8935. PROTOCOL-v0.6.md §6: if the push fails
 *   (network error, non-2xx) the grant is kept — the service still honours it, so the user must
 *   know and retry, not believe it withdrawn.
 * - revocation_uri (v0.1): an OIDC Back-Channel Logout token. PROTOCOL.md §6: the grant is revoked
 *   whatever the service answers.
 * Either way the answer is kept on the grant for inspection.
 */
export async function revokeGrant(ctx: ProviderContext, grant: Grant): Promise<{ revoked: boolean; delivery: DeliveryResult | null }> {
  let delivery: DeliveryResult | null = null;
  let kept = false;
  if (grant.events_uri) {
    delivery = await pushSecurityEvent(ctx, grant.events_uri, await mintSecurityEventToken(ctx, grant.user_id, grant.audience));
    kept = !delivered(delivery);
    logDelivery(ctx, 'SET', grant, grant.events_uri, delivery);
  } else if (grant.revocation_uri) {
    delivery = await deliverLogoutToken(ctx, grant.revocation_uri, await mintLogoutToken(ctx, grant.user_id, grant.audience));
    logDelivery(ctx, 'logout token', grant, grant.revocation_uri, delivery);
  }
  const result = delivery && JSON.stringify(delivery);
  if (kept) ctx.db.prepare('UPDATE grants SET revocation_result = ? WHERE id = ?').run(result, grant.id);
  else ctx.db.prepare('UPDATE grants SET revoked_at = ?, revocation_result = ? WHERE id = ?').run(ctx.now(), result, grant.id);
  return { revoked: !kept, delivery };
}

function logDelivery(ctx: ProviderContext, what: string, grant: Grant, uri: string, d: DeliveryResult): void {
  ctx.log(`provider: ${what} for grant ${grant.id} to ${uri} → ` + (d.error ? `failed: ${d.error}` : `${d.status} ${d.body ?? ''}`));
}

/** Where the provider tells the service a grant is withdrawn: one of the two, or neither (PROTOCOL-v0.6.md §6). */
export interface RevocationTarget {
  revocation_uri?: string | null;
  events_uri?: string | null;
}

/** PROTOCOL-v0.6.md §6 — both in one grant → 400 invalid_request: the provider could not tell which token the service reads. */
export function checkRevocationTarget(t: RevocationTarget): void {
  if (t.revocation_uri && t.events_uri)
    throw new ProtocolError(
      'invalid_request',
      `Name either revocation_uri (a v0.1 service: logout token) or ${GRANT_EVENTS_URI} (a v0.6 service: Security Event Token), not both.`,
    );
}

const createGrantBody = z.object({
  audience: audienceSchema,
  mode: z.enum(GRANT_MODES),
  revocation_uri: revocationUriSchema.optional(),
  [GRANT_EVENTS_URI]: revocationUriSchema.optional(),
});

export function grantRoutes(ctx: ProviderContext): Router {
  const router = Router();

  // PROTOCOL.md §6 — POST /grants (Bearer session) → 201 grant.
  router.post(PROVIDER_PATHS.grants, (req, res) => {
    const { user } = authenticate(ctx, req.headers.authorization);
    const body = parseBody(createGrantBody, req.body);
    checkRevocationTarget(body);
    res.status(201).json(grantView(createGrant(ctx, user.id, body)));
  });

  // PROTOCOL.md §6, PROTOCOL-v0.6.md §6 — GET /grants → {grants: […]}: the signed-in user's grants, newest first, with their status.
  router.get(PROVIDER_PATHS.grants, (req, res) => {
    const { user } = authenticate(ctx, req.headers.authorization);
    res.json({ grants: listGrants(ctx, user.id).map(grantView) });
  });

  // PROTOCOL.md §6, PROTOCOL-v0.6.md §6 — DELETE /grants/:id: the revocation token first, then 204;
  // a SET the service did not take → 500 revocation_failed, grant kept.
  router.delete(`${PROVIDER_PATHS.grants}/:id`, async (req, res) => {
    const { user } = authenticate(ctx, req.headers.authorization);
    const grant = ctx.db.prepare('SELECT * FROM grants WHERE id = ? AND user_id = ?').get(req.params.id, user.id) as
      | Grant
      | undefined;
    if (!grant || grant.revoked_at) throw new ProtocolError('not_found', 'You have no such grant (or it is already revoked).');
    const { revoked, delivery } = await revokeGrant(ctx, grant);
    if (!revoked)
      throw new ProtocolError(
        'revocation_failed',
        `${grant.events_uri} did not accept the revocation (${delivery?.error ?? `HTTP ${delivery?.status}`}), so the grant is kept: ` +
          'the service would still honour it. Retry the DELETE once the service answers.',
      );
    res.status(204).end();
  });

  return router;
}
