/**
 * "What changed" between the two protocol versions the studio runs, flow by flow and step by step:
 * docs/PROTOCOL.md (v0.1) beside docs/PROTOCOL-v0.6.md (v0.6), drawn from §11 of the latter. This one
 * table is the whole content of the view (components/WhatChanged.tsx), so a reader can diff it against
 * the two contracts. Each step names the wire exchange: method and path, the body's shape, the answer.
 */

/** One side of a step: the request and what the service answers (null: the step does not exist there). */
export interface WireStep {
  /** Who sends it, method and path, e.g. "Agent → POST /agent/auth". */
  call: string;
  /** The body's shape (JSON, a form, a JWT), or nothing. */
  body?: string;
  answer: string;
}

export interface ChangeRow {
  step: string;
  v01: WireStep | null;
  v06: WireStep | null;
  /** Why it changed, in a sentence. */
  why?: string;
  /** The account takeover v0.5 closed (PROTOCOL-v0.6.md §11: "a verified-email match binds the existing account at once"). */
  takeover?: boolean;
  /** Where each contract says it (PROTOCOL.md § / PROTOCOL-v0.6.md §). */
  refs: string;
}

export interface FlowComparison {
  id: 'discovery' | 'id-jag' | 'email' | 'anonymous' | 'revocation';
  title: string;
  /** The studio's flow of each profile that this comparison walks (flows.ts / PROFILE_FLOWS). */
  flows: { 'v0.1': string | null; 'v0.6': string | null };
  rows: ChangeRow[];
}

const SAME_API = 'GET /api/resource, Authorization: Bearer <token>';

