import type { ProfileId } from '../protocol/profiles.js';
import type { AgentFlowId, FlowId, FlowInfo, Method } from './types.js';
import { STEP_TEXT_V06, V06_STEP_KEYS, type V06StepKey } from './flows-v0.6.js';

/**
 * The steps the agent can take, in plain language for learners, and the four flows as
 * planned sequences of them. A run starts from its flow's plan; answers from the servers
 * (a decision, an error and its remedy) rewrite the rest of the plan as it goes.
 */

export type StepKey =
  | 'connect_provider' | 'probe' | 'fetch_prm' | 'fetch_as_metadata' | 'read_skill' | 'decide'
  | 'request_consent' | 'approve_consent' | 'get_id_jag' | 'register' | 'replay_id_jag'
  | 'try_key' | 'time_passes' | 'start_claim' | 'open_mail' | 'open_link' | 'reveal_code' | 'enter_otp'
  | 'complete_claim' | 'call_api' | 'revoke_grant'
  | V06StepKey;

type StepText = { title: string; explanation: string };

export const STEP_TEXT: Record<Exclude<StepKey, V06StepKey>, StepText> = {
  connect_provider: {
    title: 'Sign in at my provider',
    explanation:
      'The agent runs on a platform that already knows you: your agent provider, an identity provider for agents. The agent reads the provider\'s OpenID configuration and holds a session for you there. Later it can ask that provider to vouch for you to a service, so you never type a password into the agent.',
  },
  probe: {
    title: 'Call the API',
    explanation:
      'The agent only knows the address of the API you asked it to use. It simply calls it. Without a credential the API answers 401, and its WWW-Authenticate header says where to learn more: the resource_metadata URL (RFC 9728). This is the only starting point — everything else is discovered.',
  },
  fetch_prm: {
    title: 'Read the protected resource metadata',
    explanation:
      'The protected resource metadata (RFC 9728) names the API\'s canonical URL, its scopes and, most importantly, the authorization server that issues its credentials. The agent follows authorization_servers[0].',
  },
  fetch_as_metadata: {
    title: 'Read the authorization server metadata',
    explanation:
      'The authorization server metadata (RFC 8414) gives the issuer — the exact value an ID-JAG must carry as its audience — and the agent_auth block: where to register, where to claim, and which kinds of identity the service accepts.',
  },
  read_skill: {
    title: 'Read AUTH.md',
    explanation:
      'The agent_auth block points to AUTH.md, a skill file written for agents: it explains the decision tree, the requests, and what to do for each error. A language-model agent would read it to learn the protocol; ours follows the same rules.',
  },
  decide: {
    title: 'Choose how to register',
    explanation:
      'AUTH.md\'s decision tree: if the agent holds a session at a provider the service accepts, use an ID-JAG; if it only knows your email, use verified email; otherwise register anonymously and let you claim the key later. The agent writes down why it chose.',
  },
  request_consent: {
    title: 'Ask you for consent',
    explanation:
      'Before the provider vouches for you to a service, you must agree. The agent asks the provider to show you a consent prompt naming the service (its issuer) and where to send revocations. The provider answers with the address of its consent page.',
  },
  approve_consent: {
    title: 'You answer the consent prompt',
    explanation:
      'You decide whether the agent may register on your behalf. With an ID-JAG your provider asks you on its consent page: allow once, always allow, or deny. With verified email the agent asks you itself before it hands your address to the service. The agent never registers without your yes.',
  },
  get_id_jag: {
    title: 'Get an ID-JAG from my provider',
    explanation:
      'With your consent on record, the agent asks the provider for an Identity Assertion JWT Authorization Grant (ID-JAG): a short-lived signed statement "this is Alice, her email is verified", addressed to the service\'s issuer.',
  },
  register: {
    title: 'Register at the service',
    explanation:
      'The agent posts to the register_uri from the metadata. With an ID-JAG the service checks the signature against the provider\'s keys, the audience, expiry and replay, then issues a credential at once. With an email or anonymously, it starts a claim instead.',
  },
  replay_id_jag: {
    title: 'Register again with the same ID-JAG',
    explanation:
      'Each ID-JAG has a unique jti and may be used once. Here the agent re-sends the same assertion, as a careless retry would. The service remembers every jti until the token expires and refuses the second use.',
  },
  try_key: {
    title: 'Try the new key',
    explanation:
      'An anonymous key works at once, but only with the pre-claim scopes (read-only here). Nobody is attached to it yet; that is what the claim is for.',
  },
  time_passes: {
    title: 'Time passes',
    explanation:
      'Unclaimed anonymous registrations do not live forever: past the service\'s registration TTL the key stops working and the claim is refused. In this lesson the service keeps them only a few seconds, so the agent waits that long.',
  },
  start_claim: {
    title: 'Start the claim',
    explanation:
      'To attach the key to you, the agent posts the claim_token it received (shown only once) and your email to the claim_uri. The service mails you a link; the agent cannot read your mail — you prove the address is yours.',
  },
  open_mail: {
    title: 'You open the email',
    explanation:
      'The service sent a message with a claim link to your inbox. Only the owner of the address can read it: that is the proof.',
  },
  open_link: {
    title: 'You open the link',
    explanation:
      'The link opens the service\'s claim page. Opening it does not create a code — mail scanners that follow links must not burn codes. The page has a button for that.',
  },
  reveal_code: {
    title: 'You reveal the code',
    explanation:
      'Pressing the button makes the page call the challenge endpoint with the token from the link. The service shows a fresh six-digit code. Pressing it again rotates the code.',
  },
  enter_otp: {
    title: 'You tell the agent the code',
    explanation:
      'You read the six digits back to the agent. The code ties the two halves together: the agent holds the claim token, you hold the mailbox.',
  },
  complete_claim: {
    title: 'Finish the claim',
    explanation:
      'The agent posts the claim token and your code to complete the claim. For an anonymous key the same key now carries the post-claim scopes; for verified email the service now issues the credential.',
  },
  call_api: {
    title: 'Use the API',
    explanation:
      'The agent calls the API with its credential in the Authorization header (RFC 6750). It reads; and when the credential carries api.write it also writes. A 401 invalid_token means the credential is gone: drop it and discover again.',
  },
  revoke_grant: {
    title: 'You revoke the grant',
    explanation:
      'At any time you can withdraw your consent at the provider. The provider then sends a signed logout token (OIDC Back-Channel Logout) to the service\'s revocation_uri, and the service stops every credential it issued on that grant — at once.',
  },
};

