import { PROVIDER_PATHS } from '../../protocol/constants.js';
import { AgentStop, type AgentStepDef, type StepCtx } from '../context.js';
import { decide } from '../decision.js';
import { asMetadataUrl, detectProfile, offers, parseWwwAuthenticate } from '../discovery.js';
import { methodPlan, REVOCATION_TAIL, type StepKey } from '../flows.js';
import { takeoverSetup } from './v0.6/takeover.js';
import { describeError, whatIsWrong } from '../http.js';

/** Discovery: from one API URL to everything the agent needs (RFC 9728, RFC 8414, AUTH.md). */

/**
 * The agent's own IdP: its OpenID configuration, then a session for the user (PROTOCOL.md §6). A
 * provider that publishes none (404, as the v0.1 reference's) is taken at its URL, with the
 * conventional /login, /grants and /id-jag paths the reference and PROTOCOL.md §6 share.
 */
export const connectProvider: AgentStepDef = async (ctx) => {
  const { k } = ctx;
  const conf = await ctx.agent('GET', `${k.providerUrl}/.well-known/openid-configuration`);
  let issuer: string;
  if (conf.status === 404) {
    issuer = k.providerUrl;
    ctx.say(`My provider publishes no OpenID configuration (404), so I use its conventional paths under ${issuer}.`);
  } else if (conf.status !== 200 || typeof conf.json?.issuer !== 'string') {
    throw new AgentStop(false, `My provider's OpenID configuration ${whatIsWrong(conf, 'an issuer')}.`);
  } else issuer = conf.json.issuer.replace(/\/$/, '');
  // PROTOCOL.md §6: the provider's other endpoints are relative to its issuer.
  const endpoints = {
    login: `${issuer}${PROVIDER_PATHS.login}`,
    consentRequests: `${issuer}/consent/requests`,
    idJag: `${issuer}${PROVIDER_PATHS.idJag}`,
    grants: `${issuer}${PROVIDER_PATHS.grants}`,
  };
  const login = await ctx.agent('POST', endpoints.login, { json: { email: k.userEmail } });
  if (login.status !== 200 || !login.json?.session_token)
    throw new AgentStop(false, `Signing in at my provider as ${k.userEmail}: the answer ${whatIsWrong(login, 'a session_token')}.`);
  k.provider = { issuer, session: login.json.session_token, endpoints };
  k.wallet.providerSession = { issuer, email: k.userEmail };
  ctx.say(`I hold a session at my provider ${issuer} for ${k.userEmail}.`);
};

/** PROTOCOL.md §1 — an unauthenticated call answers 401 with resource_metadata in WWW-Authenticate. */
export const probe: AgentStepDef = async (ctx) => {
  const { k } = ctx;
  const r = await ctx.agent('GET', k.resourceUrl);
  if (r.status === 200) {
    ctx.reachGoal('The API answered without any credential: there is nothing to register for.');
    ctx.plan([]);
    return { status: 'done', detail: '200 — the API is open' };
  }
  const challenge = parseWwwAuthenticate(r.headers.get('www-authenticate'));
  const metadataUrl = challenge?.params.resource_metadata;
  if (r.status !== 401 || !metadataUrl)
    throw new AgentStop(false, `The API answered ${describeError(r)} without a resource_metadata pointer, so I cannot discover how to register.`);
  k.prmUrl = metadataUrl;
  ctx.say(`The API answered 401 and pointed me to its metadata: ${metadataUrl}.`);
  return { status: 'done', detail: `401 → ${metadataUrl}` };
};

/** RFC 9728 §3 — protected resource metadata; follow authorization_servers[0]. */
export const fetchPrm: AgentStepDef = async (ctx) => {
  const { k } = ctx;
  const r = await ctx.agent('GET', k.prmUrl!);
  const prm = r.json;
  if (r.status !== 200 || typeof prm?.resource !== 'string' || !Array.isArray(prm.authorization_servers) || !prm.authorization_servers.length)
    throw new AgentStop(false, `The protected resource metadata ${whatIsWrong(r, 'a resource and an authorization server')}.`);
  // RFC 9728 §3.3 — the metadata must describe the resource we called.
  if (!k.resourceUrl.startsWith(prm.resource))
    ctx.say(`Careful: the metadata describes ${prm.resource}, not exactly ${k.resourceUrl}.`);
  k.prm = prm;
  ctx.say(`${prm.resource_name ?? prm.resource} is protected by the authorization server ${prm.authorization_servers[0]}; scopes: ${(prm.scopes_supported ?? []).join(', ') || 'none listed'}.`);
  return { status: 'done', detail: `authorization server ${prm.authorization_servers[0]}` };
};

