import { ID_JAG_TYP, LOGOUT_TOKEN_TYP } from '../protocol/constants.js';
import { SET_TYP } from '../protocol/v0.6/constants.js';

/**
 * Plain-language explanations of the JWT claims and JOSE header fields this protocol uses, for the
 * inspector. One line each, written for someone meeting ID-JAGs and logout tokens for the first time.
 * A claim means different things in different tokens (an id_token's `aud` is the agent, an
 * ID-JAG's is the service), so the lines that differ are given per kind of token.
 */

/** The kinds of JWT that cross the wire in this protocol. */
export type TokenKind = 'id-jag' | 'service-assertion' | 'logout-token' | 'security-event' | 'id-token' | 'jwt';

/** Which kind a decoded JWT is: by its `typ` (RFC 8725 §3.11), else by what only that kind carries. */
export function tokenKind(header: Record<string, unknown>, claims: Record<string, unknown>): TokenKind {
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : '';
  // PROTOCOL-v0.6.md §2: a v0.6 service signs its own assertion with the ID-JAG typ, addressed to itself.
  if (typ === ID_JAG_TYP) return typeof claims.iss === 'string' && claims.iss === claims.aud ? 'service-assertion' : 'id-jag';
  // RFC 8417 §2.3 (v0.6 revocation) vs OIDC Back-Channel Logout §2.4 (v0.1): both carry `events`.
  if (typ === SET_TYP) return 'security-event';
  if (typ === LOGOUT_TOKEN_TYP || (claims.events && typeof claims.events === 'object')) return 'logout-token';
  // OpenID Connect Core §2: an ID token says when and how the user logged in, to the client that asked.
  if ('nonce' in claims || 'at_hash' in claims || ('auth_time' in claims && !('resource' in claims))) return 'id-token';
  return 'jwt';
}

const BY_KIND: Partial<Record<TokenKind, Record<string, string>>> = {
  'id-token': {
    iss: 'Issuer: the provider that logged the user in (OpenID Connect Core §2); the agent, its client, checks it.',
    aud: 'Audience: the client the ID token was issued to — here the agent itself, never a service.',
    exp: 'Expires: after this moment (seconds since 1970) the agent must not accept this ID token.',
    sub: 'Subject: the provider\'s stable id for the user who logged in.',
    nonce: 'Echoes the agent\'s login request, so an ID token cannot be replayed into another login.',
  },
  'logout-token': {
    iss: 'Issuer: the provider that revokes; the service accepts it only from a provider it trusts.',
    aud: 'Audience: the service\'s authorization server issuer, the one the grant was for.',
    exp: 'Expires: a logout token is short-lived; without exp, the service bounds its age by iat.',
    iat: 'Issued at: when the provider revoked; ID-JAGs of the same user and service issued before it are refused too.',
    sub: 'Subject: the user whose grant was withdrawn; every credential the service gave for them ends.',
  },
  'security-event': {
    iss: 'Issuer: the provider that revokes (RFC 8417 §2.2); the service accepts it only from a provider it trusts.',
    aud: 'Audience: the service\'s authorization server issuer, the one the grant was for.',
    iat: 'Issued at: when the provider revoked. A v0.6 service does not check it; the jti alone stops a replay.',
    sub: 'Subject: the provider\'s id for the user; the service ends every token, registration and link of (iss, sub, aud).',
    jti: 'SET ID: a unique id; the service refuses the same event twice (RFC 8417 §2.2).',
    events: 'What happened, keyed by event schema URI: here, that the user withdrew the agent\'s right to assert their identity.',
  },
  'service-assertion': {
    iss: 'Issuer: the service itself — in v0.6 the service signs its own assertion for the agent (PROTOCOL-v0.6.md §2).',
    aud: 'Audience: the service again: only its own token endpoint accepts this assertion (RFC 7523 jwt-bearer).',
    sub: 'Subject: the registration id; the token endpoint issues access tokens for that registration.',
    exp: 'Expires: until then the agent may exchange it again and again for fresh access tokens (serviceAssertionTtlSeconds).',
    jti: 'JWT ID: names this assertion in the service\'s records; the token endpoint does not track it.',
    email: 'The email the service knows for the registration: copied from the ID-JAG, or the claimed account\'s.',
  },
};


const EXPLANATIONS: Record<string, string> = {
  // JOSE header (RFC 7515 §4.1)
  alg: 'Signing algorithm (e.g. ES256); the service only accepts asymmetric ones, never "none" or HS*.',
  kid: 'Key ID: which key in the issuer\'s JWKS signed this token, so the verifier can pick it.',
  typ: 'Token type: "oauth-id-jag+jwt" for an ID-JAG, "logout+jwt" for a logout token, "secevent+jwt" for a security event, so one can never pass for another.',
  // Registered claims (RFC 7519 §4.1)
  iss: 'Issuer: the agent provider that minted the token; it must be on the service\'s trust list.',
  sub: 'Subject: the provider\'s stable id for the user; with iss it names the person across visits.',
  aud: 'Audience: who the token is for — the service\'s authorization server issuer URL.',
  jti: 'JWT ID: a unique id so the service can refuse the same token a second time (replay).',
  iat: 'Issued at: when the provider minted the token (seconds since 1970).',
  exp: 'Expires: after this moment (seconds since 1970) the token must be refused; ID-JAGs live minutes.',
  // ID-JAG (draft-ietf-oauth-identity-assertion-authz-grant) and OpenID Connect claims
  client_id: 'The agent that asks: the URL of its Client ID Metadata Document, naming its keys.',
  email: 'The user\'s email address, as the provider knows it.',
  email_verified: 'Whether the provider checked the user owns that email; the service requires a verified email or phone.',
  name: 'The user\'s display name.',
  phone_number: 'The user\'s phone number, as the provider knows it.',
  phone_number_verified: 'Whether the provider checked the user owns that phone number.',
  amr: 'Authentication methods used at login, e.g. ["mfa"]; a service may insist on multi-factor.',
  auth_time: 'When the user last actually logged in at the provider (seconds since 1970); a v0.6 service refuses one older than an hour (login_required).',
  resource: 'The API the token is meant for; it must equal the service\'s protected resource URL.',
  scope: 'The permissions asked for, space-separated (e.g. "api.read api.write").',
  agent_platform: 'Which agent product the request comes from, for the service\'s records.',
  agent_context_id: 'An id for the agent\'s conversation or task, to tie the registration to it.',
  // OIDC Back-Channel Logout 1.0 §2.4
  events: 'What happened: here, that the user withdrew the agent\'s right to assert their identity.',
  sid: 'Session ID at the provider; a logout token may name the session instead of (or as well as) the user.',
  nonce: 'A login-request echo used in ID tokens; a logout token must NOT carry one.',
};

/**
 * One line explaining a claim or header field — for that kind of token when it differs; a neutral
 * line for names this protocol does not use.
 */
export function explainClaim(name: string, kind: TokenKind = 'id-jag'): string {
  const own = BY_KIND[kind];
  if (own && Object.hasOwn(own, name)) return own[name];
  return Object.hasOwn(EXPLANATIONS, name) ? EXPLANATIONS[name] : `"${name}" is not a claim this protocol uses; shown as sent.`;
}

/** Every name explainClaim knows, for the inspector's legend. */
export const EXPLAINED_CLAIMS: readonly string[] = Object.keys(EXPLANATIONS);
