import { PROVIDER_PATHS } from '../protocol/constants.js';
import { whatIsWrong } from './http.js';
import { AgentStop, type StepCtx } from './context.js';
import { mintForeignIdJag, peek, tamperClaims, UNTRUSTED_ISSUER } from './tokens.js';

/**
 * The lessons' broken ID-JAGs. Each fault applies once per run, to the first token the agent
 * gets; the remedy then fetches a good one. Tokens that need the provider's own key
 * (wrong audience, expired) come from the bundled provider's lesson endpoint, over HTTP like
 * everything else the agent does; the others need no secret.
 */

export interface BrokenToken {
  jwt: string;
  /** What happened to it, for the narration. */
  story: string;
  detail: string;
}

export async function breakIdJag(ctx: StepCtx, jwt: string): Promise<BrokenToken | undefined> {
  const id = ctx.scenario?.id;
  if (!id || ctx.k.faults.has(id)) return undefined;
  const claims = peek(jwt)?.claims ?? {};
  let broken: BrokenToken | undefined;
  switch (id) {
    case 'tampered-signature':
      broken = {
        jwt: tamperClaims(jwt, (c) => {
          c.email = 'mallory@example.com';
        }),
        story: 'For this lesson the token is changed on the way: its email claim now says mallory@example.com, but the signature is still the provider\'s original.',
        detail: 'email claim edited after signing',
      };
      break;
    case 'untrusted-provider': {
      const foreign = await mintForeignIdJag({
        sub: String(claims.sub ?? 'user'), aud: ctx.k.as!.issuer, email: ctx.k.userEmail, resource: ctx.k.prm?.resource,
      });
      broken = {
        jwt: foreign.jwt,
        story: `For this lesson my ID-JAG comes from a provider the service has never heard of (${UNTRUSTED_ISSUER}), signed with that provider's own key.`,
        detail: `issued by ${UNTRUSTED_ISSUER}`,
      };
      break;
    }
    case 'wrong-audience':
      broken = {
        jwt: await forgeWithProviderKey(ctx, jwt, 'wrong-audience', ctx.k.prm!.resource),
        story: `For this lesson I make a classic mistake: the ID-JAG is addressed to the API URL (${ctx.k.prm!.resource}) instead of the issuer (${ctx.k.as!.issuer}).`,
        detail: `aud = ${ctx.k.prm!.resource}`,
      };
      break;
    case 'stale-auth-time':
      // PROTOCOL-v0.6.md §6: the provider's lesson flaw sets auth_time two hours back, still signed with its key.
      broken = {
        jwt: await forgeWithProviderKey(ctx, jwt, 'stale-auth-time'),
        story: 'For this lesson my sign-in at the provider is two hours old: the ID-JAG\'s auth_time says so.',
        detail: 'auth_time two hours ago',
      };
      break;
    case 'expired-id-jag': {
      broken = {
        jwt: await forgeWithProviderKey(ctx, jwt, 'expired'),
        story: 'For this lesson the ID-JAG sat too long in a queue: it expired an hour ago.',
        detail: 'exp one hour ago',
      };
      break;
    }
  }
  if (broken) ctx.k.faults.add(id);
  return broken;
}

/**
 * A token signed by our provider's real key but with one claim changed. The agent never holds that
 * key: the bundled provider's teaching endpoint re-signs the real token for us
 * (PROVIDER_PATHS.lessonIdJag, PROTOCOL.md §6).
 */
async function forgeWithProviderKey(
  ctx: StepCtx, jwt: string, lesson: 'wrong-audience' | 'expired' | 'stale-auth-time', audience?: string,
): Promise<string> {
  const provider = ctx.k.provider!;
  const r = await ctx.agent('POST', new URL(PROVIDER_PATHS.lessonIdJag, provider.issuer + '/').toString(), {
    bearer: provider.session,
    json: { assertion: jwt, lesson, ...(audience ? { audience } : {}) },
  });
  if (r.status !== 200 || typeof r.json?.assertion !== 'string')
    throw new AgentStop(false, `This lesson needs a token signed with the provider's own key; the provider's lesson endpoint ${whatIsWrong(r, 'an assertion').replace(/\.$/, '')}.`);
  return r.json.assertion;
}

/**
 * The lessons that need a second registration right after the first, in either profile: the
 * replay lesson sends the same ID-JAG again; the rate-limit lesson registers once more at once.
 */
export function queueLessonRegistrations(ctx: StepCtx): void {
  const { k } = ctx;
  if (ctx.scenario?.id === 'replayed-id-jag' && !k.faults.has('replay')) {
    k.faults.add('replay');
    ctx.insert(['replay_id_jag']);
  }
  if (ctx.scenario?.id === 'rate-limited' && !k.faults.has('second-registration')) {
    k.faults.add('second-registration');
    ctx.say('For this lesson I register once more right away, as an agent that registers for every task would.');
    ctx.insert(['register']);
  }
}
