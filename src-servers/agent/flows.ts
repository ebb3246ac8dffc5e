import type { FlowId, FlowInfo, Method } from './types.js';

/**
 * The steps the agent can take, in plain language for learners, and the four flows as
 * planned sequences of them. A run starts from its flow's plan; answers from the servers
 * (a decision, an error and its remedy) rewrite the rest of the plan as it goes.
 */

export type StepKey =
  | 'connect_provider' | 'probe' | 'fetch_prm' | 'fetch_as_metadata' | 'read_skill' | 'decide'
  | 'request_consent' | 'approve_consent' | 'get_id_jag' | 'register' | 'replay_id_jag'
  | 'try_key' | 'time_passes' | 'start_claim' | 'open_mail' | 'open_link' | 'reveal_code' | 'enter_otp'
  | 'complete_claim' | 'call_api' | 'revoke_grant';

export const STEP_TEXT: Record<StepKey, { title: string; explanation: string }> = {
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

/** Steps the person performs (autopilot performs them as the person). */
export const USER_STEPS: ReadonlySet<StepKey> = new Set(['approve_consent', 'open_mail', 'open_link', 'reveal_code', 'enter_otp', 'revoke_grant']);

export const DISCOVERY: StepKey[] = ['probe', 'fetch_prm', 'fetch_as_metadata', 'read_skill', 'decide'];
export const CEREMONY: StepKey[] = ['open_mail', 'open_link', 'reveal_code', 'enter_otp', 'complete_claim'];

/** What follows the decision, per method. */
export const METHOD_PLAN: Record<Method, StepKey[]> = {
  'id-jag': ['request_consent', 'approve_consent', 'get_id_jag', 'register', 'call_api'],
  'verified-email': ['approve_consent', 'register', ...CEREMONY, 'call_api'],
  anonymous: ['register', 'try_key', 'start_claim', ...CEREMONY, 'call_api'],
};

/** The revocation flow's tail after the first successful API call. */
export const REVOCATION_TAIL: StepKey[] = ['revoke_grant', 'call_api'];

export function flowPlan(flow: FlowId): StepKey[] {
  switch (flow) {
    case 'id-jag':
      return ['connect_provider', ...DISCOVERY, ...METHOD_PLAN['id-jag']];
    case 'verified-email':
      return [...DISCOVERY, ...METHOD_PLAN['verified-email']];
    case 'anonymous':
      return [...DISCOVERY, ...METHOD_PLAN.anonymous];
    case 'revocation':
      return ['connect_provider', ...DISCOVERY, ...METHOD_PLAN['id-jag'], ...REVOCATION_TAIL, ...DISCOVERY, 'request_consent'];
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

const FLOW_TEXT: Record<FlowId, { title: string; summary: string }> = {
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
  revocation: {
    title: 'Revocation: you withdraw consent',
    summary:
      'After an ID-JAG registration works, you revoke the grant at your provider. The provider tells the service with a logout token; the agent\'s next call gets 401 invalid_token, so it drops the credential, discovers again and asks for your consent anew.',
  },
};

export const FLOWS: FlowInfo[] = (['id-jag', 'verified-email', 'anonymous', 'revocation'] as FlowId[]).map((id) => {
  const keys = flowPlan(id);
  const names = nameSteps(keys);
  return { id, ...FLOW_TEXT[id], steps: keys.map((k, i) => ({ name: names[i], title: STEP_TEXT[k].title })) };
});
