import { Router } from 'express';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { z } from 'zod';
import { GRANT_TYPE_TOKEN_EXCHANGE, PROVIDER_PATHS, TOKEN_TYPE_ID_JAG, TOKEN_TYPE_ID_TOKEN } from '../protocol/constants.js';
import { OAuthError, ProtocolError } from '../protocol/errors.js';
import type { ProviderContext } from './context.js';
import { audienceSchema } from './grants.js';
import { issueIdJag, resourceSchema, scopeSchema } from './idJag.js';
import { findSessionById, findUserById, type Session, type User } from './users.js';

/**
 * RFC 8693 token exchange: the agent trades the user's ID token (subject_token) for an ID-JAG
 * addressed to one service (audience). This is the standard path of Cross App Access; POST /id-jag
 * is the same thing with a session bearer. Errors follow RFC 6749 §5.2.
 */

const one = (name: string) => z.string({ error: `${name} is required, exactly once (RFC 6749 §3.2)` }).min(1, `${name} is empty`);
const optionalOne = (name: string) => z.string({ error: `${name} may appear at most once` }).min(1).optional();

const exchangeBody = z.object({
  grant_type: one('grant_type'),
  subject_token: one('subject_token'),
  subject_token_type: one('subject_token_type'),
  requested_token_type: one('requested_token_type'),
  audience: one('audience'),
  resource: optionalOne('resource'),
  scope: optionalOne('scope'),
  actor_token: optionalOne('actor_token'),
  agent_platform: optionalOne('agent_platform'),
  agent_context_id: optionalOne('agent_context_id'),
});

/** Verify the subject_token as an ID token we issued to our own client, for a session still alive. */
async function verifySubjectToken(ctx: ProviderContext, token: string): Promise<{ user: User; session: Session }> {
  let claims;
  try {
    ({ payload: claims } = await jwtVerify(token, createLocalJWKSet(ctx.keys.jwks()), {
      issuer: ctx.issuer,
      audience: ctx.clientId, // OIDC Core §2 — an ID token for our agent client, not an ID-JAG or logout token
      algorithms: ['ES256'],
      currentDate: new Date(ctx.now()),
    }));
  } catch (err) {
    throw new OAuthError('invalid_grant', `The subject_token is not a valid ID token from this provider: ${(err as Error).message}`);
  }
  const session = typeof claims.sid === 'string' ? findSessionById(ctx, claims.sid) : undefined;
  const user = session && claims.sub === session.user_id ? findUserById(ctx, session.user_id) : undefined;
  if (!session || !user) throw new OAuthError('invalid_grant', 'The subject_token belongs to a session that has ended; sign in again.');
  return { user, session };
}

export function tokenExchangeRoutes(ctx: ProviderContext): Router {
  const router = Router();

  router.post(PROVIDER_PATHS.token, async (req, res) => {
    // RFC 6749 §3.2 — token requests are application/x-www-form-urlencoded.
    if (!req.is('application/x-www-form-urlencoded'))
      throw new OAuthError('invalid_request', 'Send the token request as application/x-www-form-urlencoded.');
    const parsed = exchangeBody.safeParse(req.body ?? {});
    if (!parsed.success) throw new OAuthError('invalid_request', parsed.error.issues[0].message);
    const p = parsed.data;
    if (p.grant_type !== GRANT_TYPE_TOKEN_EXCHANGE)
      throw new OAuthError('unsupported_grant_type', `This provider only does token exchange (grant_type=${GRANT_TYPE_TOKEN_EXCHANGE}).`);
    // RFC 8693 §2.1 — we accept exactly one subject token type and issue exactly one token type.
    if (p.subject_token_type !== TOKEN_TYPE_ID_TOKEN)
      throw new OAuthError('invalid_request', `subject_token_type must be ${TOKEN_TYPE_ID_TOKEN}.`);
    if (p.requested_token_type !== TOKEN_TYPE_ID_JAG)
      throw new OAuthError('invalid_request', `requested_token_type must be ${TOKEN_TYPE_ID_JAG}.`);
    if (p.actor_token !== undefined)
      throw new OAuthError('invalid_request', 'Delegation (actor_token) is not supported; the agent acts with the user\'s consent grant.');
    // RFC 8693 §2.2.2 — an audience or resource we cannot issue for is invalid_target.
    if (!audienceSchema.safeParse(p.audience).success)
      throw new OAuthError('invalid_target', 'audience must be the service\'s issuer URL.');
    if (p.resource !== undefined && !resourceSchema.safeParse(p.resource).success)
      throw new OAuthError('invalid_target', 'resource must be an absolute URL (RFC 8707).');
    if (p.scope !== undefined && !scopeSchema.safeParse(p.scope).success)
      throw new OAuthError('invalid_scope', 'scope must be space-separated scope tokens.');

    const { user, session } = await verifySubjectToken(ctx, p.subject_token);
    let issued;
    try {
      issued = await issueIdJag(ctx, user, session, p);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      // Same policy as POST /id-jag, said in RFC 6749 terms.
      if (err.code === 'consent_required') throw new OAuthError('invalid_target', `consent_required: ${err.message}`);
      throw new OAuthError('invalid_grant', `${err.code}: ${err.message}`);
    }
    // RFC 6749 §5.1 — token responses are never cached.
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json({
      access_token: issued.assertion,
      issued_token_type: TOKEN_TYPE_ID_JAG,
      token_type: 'N_A', // RFC 8693 §2.2.1 — not an access token; it is a grant to present elsewhere
      expires_in: issued.expires_in,
    });
  });

  return router;
}
