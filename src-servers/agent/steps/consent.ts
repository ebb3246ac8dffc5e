import { AgentStop, type AgentStepDef, type StepCtx, type UserStepDef } from '../context.js';
import { describeError, whatIsWrong } from '../http.js';

/**
 * Consent: the agent never registers on your behalf without your yes. With an ID-JAG the
 * provider asks you on its consent page (our addition to PROTOCOL.md §6: consent requests);
 * with verified email the agent asks you itself before using your address.
 */

/**
 * POST /consent/requests (Bearer session) → 201 {request_id, consent_url, status:"pending"}. A
 * provider without consent requests (404 — the v0.1 reference has only /grants) leaves the asking
 * to the agent, as that reference's own flow does: you answer here, the agent records a grant.
 */
export const requestConsent: AgentStepDef = async (ctx) => {
  const { k } = ctx;
  const r = await ctx.agent('POST', k.provider!.endpoints.consentRequests, {
    bearer: k.provider!.session,
    json: {
      audience: k.as!.issuer,
      resource_name: k.prm?.resource_name,
      ...revocationTarget(ctx),
    },
  });
  const noConsentPage = r.status === 404;
  if (noConsentPage) {
    k.consent = { status: 'pending', direct: true };
    ctx.say(`My provider shows no consent page (404), so I ask you myself and then record your answer as a grant at ${k.provider!.endpoints.grants}.`);
  } else if (r.status !== 201 && r.status !== 200) {
    throw new AgentStop(false, `Asking my provider for a consent prompt answered ${describeError(r)}.`);
  } else {
    k.consent = { requestId: r.json.request_id, url: r.json.consent_url, status: r.json.status ?? 'pending' };
    ctx.say(`I asked my provider to show you a consent prompt: ${r.json.consent_url}`);
  }
  if (k.rediscovering) {
    ctx.reachGoal(
      'The old credential died, so I discovered the service again and asked for your consent anew — the same way I started. I stop here until you decide.',
    );
    ctx.plan([]);
  }
  return { status: 'done', detail: noConsentPage ? 'the provider has no consent page: I ask you' : `request ${r.json.request_id}` };
};

/**
 * Where the provider tells the service you revoked: a v0.1 service's revocation_uri takes a logout
 * token (PROTOCOL.md §4); a v0.6 service's events_endpoint goes in `events_uri` and takes a SET
 * (PROTOCOL-v0.6.md §6). The grant names one, never both.
 */
function revocationTarget(ctx: StepCtx): { revocation_uri?: string } | { events_uri?: string } {
  const aa = ctx.k.as!.agent_auth;
  return ctx.k.profile === 'v0.6' ? { events_uri: aa?.events_endpoint } : { revocation_uri: aa?.revocation_uri };
}

/** GET /consent/requests/:id — the agent learns your answer. */
async function pollConsent(ctx: StepCtx): Promise<boolean> {
  const { k } = ctx;
  const r = await ctx.agent('GET', `${k.provider!.endpoints.consentRequests}/${encodeURIComponent(k.consent!.requestId!)}`, {
    bearer: k.provider!.session,
  });
  if (r.status !== 200) throw new AgentStop(false, `Checking the consent request answered ${describeError(r)}.`);
  if (r.json.status === 'pending') return false;
  k.consent = { ...k.consent!, status: r.json.status, grantId: r.json.grant_id };
  return true;
}

const viaProvider = (ctx: StepCtx) => ctx.k.method === 'id-jag' && !ctx.k.consent?.direct;
const direct = (ctx: StepCtx) => ctx.k.method === 'id-jag' && Boolean(ctx.k.consent?.direct);

/** PROTOCOL.md §6 POST /grants {audience, mode, revocation_uri}: your answer, recorded at the provider. */
async function recordGrant(ctx: StepCtx): Promise<void> {
  const { k } = ctx;
  const r = await ctx.agent('POST', k.provider!.endpoints.grants, {
    bearer: k.provider!.session,
    json: { audience: k.as!.issuer, mode: k.consent!.mode ?? 'once', ...revocationTarget(ctx) },
  });
  if (r.status !== 201 && r.status !== 200) throw new AgentStop(false, `Recording your consent at my provider ${whatIsWrong(r, 'a grant')}.`);
  k.consent = { ...k.consent!, grantId: r.json?.id ?? r.json?.grant_id };
}

export const approveConsent: UserStepDef = {
  action(ctx) {
    const { k } = ctx;
    const name = k.prm?.resource_name ?? k.as?.issuer ?? 'the service';
    if (direct(ctx))
      return { kind: 'approve_consent', prompt: `May your provider vouch for you (${k.userEmail}) to ${name}, so I can register there as you?` };
    return viaProvider(ctx)
      ? { kind: 'approve_consent', prompt: `Your provider asks whether the agent may sign you in to ${name}. Answer on the consent page.`, url: k.consent?.url }
      : k.method === 'service-auth'
        ? { kind: 'approve_consent', prompt: `May I register at ${name} with your email ${k.userEmail}? You will sign in at the service and type a code to confirm it is yours.` }
        : { kind: 'approve_consent', prompt: `May I register at ${name} with your email ${k.userEmail}? The service will email you a code to prove it is yours.` };
  },
  async perform(ctx, choice) {
    const answer = choice ?? ctx.scenario?.consentChoice ?? 'once';
    if (viaProvider(ctx)) return ctx.user.answerConsent(ctx.k.consent!.url!, answer);
    if (direct(ctx)) {
      ctx.k.consent = { ...ctx.k.consent!, status: answer === 'deny' ? 'denied' : 'approved', mode: answer === 'always' ? 'always' : 'once' };
      return answer === 'deny' ? 'You said no.' : `You said yes (${answer === 'always' ? 'always' : 'once'}): your provider may vouch for you.`;
    }
    ctx.k.consent = { status: answer === 'deny' ? 'denied' : 'approved' };
    return answer === 'deny' ? 'You said no.' : `You said yes: the agent may use ${ctx.k.userEmail}.`;
  },
  check: (ctx) => (viaProvider(ctx) && ctx.k.consent?.requestId ? pollConsent(ctx) : Promise.resolve(ctx.k.consent?.status !== undefined && ctx.k.consent.status !== 'pending')),
  async after(ctx) {
    const { k } = ctx;
    if (viaProvider(ctx)) {
      // The person acted in their browser; the agent hears the answer only from the provider.
      for (let i = 0; k.consent?.status === 'pending' && i < 20; i++) {
        if (await pollConsent(ctx)) break;
        await ctx.sleep(250);
      }
    }
    if (k.consent?.status === 'denied') {
      ctx.sawExpected('consent_denied');
      ctx.appliedRemedy();
      throw new AgentStop(false, 'You denied consent, so I stopped: I never register without your consent.');
    }
    if (k.consent?.status !== 'approved') throw new AgentStop(false, 'I never heard your answer to the consent prompt.');
    if (direct(ctx)) await recordGrant(ctx);
    if (viaProvider(ctx) || direct(ctx)) ctx.say(`You approved${k.consent.grantId ? ` (grant ${k.consent.grantId})` : ''}.`);
    return { status: 'done', detail: 'approved' };
  },
};