/** A step's title and explanation as the profile the run speaks tells it (v0.6 rewords the steps it reshaped). */
export function stepText(key: StepKey, profile?: ProfileId): StepText {
  if (profile === 'v0.6' || (V06_STEP_KEYS as readonly string[]).includes(key)) {
    const v06 = STEP_TEXT_V06[key as keyof typeof STEP_TEXT_V06];
    if (v06) return v06;
  }
  return STEP_TEXT[key as Exclude<StepKey, V06StepKey>];
}

/** Steps the person performs (autopilot performs them as the person). */
export const USER_STEPS: ReadonlySet<StepKey> = new Set([
  'approve_consent', 'open_mail', 'open_link', 'reveal_code', 'enter_otp', 'revoke_grant', 'sign_in_service', 'enter_user_code',
]);

export const DISCOVERY: StepKey[] = ['probe', 'fetch_prm', 'fetch_as_metadata', 'read_skill', 'decide'];
export const CEREMONY: StepKey[] = ['open_mail', 'open_link', 'reveal_code', 'enter_otp', 'complete_claim'];

/** What follows the decision, per method (PROTOCOL.md, v0.1). */
export const METHOD_PLAN: Record<Exclude<Method, 'service-auth'>, StepKey[]> = {
  'id-jag': ['request_consent', 'approve_consent', 'get_id_jag', 'register', 'call_api'],
  'verified-email': ['approve_consent', 'register', ...CEREMONY, 'call_api'],
  anonymous: ['register', 'try_key', 'start_claim', ...CEREMONY, 'call_api'],
};

/**
 * PROTOCOL-v0.6.md §3 — the v0.6 ceremony: the agent shows the person the user_code and the
 * verification_uri; they sign in at the service and type the code; the agent polls the claim grant.
 */
export const CEREMONY_V06: StepKey[] = ['sign_in_service', 'enter_user_code', 'poll_claim'];

/**
 * What follows the decision on a v0.6 service: every registration ends in a service assertion that
 * the token endpoint exchanges for an access token (RFC 7523), or in the claim grant's token.
 */
export const METHOD_PLAN_V06: Record<Exclude<Method, 'verified-email'>, StepKey[]> = {
  'id-jag': ['request_consent', 'approve_consent', 'get_id_jag', 'register', 'exchange_assertion', 'call_api'],
  'service-auth': ['approve_consent', 'register', ...CEREMONY_V06, 'call_api'],
  anonymous: ['register', 'exchange_assertion', 'try_key', 'start_claim', ...CEREMONY_V06, 'call_api'],
};

