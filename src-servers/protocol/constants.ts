/** Wire constants of agentic registration (PROTOCOL.md). One place, imported by every role. */

/** RFC 7523 §2.1 — JWT bearer grant type. */
export const GRANT_TYPE_JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** RFC 8693 §2.1 — token exchange grant type. */
export const GRANT_TYPE_TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** ID-JAG draft §3 — the token type of an Identity Assertion JWT Authorization Grant. */
export const TOKEN_TYPE_ID_JAG = 'urn:ietf:params:oauth:token-type:id-jag';
/** RFC 8693 §3 — an OpenID Connect ID token as subject_token. */
export const TOKEN_TYPE_ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';
/** ID-JAG draft §3 — JOSE `typ` header of an ID-JAG. */
export const ID_JAG_TYP = 'oauth-id-jag+jwt';
/** OIDC Back-Channel Logout §2.4 — JOSE `typ` of a logout token. */
export const LOGOUT_TOKEN_TYP = 'logout+jwt';
/** OIDC Back-Channel Logout §2.4 — media type of a logout token body. */
export const LOGOUT_TOKEN_CONTENT_TYPE = 'application/logout+jwt';
/** PROTOCOL.md §4 — the event a logout token carries to revoke an identity assertion. */
export const EVENT_ASSERTION_REVOKED =
  'https://schemas.workos.com/events/agent/auth/identity/assertion/revoked';

/** PROTOCOL.md §2 — `type` of POST /agent/auth. */
export const REGISTRATION_TYPES = ['anonymous', 'identity_assertion'] as const;
export type RegistrationType = (typeof REGISTRATION_TYPES)[number];
/** PROTOCOL.md §2 — `assertion_type` of an identity_assertion registration. */
export const ASSERTION_TYPE_VERIFIED_EMAIL = 'verified_email';
export const ASSERTION_TYPES = [TOKEN_TYPE_ID_JAG, ASSERTION_TYPE_VERIFIED_EMAIL] as const;
export type AssertionType = (typeof ASSERTION_TYPES)[number];
/** PROTOCOL.md §2 — `registration_type` in a registration response. */
export type RegistrationKind = 'anonymous' | 'email-verification' | 'agent-provider';
export const CREDENTIAL_TYPES = ['api_key', 'access_token'] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

export const SCOPE_READ = 'api.read';
export const SCOPE_WRITE = 'api.write';
export const SCOPES_SUPPORTED = [SCOPE_READ, SCOPE_WRITE] as const;

/** Prefixes of opaque secrets (PROTOCOL.md §2, §7). */
export const PREFIX = {
  registration: 'reg_',
  claimToken: 'clm_',
  claimAttempt: 'ca_',
  claimAttemptToken: 'cv_',
  apiKey: 'sk_test_',
  accessToken: 'at_',
  grant: 'grt_',
  session: 'ses_',
  user: 'usr_',
} as const;

/** Service paths (PROTOCOL.md §1–§5). The agent never uses these: it discovers them. */
export const SERVICE_PATHS = {
  resource: '/api/resource',
  protectedResourceMetadata: '/.well-known/oauth-protected-resource',
  authorizationServerMetadata: '/.well-known/oauth-authorization-server',
  authMd: '/auth.md',
  register: '/agent/auth',
  claim: '/agent/auth/claim',
  claimView: '/agent/auth/claim/view',
  claimChallenge: '/agent/auth/claim/attempt/challenge',
  claimComplete: '/agent/auth/claim/complete',
  revoke: '/agent/auth/revoke',
  token: '/oauth2/token',
} as const;

/** Provider paths (PROTOCOL.md §6). */
export const PROVIDER_PATHS = {
  jwks: '/.well-known/jwks.json',
  openidConfiguration: '/.well-known/openid-configuration',
  cimd: '/agent-auth.json',
  login: '/login',
  grants: '/grants',
  consent: '/consent',
  idJag: '/id-jag',
  token: '/oauth2/token',
  /** The bundled provider's teaching extension (provider/lessons.ts); no real provider has it. */
  lessonIdJag: '/lessons/id-jag',
} as const;

/** Mailbox paths (PROTOCOL.md §8). */
export const MAILBOX_PATHS = { messages: '/messages' } as const;

/** Request bodies above this size answer 413 `payload_too_large`. */
export const MAX_BODY_BYTES = 64 * 1024;
