import { Router } from 'express';
import { SignJWT } from 'jose';
import { z } from 'zod';
import { ID_JAG_TYP, PROVIDER_PATHS, TOKEN_TYPE_ID_JAG } from '../protocol/constants.js';
import { epochSeconds, randomId, type ProviderContext } from './context.js';
import { parseBody } from '../http/body.js';
import { ProtocolError } from '../protocol/errors.js';
import { audienceSchema, takeGrant } from './grants.js';
import { authenticate, lastSignIn, type Session, type User } from './users.js';

/**
 * Minting Identity Assertion JWT Authorization Grants (ID-JAG, draft-ietf-oauth-identity-assertion-authz-grant).
 * This is the only real minting path; `forge.ts` makes deliberately broken ones for lessons.
 */

export interface IdJagParams {
  audience: string;
  resource?: string;
  scope?: string;
  agent_platform?: string;
  agent_context_id?: string;
}

export interface IssuedIdJag {
  assertion: string;
  expires_in: number;
  grant_id: string;
}

/**
 * Policy, then mint: the provider asserts only a verified email (PROTOCOL.md §2: the service would
 * refuse it anyway, so say so before troubling the user for consent), and only to an audience the
 * user approved (a live grant; a "once" grant is spent here).
 */
export async function issueIdJag(ctx: ProviderContext, user: User, session: Session, params: IdJagParams): Promise<IssuedIdJag> {
  if (!user.email_verified)
    throw new ProtocolError('missing_verified_email', `${user.email} has not verified their email, so the provider will not assert it.`);
  const grant = takeGrant(ctx, user.id, params.audience);
  if (!grant)
    throw new ProtocolError(
      'consent_required',
      `${user.email} has not allowed the provider to assert their identity to ${params.audience}. ` +
        `Ask for consent: POST /consent/requests {audience} and send the user to the consent_url.`,
    );
  const ttl = ctx.config.idJagTtlSeconds;
  return { assertion: await mintIdJag(ctx, user, session, params, ttl), expires_in: ttl, grant_id: grant.id };
}

/** ID-JAG draft §3 — header {typ:"oauth-id-jag+jwt", alg:"ES256", kid}; PROTOCOL.md §6 claims. */
async function mintIdJag(ctx: ProviderContext, user: User, session: Session, params: IdJagParams, ttl: number): Promise<string> {
  const { kid, privateKey } = ctx.keys.signingKey();
  const iat = epochSeconds(ctx.now());
  const optional = Object.fromEntries(
    Object.entries({
      resource: params.resource,
      scope: params.scope,
      agent_platform: params.agent_platform,
      agent_context_id: params.agent_context_id,
    }).filter(([, v]) => v !== undefined),
  );
  return new SignJWT({
    // The CIMD URL identifies the client the grant is for (ID-JAG draft §3 `client_id`).
    client_id: ctx.clientId,
    email: user.email,
    email_verified: user.email_verified,
    name: user.name,
    amr: user.amr,
    // PROTOCOL-v0.6.md §6 — always present, in both profiles: a v0.6 service requires it fresh (§2 check 12).
    auth_time: epochSeconds(lastSignIn(ctx, user, session)),
    ...optional,
  })
    .setProtectedHeader({ typ: ID_JAG_TYP, alg: 'ES256', kid })
    .setIssuer(ctx.issuer)
    .setSubject(user.id)
    .setAudience(params.audience)
    .setJti(randomId('jag_'))
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl) // config caps idJagTtlSeconds at 300 (PROTOCOL.md §6)
    .sign(privateKey);
}

const shortText = z.string().min(1).max(200);
/** RFC 6749 §3.3 — scope is space-separated tokens. */
export const scopeSchema = z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, 'must be space-separated scope tokens').max(1000);
export const resourceSchema = z.url({ error: 'must be an absolute URL (RFC 8707)' }).max(2048);

const idJagBody = z.object({
  audience: audienceSchema,
  resource: resourceSchema.optional(),
  scope: scopeSchema.optional(),
  agent_platform: shortText.optional(),
  agent_context_id: shortText.optional(),
});

export function idJagRoutes(ctx: ProviderContext): Router {
  const router = Router();
  // PROTOCOL.md §6 — POST /id-jag (Bearer session) → {assertion_type, assertion, expires_in}.
  router.post(PROVIDER_PATHS.idJag, async (req, res) => {
    const { user, session } = authenticate(ctx, req.headers.authorization);
    const params = parseBody(idJagBody, req.body);
    const issued = await issueIdJag(ctx, user, session, params);
    res.set('Cache-Control', 'no-store').json({
      assertion_type: TOKEN_TYPE_ID_JAG,
      assertion: issued.assertion,
      expires_in: issued.expires_in,
    });
  });
  return router;
}
