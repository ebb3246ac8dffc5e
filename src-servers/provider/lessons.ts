import { Router } from 'express';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { z } from 'zod';
import { ID_JAG_TYP, PROVIDER_PATHS } from '../protocol/constants.js';
import { randomId, type ProviderContext } from './context.js';
import { parseBody } from '../http/body.js';
import { ProtocolError } from '../protocol/errors.js';
import { mintIdJag } from './forge.js';
import { authenticate } from './users.js';

/**
 * A teaching extension of the bundled provider — a real provider never offers it.
 * The failure lessons "wrong audience", "expired ID-JAG" and "stale auth_time" need a token signed with this
 * provider's real key but with one claim wrong, so that the service's audience or expiry check
 * (not its signature check) is what fails — for stale-auth-time, a v0.6 service's freshness rule
 * (PROTOCOL-v0.6.md §2 check 12 → 401 login_required). An agent talking to a separately started host has no
 * access to the key, so it asks here: it hands back an ID-JAG this provider just issued to the
 * same user (consent was given for it), and gets the same token re-signed with the lesson's flaw.
 *
 * The re-signed token must be good for nothing but the lesson (issue 14 #4): "expired" is dead on
 * arrival, "stale auth_time" fails every v0.6 service, and "wrong audience" may only name another URL on the origin of the service the person
 * consented to — a path under it, the API-URL-for-issuer mistake the lesson teaches — so it can
 * never be some other service's issuer. Config `provider.lessons: false` removes the endpoint.
 */
export const LESSON_REISSUE_PATH = PROVIDER_PATHS.lessonIdJag;
/** PROTOCOL-v0.6.md §6 — twice a v0.6 service's default idJagMaxAuthAgeSeconds (3600), well past its skew. */
export const STALE_AUTH_AGE_SECONDS = 7200;

const body = z.object({
  assertion: z.string().min(1).max(8192),
  lesson: z.enum(['wrong-audience', 'expired', 'stale-auth-time']),
  /** For wrong-audience: the audience to put in instead (e.g. the API's resource URL). */
  audience: z.url().max(2048).optional(),
});

export function lessonRoutes(ctx: ProviderContext): Router {
  const router = Router();
  if (ctx.config.lessons === false) return router; // a 404 like any path this provider does not serve
  router.post(LESSON_REISSUE_PATH, async (req, res) => {
    const { user } = authenticate(ctx, req.headers.authorization);
    const { assertion, lesson, audience } = parseBody(body, req.body);
    const jwks = createLocalJWKSet(ctx.keys.jwks());
    const verified = await jwtVerify(assertion, jwks, {
      issuer: ctx.issuer,
      typ: ID_JAG_TYP,
      currentDate: new Date(ctx.now()),
    }).catch(() => null);
    if (!verified || verified.payload.sub !== user.id)
      throw new ProtocolError('invalid_request', 'assertion must be a live ID-JAG this provider issued to the signed-in user.');
    if (lesson === 'wrong-audience' && !audience)
      throw new ProtocolError('invalid_request', 'wrong-audience needs "audience": the wrong audience to put in.');
    if (lesson === 'wrong-audience') checkLessonAudience(String(verified.payload.aud), audience!);
    const nowSeconds = Math.floor(ctx.now() / 1000);
    const changes =
      lesson === 'expired'
        ? { iat: nowSeconds - 3900, exp: nowSeconds - 3600 } // expired an hour ago, well past any clock skew
        : lesson === 'stale-auth-time'
          ? { auth_time: nowSeconds - STALE_AUTH_AGE_SECONDS } // PROTOCOL-v0.6.md §6: signed in two hours ago
          : { aud: audience };
    const reissued = await mintIdJag(
      { issuer: ctx.issuer, clientId: ctx.clientId, signingKey: () => ctx.keys.signingKey(), now: ctx.now },
      { ...verified.payload, jti: randomId('lesson_'), ...changes },
    );
    res.set('Cache-Control', 'no-store').json({ assertion: reissued, lesson });
  });
  return router;
}

/**
 * The only wrong audience a lesson may ask for: a URL on the consented service's own origin with a
 * path of its own (e.g. `<issuer>/api/resource`, the PRM resource), so that no service's issuer —
 * which would then accept the token (RFC 7523 §3 rule 3 compares `aud` with the issuer) — can be named.
 */
function checkLessonAudience(original: string, wanted: string): void {
  const refuse = () => {
    throw new ProtocolError('invalid_request', `A lesson's wrong audience must be a URL under ${original} with a path of its own (such as ${original.replace(/\/+$/, '')}/api/resource).`);
  };
  let from: URL, to: URL;
  try {
    from = new URL(original);
    to = new URL(wanted);
  } catch {
    return refuse();
  }
  const path = (u: URL) => u.pathname.replace(/\/+$/, '');
  if (to.origin !== from.origin || to.search || to.hash || to.username || to.password) refuse();
  if (path(to) === '' || path(to) === path(from) || !path(to).startsWith(`${path(from)}/`)) refuse();
}