/** The plan after the decision, for the method and the profile the service speaks (undefined: the method is not in it). */
export function methodPlan(method: Method, profile: ProfileId = 'v0.1'): StepKey[] | undefined {
  return profile === 'v0.6' ? METHOD_PLAN_V06[method as keyof typeof METHOD_PLAN_V06] : METHOD_PLAN[method as keyof typeof METHOD_PLAN];
}

/** The revocation flow's tail after the first successful API call. */
export const REVOCATION_TAIL: StepKey[] = ['revoke_grant', 'call_api'];

/** Which profiles each flow works with; the first is the one its plan starts from. */
export const FLOW_PROFILES: Record<AgentFlowId, ProfileId[]> = {
  'id-jag': ['v0.1', 'v0.6'],
  'verified-email': ['v0.1'],
  anonymous: ['v0.1', 'v0.6'],
  revocation: ['v0.1', 'v0.6'],
  'service-auth': ['v0.6'],
};

export function flowPlan(flow: AgentFlowId, profile: ProfileId = FLOW_PROFILES[flow][0]): StepKey[] {
  const plan = (m: Method) => methodPlan(m, profile) ?? [];
  switch (flow) {
    case 'id-jag':
      return ['connect_provider', ...DISCOVERY, ...plan('id-jag')];
    case 'verified-email':
      return [...DISCOVERY, ...plan('verified-email')];
    case 'service-auth':
      return [...DISCOVERY, ...plan('service-auth')];
    case 'anonymous':
      return [...DISCOVERY, ...plan('anonymous')];
    case 'revocation':
      return ['connect_provider', ...DISCOVERY, ...plan('id-jag'), ...REVOCATION_TAIL, ...DISCOVERY, 'request_consent'];
  }
}

/** Step names are unique in a run: the second "probe" is "probe-2". */
export function nameSteps(keys: StepKey[], seen = new Map<StepKey, number>()): string[] {
  return keys.map((k) => {
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    return n === 1 ? k : `${k}-${n}`;
  });
}

const FLOW_TEXT: Record<AgentFlowId, { title: string; summary: string }> = {
  'id-jag': {
    title: 'ID-JAG: your provider vouches for you',
    summary:
      'The agent holds a session at your agent provider. With your consent the provider mints an ID-JAG for the service, which verifies it and issues a credential tied to you — no email round trip.',
  },
  'verified-email': {
    title: 'Verified email: prove your address',
    summary:
      'The agent knows only your email. It asks your permission, registers with it, and the service mails you a code; you read it back to the agent, which then receives the credential.',
  },
  anonymous: {
    title: 'Anonymous, then claimed',
    summary:
      'The agent knows nothing about you. It registers anonymously and gets a read-only key at once; later you claim the key with your email and a one-time code, and it gains write access.',
  },
  'service-auth': {
    title: 'Service auth: sign in at the service (v0.6)',
    summary:
      'v0.6\'s email path. The agent knows only your email and sends it as a login_hint. The service answers with a short code and a link; you sign in at the service, type the code, and the agent, polling the claim grant, receives its access token.',
  },
  revocation: {
    title: 'Revocation: you withdraw consent',
    summary:
      'After an ID-JAG registration works, you revoke the grant at your provider. The provider tells the service with a logout token; the agent\'s next call gets 401 invalid_token, so it drops the credential, discovers again and asks for your consent anew.',
  },
};

const plannedSteps = (flow: AgentFlowId, profile: ProfileId) => {
  const keys = flowPlan(flow, profile);
  const names = nameSteps(keys);
  return keys.map((k, i) => ({ name: names[i], title: stepText(k, profile).title }));
};

const flowInfo = <F extends AgentFlowId>(id: F): FlowInfo<F> => ({
  id, ...FLOW_TEXT[id],
  steps: plannedSteps(id, FLOW_PROFILES[id][0]),
  profiles: Object.fromEntries(FLOW_PROFILES[id].map((p) => [p, plannedSteps(id, p)])),
});

/** The flows the studio offers. */
export const FLOWS: FlowInfo[] = (['id-jag', 'verified-email', 'anonymous', 'revocation'] as FlowId[]).map(flowInfo);

/** Every flow the agent runs (the CLI's --flow): the studio's, and v0.6's service-auth, which waits for the studio's v0.6 panes. */
export const AGENT_FLOWS: FlowInfo<AgentFlowId>[] = [...FLOWS, flowInfo('service-auth')];
