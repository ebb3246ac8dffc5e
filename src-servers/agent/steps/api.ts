import { SCOPE_WRITE } from '../../protocol/constants.js';
import { AgentStop, type AgentStepDef, type UserStepDef } from '../context.js';
import { parseWwwAuthenticate } from '../discovery.js';
import { describeError } from '../http.js';
import { applyRemedy } from '../remedies.js';
import { takeoverVerdict } from './v0.6/takeover.js';

/** Using the credential (RFC 6750), and the person revoking it at the provider. */

export const callApi: AgentStepDef = async (ctx) => {
  const { k } = ctx;
  const cred = k.credential;
  if (!cred) throw new AgentStop(false, 'I hold no credential to call the API with.');
  const r = await ctx.agent('GET', k.resourceUrl, { bearer: cred.value });
  if (r.status === 401) {
    // RFC 6750 §3.1 — invalid_token: expired, revoked or unknown. A credential that worked before is gone.
    const challenge = parseWwwAuthenticate(r.headers.get('www-authenticate'));
    if (challenge?.params.error === 'invalid_token' || cred.worked) return applyRemedy(ctx, 'invalid_token', r);
    throw new AgentStop(false, `The API refused my new credential: ${describeError(r)}.`);
  }
  if (r.status !== 200) throw new AgentStop(false, `The API answered ${describeError(r)}.`);
  cred.worked = true;
  const who = r.json?.user?.email ?? r.json?.email ?? r.json?.user_id ?? 'an unclaimed registration';
  // v0.1 answers `scopes`; v0.6 `credential.scope` (PROTOCOL-v0.6.md §1).
  const scopes: string[] = r.json?.scopes ?? (Array.isArray(r.json?.credential?.scope) ? r.json.credential.scope : cred.scopes);
  ctx.say(`The API answered 200: I am acting for ${who}, scopes ${scopes.join(', ')}.`);
  takeoverVerdict(ctx, r);

  let wrote = '';
  if (scopes.includes(SCOPE_WRITE)) {
    const w = await ctx.agent('POST', k.resourceUrl, { bearer: cred.value, json: { note: `Written by the agent (run ${ctx.runId})` } });
    if (w.status === 201 || w.status === 200) wrote = ', and wrote (201)';
    else if (w.status === 403) ctx.say(`Writing was refused: ${describeError(w)}.`);
    // An API may be read-only whatever scopes it lists (the v0.1 reference has no write endpoint):
    // that is the API's shape, not a failed registration, so the read above is the proof.
    else if (w.status === 404 || w.status === 405) ctx.say(`This API has no write endpoint (POST answered ${w.status}), though it grants ${SCOPE_WRITE}; the read is proof enough.`);
    else throw new AgentStop(false, `Writing answered ${describeError(w)}.`);
  }
  if (ctx.flow !== 'revocation') {
    ctx.reachGoal(`The ${k.method} registration works: the API knows me as acting for ${who}${wrote ? ' and let me write' : ''}.`);
  }
  return { status: 'done', detail: `200 as ${who}${wrote}` };
};

export const revokeGrant: UserStepDef = {
  action: (ctx) => ({
    kind: 'revoke_grant',
    prompt: `Revoke the agent's grant for ${ctx.k.prm?.resource_name ?? ctx.k.as?.issuer} at your provider (or let me do it for you).`,
  }),
  async perform(ctx) {
    const id = await ctx.user.revokeGrant(ctx.k.as!.issuer);
    return `You revoked grant ${id} at the provider; it sent ${ctx.k.profile === 'v0.6' ? 'a Security Event Token' : 'a logout token'} to the service.`;
  },
};
