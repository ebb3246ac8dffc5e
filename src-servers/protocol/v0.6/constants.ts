/**
 * Wire constants that v0.6 adds or renames (docs/PROTOCOL-v0.6.md). What both profiles share
 * (the ID-JAG token type and typ, the jwt-bearer grant, scopes, the revoked-assertion event URI)
 * stays in ../constants.ts; §11 of PROTOCOL-v0.6.md is the full change table.
 */

/** PROTOCOL-v0.6.md §5 — the claim grant the agent polls, RFC 8628-style. */
export const GRANT_TYPE_CLAIM = 'urn:workos:agent-auth:grant-type:claim';
/** RFC 8417 §2.3 — JOSE `typ` of a Security Event Token. */
export const SET_TYP = 'secevent+jwt';
/** RFC 8935 §2 — media type of a pushed SET. */
export const SET_CONTENT_TYPE = 'application/secevent+jwt';

/** PROTOCOL-v0.6.md §2 — `type` of POST /agent/identity (and `registration_type` in its answers). */
export const IDENTITY_TYPES_V06 = ['anonymous', 'identity_assertion', 'service_auth'] as const;
export type IdentityTypeV06 = (typeof IDENTITY_TYPES_V06)[number];

/** PROTOCOL-v0.6.md §2–§5 — prefixes of the opaque values v0.6 hands out. */
export const PREFIX_V06 = {
  registration: 'reg_',
  claimToken: 'clm_',
  claimAttempt: 'cla_',
  claimAttemptToken: 'cvt_',
  accessToken: 'at_',
  serviceAssertionJti: 'jti_',
} as const;

/** Service paths of a v0.6 service (PROTOCOL-v0.6.md §1–§5). The agent never uses these: it discovers them. */
export const SERVICE_PATHS_V06 = {
  resource: '/api/resource',
  protectedResourceMetadata: '/.well-known/oauth-protected-resource',
  authorizationServerMetadata: '/.well-known/oauth-authorization-server',
  jwks: '/.well-known/jwks.json',
  authMd: '/auth.md',
  identity: '/agent/identity',
  claim: '/agent/identity/claim',
  claimComplete: '/agent/identity/claim/complete',
  events: '/agent/event/notify',
  token: '/oauth2/token',
  revoke: '/oauth2/revoke',
  login: '/login',
  logout: '/logout',
  claimPage: '/claim',
} as const;

/** PROTOCOL-v0.6.md §6 — the grant field that names where the provider sends revocations, per profile. */
export const GRANT_EVENTS_URI = 'events_uri';