/**
 * RFC 8414 §3 — AS metadata; §3.3: its issuer must equal the one we derived the URL from. A
 * document with no issuer at all (the v0.1 reference's) is read as authorization_servers[0]'s,
 * with a warning: RFC 8414 §2 makes issuer REQUIRED, and it is the audience an ID-JAG must carry.
 */
export const fetchAsMetadata: AgentStepDef = async (ctx) => {
  const { k } = ctx;
  const issuer = k.prm!.authorization_servers[0];
  const r = await ctx.agent('GET', asMetadataUrl(issuer));
  if (r.status !== 200 || !r.json || typeof r.json !== 'object' || Array.isArray(r.json))
    throw new AgentStop(false, `The authorization server metadata ${whatIsWrong(r, 'a JSON object')}.`);
  if (r.json.issuer === undefined) {
    ctx.say(`Careful: the authorization server metadata has no issuer, which RFC 8414 §2 requires. I take ${issuer} (authorization_servers[0]) as the issuer and the ID-JAG audience.`);
  } else if (r.json.issuer !== issuer) {
    throw new AgentStop(false, `The metadata's issuer ${String(r.json.issuer)} is not ${issuer} (RFC 8414 §3.3): I do not trust it.`);
  }
  // DESIGN.md rule 8: the metadata alone tells the profile (v0.1 register_uri, v0.6 identity_endpoint + claim grant).
  const profile = detectProfile(r.json);
  if (!profile)
    throw new AgentStop(false, 'The authorization server has no agent_auth block: it does not offer agentic registration.');
  k.as = { ...r.json, issuer };
  const can = offers(r.json);
  ctx.say(
    `The service's issuer is ${issuer}. It speaks protocol ${profile}${profile === 'v0.6' ? ' (an identity_endpoint and the claim grant)' : ' (a register_uri)'}. ` +
      `It accepts: ${[can.anonymous && 'anonymous', can.serviceAuth && 'service_auth', ...can.assertionTypes].filter(Boolean).join(', ') || 'nothing'}.`,
  );
  const cannot = ctx.spoke(profile);
  if (cannot) throw new AgentStop(false, cannot);
  // The step's one line names the endpoint that tells the profile apart (RunState.profile names the profile itself).
  return { status: 'done', detail: profile === 'v0.6' ? `identity_endpoint ${r.json.agent_auth.identity_endpoint}` : `register_uri ${r.json.agent_auth.register_uri}` };
};

/** The agent_auth `skill`: AUTH.md, written for agents. */
export const readSkill: AgentStepDef = async (ctx) => {
  const skill = ctx.k.as?.agent_auth?.skill;
  if (!skill) return { status: 'skipped', detail: 'the metadata names no skill file' };
  const r = await ctx.agent('GET', skill, { headers: { accept: 'text/markdown, text/plain;q=0.9' } });
  if (r.status !== 200) return { status: 'skipped', detail: `AUTH.md answered ${r.status}; the metadata is enough to go on` };
  const title = /^#\s+(.+)$/m.exec(r.text)?.[1]?.trim();
  ctx.say(`I read ${skill}${title ? ` ("${title}")` : ''}: ${r.text.split('\n').length} lines on how to register here.`);
  return { status: 'done', detail: title ?? `${r.text.length} characters` };
};

/** AUTH.md's decision tree (decision.ts), then plan the rest of the run. */
export const decideStep: AgentStepDef = async (ctx) => {
  const { k } = ctx;
  const d = decide({ metadata: k.as!, wallet: k.wallet, excluded: k.excluded });
  if (!d.method) throw new AgentStop(false, `No way to register is left: ${d.why.join('; ')}.`);
  k.method = d.method;
  ctx.decided(d.method, d.why);
  ctx.say(`I will register with ${d.method}, because ${d.why.join('; ')}.`);
  ctx.plan(planAfterDecision(ctx));
  return { status: 'done', detail: d.method };
};

function planAfterDecision(ctx: StepCtx): StepKey[] {
  const { k } = ctx;
  const method = k.method!;
  const needsSession = method === 'id-jag' && !k.provider;
  const plan: StepKey[] = [
    ...(needsSession ? (['connect_provider'] as StepKey[]) : []), ...takeoverSetup(ctx), ...(methodPlan(method, k.profile) ?? []),
  ];
  // Revocation flow: after the credential died, the run ends by asking for consent again.
  if (k.rediscovering && method === 'id-jag') return ['request_consent'];
  if (ctx.flow === 'revocation' && !k.rediscovering) plan.push(...REVOCATION_TAIL);
  return plan;
}