export const WHAT_CHANGED: FlowComparison[] = [
  {
    id: 'discovery', title: 'Discovery', flows: { 'v0.1': null, 'v0.6': null },
    rows: [
      {
        step: 'Call the API without a credential',
        v01: { call: 'Agent → GET /api/resource', answer: '401, WWW-Authenticate: Bearer resource_metadata="…"' },
        v06: { call: 'Agent → GET /api/resource', answer: '401, WWW-Authenticate: Bearer resource_metadata="…" (unchanged)' },
        refs: '§1 / §1',
      },
      {
        step: 'Read the AS metadata',
        v01: { call: 'Agent → GET /.well-known/oauth-authorization-server', answer: 'agent_auth: register_uri, claim_uri, revocation_uri, credential_types_supported, anonymous block' },
        v06: { call: 'Agent → GET /.well-known/oauth-authorization-server', answer: 'agent_auth: identity_endpoint, claim_endpoint, events_endpoint; identity_types_supported adds service_auth; grant_types_supported adds the claim grant; revocation_endpoint, jwks_uri' },
        why: 'Registration became identity: the service now signs its own assertion and hands out tokens at /oauth2/token.',
        refs: '§1 / §1, §11',
      },
      {
        step: 'Read AUTH.md',
        v01: { call: 'Agent → GET /auth.md', answer: 'the v0.1 skill: one {error, message} envelope' },
        v06: { call: 'Agent → GET /auth.md', answer: 'the v0.6 skill: four error envelopes ({error, message}; RFC 6749 {error, error_description}; RFC 8935 {err, description}; HTML pages)' },
        refs: '§1 / top, §11',
      },
    ],
  },
  {
    id: 'id-jag', title: 'ID-JAG', flows: { 'v0.1': 'id-jag', 'v0.6': 'id-jag' },
    rows: [
      {
        step: 'Ask the provider for consent',
        v01: { call: 'Agent → POST <provider>/consent/requests', body: '{audience, resource_name, revocation_uri}', answer: '201 {request_id, consent_url}' },
        v06: { call: 'Agent → POST <provider>/consent/requests', body: '{audience, resource_name, events_uri}', answer: '201 {request_id, consent_url}' },
        why: 'The grant names where revocations go: a SET to events_uri instead of a logout token to revocation_uri.',
        refs: '§6 / §6',
      },
      {
        step: 'Get an ID-JAG',
        v01: { call: 'Agent → POST <provider>/id-jag', body: '{audience: <AS issuer>}', answer: '200 {assertion}; auth_time optional' },
        v06: { call: 'Agent → POST <provider>/id-jag', body: '{audience: <AS issuer>}', answer: '200 {assertion}; always carries auth_time (the last sign-in)' },
        refs: '§6 / §6',
      },
      {
        step: 'Register with the ID-JAG',
        v01: { call: 'Agent → POST /agent/auth', body: '{type:"identity_assertion", assertion_type:"…:id-jag", assertion, requested_credential_type}', answer: '200 {registration_type:"agent-provider", credential, credential_type, credential_expires, scopes}' },
        v06: { call: 'Agent → POST /agent/identity', body: '{type:"identity_assertion", assertion_type:"…:id-jag", assertion}', answer: '200 {registration_type:"identity_assertion", identity_assertion, assertion_expires, scopes} — no token yet' },
        refs: '§2 / §2',
      },
      {
        step: 'The verified email matches an existing account',
        v01: { call: 'Agent → POST /agent/auth', body: '(same ID-JAG, email of an existing account)', answer: '200 with a credential: the account is linked at once, nobody asked its holder' },
        v06: { call: 'Agent → POST /agent/identity', body: '(same ID-JAG, email of an existing account)', answer: '401 interaction_required + claim {user_code, verification_uri}: the account holder must sign in at the service and confirm' },
        why: 'Any trusted provider can assert email_verified for any address; v0.1 lets it take over that account. v0.5 closed the hole.',
        takeover: true,
        refs: '§2 user matching / §2 step-up, §11',
      },
      {
        step: 'A stale sign-in at the provider',
        v01: { call: 'Agent → POST /agent/auth', body: '(ID-JAG with an old or no auth_time)', answer: '200 (auth_time is optional); an amr policy may answer 400 insufficient_user_authentication' },
        v06: { call: 'Agent → POST /agent/identity', body: '(ID-JAG with auth_time older than an hour)', answer: '401 login_required, max_age=3600: sign in at the provider again' },
        refs: '§2 / §2 row 12',
      },
      {
        step: 'Get an access token',
        v01: null,
        v06: { call: 'Agent → POST /oauth2/token', body: 'grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<service assertion>', answer: '200 {access_token:"at_…", token_type:"Bearer", expires_in, scope}' },
        why: 'RFC 7523: the service exchanges its own signed assertion; a provider ID-JAG here is invalid_grant.',
        refs: '— / §5',
      },
      {
        step: 'Use the API',
        v01: { call: `Agent → ${SAME_API}`, answer: '200 {…} with the credential from registration' },
        v06: { call: `Agent → ${SAME_API}`, answer: '200 {message, user, credential:{scope, source:"identity_assertion", registration_id, iss, sub, aud}} with the at_ token' },
        refs: '§1 / §1',
      },
    ],
  },
  {
    id: 'email', title: 'Email (verified email → service auth)', flows: { 'v0.1': 'verified-email', 'v0.6': 'service-auth' },
    rows: [
      {
        step: 'Register with your email',
        v01: { call: 'Agent → POST /agent/auth', body: '{type:"identity_assertion", assertion_type:"verified_email", assertion:"<email>", requested_credential_type}', answer: '200 {registration_type:"email-verification", claim_token, …}; the service mails you a link' },
        v06: { call: 'Agent → POST /agent/identity', body: '{type:"service_auth", login_hint:"<email>"}', answer: '200 {registration_type:"service_auth", claim_token, claim:{user_code, verification_uri, interval, expires_in}}; no mail' },
        refs: '§2 / §2, §11',
      },
      {
        step: 'You reach the service',
        v01: { call: 'You → GET /agent/auth/claim/view?token=…', body: '(the link in the claim email)', answer: '200 claim page; opening it mints no code' },
        v06: { call: 'You → GET /login?return_to=/claim?claim_attempt_token=cvt_…', body: '(the link the agent hands you)', answer: '200 sign-in form; POST /login {email} → 302 /claim, session cookie' },
        why: 'No mail at all in v0.6: you prove the account by signing in at the service itself.',
        refs: '§3 / §3, §8',
      },
      {
        step: 'The code',
        v01: { call: 'Claim page → POST /agent/auth/claim/attempt/challenge', body: '{claim_attempt_token}', answer: '200 {type:"otp", challenge:"<6 digits>"}: you read it to the agent' },
        v06: { call: '(minted at registration)', answer: 'user_code, 6 digits: the agent shows it to you' },
        why: 'RFC 8628: the code travels from the agent to the person, not back.',
        refs: '§3 / §3',
      },
      {
        step: 'Confirm the claim',
        v01: { call: 'Agent → POST /agent/auth/claim/complete', body: '{claim_token, otp}', answer: '200 {status:"claimed", credential, credential_type, scopes}; OTP errors as JSON' },
        v06: { call: 'You → POST /agent/identity/claim/complete (form)', body: 'claim_attempt_token, user_code', answer: '200 "All set" page; a wrong code is 401, wrong account 403, locked 429 (HTML)' },
        refs: '§3 / §3',
      },
      {
        step: 'The agent learns you confirmed',
        v01: null,
        v06: { call: 'Agent → POST /oauth2/token (polls at interval)', body: 'grant_type=urn:workos:agent-auth:grant-type:claim&claim_token=clm_…', answer: '400 authorization_pending until you confirm, then 200 {access_token, identity_assertion, scope}' },
        refs: '— / §5',
      },
      {
        step: 'Use the API',
        v01: { call: `Agent → ${SAME_API}`, answer: '200 with the credential from complete' },
        v06: { call: `Agent → ${SAME_API}`, answer: '200 {…, credential:{source:"service_auth", …}} with the at_ token' },
        refs: '§1 / §1',
      },
    ],
  },
  {
    id: 'anonymous', title: 'Anonymous, then claimed', flows: { 'v0.1': 'anonymous', 'v0.6': 'anonymous' },
    rows: [
      {
        step: 'Register anonymously',
        v01: { call: 'Agent → POST /agent/auth', body: '{type:"anonymous", requested_credential_type:"api_key"}', answer: '200 {credential:"sk_test_…", scopes:["api.read"], claim_token, claim_url}' },
        v06: { call: 'Agent → POST /agent/identity', body: '{type:"anonymous"}', answer: '200 {identity_assertion, assertion_expires, pre_claim_scopes:["api.read"], claim_token, claim_url}' },
        refs: '§2 / §2',
      },
      {
        step: 'Try the read-only key',
        v01: { call: `Agent → ${SAME_API}`, answer: '200 with the sk_test_ key' },
        v06: { call: 'Agent → POST /oauth2/token (jwt-bearer), then GET /api/resource', body: 'grant_type=…jwt-bearer&assertion=<v1 assertion>', answer: '200 {access_token:"at_…", scope:"api.read"}, then 200 with user: null' },
        refs: '§1 / §5, §1',
      },
      {
        step: 'Start the claim',
        v01: { call: 'Agent → POST /agent/auth/claim', body: '{claim_token, email}', answer: '200 {claim_attempt_id, status:"initiated", expires_at}; mails you a link' },
        v06: { call: 'Agent → POST /agent/identity/claim', body: '{claim_token, email}', answer: '200 {claim_attempt_id, status:"initiated", claim_attempt:{user_code, verification_uri, interval}}; no mail' },
        refs: '§3 / §3',
      },
      {
        step: 'You confirm',
        v01: { call: 'You → open the mail, GET …/claim/view, reveal the code; Agent → POST /agent/auth/claim/complete', body: '{claim_token, otp}', answer: '200 {status:"claimed"}: the same key gains api.write' },
        v06: { call: 'You → /login, then /claim, POST /agent/identity/claim/complete', body: 'claim_attempt_token, user_code', answer: '"All set"; pre-claim tokens are revoked' },
        refs: '§3 / §3',
      },
      {
        step: 'The agent gets its new token',
        v01: null,
        v06: { call: 'Agent → POST /oauth2/token (claim grant)', body: 'grant_type=urn:workos:agent-auth:grant-type:claim&claim_token=clm_…', answer: '200 {access_token (api.read api.write), identity_assertion (v2)}' },
        refs: '— / §5',
      },
      {
        step: 'Write through the API',
        v01: { call: 'Agent → POST /api/resource', answer: '201 with the same key' },
        v06: { call: 'Agent → POST /api/resource', answer: '201 with the new at_ token' },
        refs: '§1 / §1',
      },
    ],
  },
  {
    id: 'revocation', title: 'Revocation', flows: { 'v0.1': 'revocation', 'v0.6': 'revocation' },
    rows: [
      {
        step: 'You revoke the grant at the provider',
        v01: { call: 'You → DELETE <provider>/grants/:id', answer: '204 once the service took the logout token' },
        v06: { call: 'You → DELETE <provider>/grants/:id', answer: '204 once the service took the SET; else 500 revocation_failed and the grant is kept' },
        refs: '§6 / §6',
      },
      {
        step: 'The provider tells the service',
        v01: { call: 'Provider → POST /agent/auth/revoke', body: 'logout token (typ logout+jwt), application/logout+jwt', answer: '200 {"revoked": n}; errors 400 {error, message}' },
        v06: { call: 'Provider → POST /agent/event/notify', body: 'SET (typ secevent+jwt, RFC 8417), application/secevent+jwt', answer: '202, empty body; errors 400 {err, description} (RFC 8935)' },
        refs: '§4 / §4, §11',
      },
      {
        step: 'What stops working',
        v01: { call: '(the service)', answer: 'the credentials of (iss, sub, aud)' },
        v06: { call: '(the service)', answer: 'the access tokens, the registration and its assertions, and the (iss, sub) delegation' },
        refs: '§4 / §4',
      },
      {
        step: 'The agent calls the API again',
        v01: { call: `Agent → ${SAME_API}`, answer: '401 invalid_token: discover again, ask for consent anew' },
        v06: { call: `Agent → ${SAME_API}`, answer: '401 invalid_token; re-exchanging the assertion gets invalid_grant' },
        refs: '§1 / §1, §5',
      },
    ],
  },
];

/** The comparison that walks `flow` (a studio flow id of either profile), or the first one. */
export function comparisonForFlow(flow: string | undefined): FlowComparison {
  return WHAT_CHANGED.find((c) => c.flows['v0.1'] === flow || c.flows['v0.6'] === flow) ?? WHAT_CHANGED[1];
}
