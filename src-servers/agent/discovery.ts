import { TOKEN_TYPE_ID_JAG } from '../protocol/constants.js';
import type { ProfileId } from '../protocol/profiles.js';
import { GRANT_TYPE_CLAIM } from '../protocol/v0.6/constants.js';

/**
 * What the agent learns by discovery, and the small parsers it uses. Nothing here knows a
 * service path: every URL comes from a header or a metadata document.
 */

/** RFC 9728 — protected resource metadata (the fields the agent uses). */
export interface ProtectedResourceMetadata {
  resource: string;
  resource_name?: string;
  authorization_servers: string[];
  scopes_supported?: string[];
  bearer_methods_supported?: string[];
}

/** RFC 8414 + the `agent_auth` block of PROTOCOL.md §1 (v0.1) or PROTOCOL-v0.6.md §1 (v0.6). */
export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint?: string;
  revocation_endpoint?: string;
  grant_types_supported?: string[];
  agent_auth?: {
    skill?: string;
    /** v0.1 */
    register_uri?: string;
    claim_uri?: string;
    revocation_uri?: string;
    /** v0.6 */
    identity_endpoint?: string;
    claim_endpoint?: string;
    events_endpoint?: string;
    identity_types_supported?: string[];
    anonymous?: { credential_types_supported?: string[] };
    identity_assertion?: { assertion_types_supported?: string[]; credential_types_supported?: string[] };
    events_supported?: string[];
  };
}

export interface WwwAuthenticate {
  scheme: string;
  params: Record<string, string>;
}

/**
 * RFC 9110 §11.6.1 / RFC 6750 §3 — `Bearer resource_metadata="…", error="invalid_token"`.
 * Reads the first challenge only; that is all our service sends.
 */
export function parseWwwAuthenticate(header: string | null): WwwAuthenticate | undefined {
  if (!header) return undefined;
  const m = /^\s*([A-Za-z0-9_!#$%&'*+.^`|~-]+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z0-9_!#$%&'*+.^`|~-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))\s*,?/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[2]))) params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
  return { scheme: m[1], params };
}

/** RFC 8414 §3.3 — the issuer in the document must equal the URL it was derived from. */
export function asMetadataUrl(issuer: string): string {
  const u = new URL(issuer);
  // RFC 8414 §3.1: the well-known segment goes between host and path.
  const path = u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '');
  return `${u.origin}/.well-known/oauth-authorization-server${path}`;
}

/**
 * Which profile a service speaks, from its AS metadata alone (DESIGN.md rule 8): v0.6 names an
 * `identity_endpoint` and lists the claim grant (PROTOCOL-v0.6.md §1); v0.1 names a `register_uri`
 * (PROTOCOL.md §1). Anything else is no agentic registration the agent knows.
 */
export function detectProfile(meta: AuthorizationServerMetadata): ProfileId | undefined {
  const aa = meta.agent_auth;
  if (!aa) return undefined;
  if (typeof aa.identity_endpoint === 'string' && (meta.grant_types_supported ?? []).includes(GRANT_TYPE_CLAIM)) return 'v0.6';
  if (typeof aa.register_uri === 'string') return 'v0.1';
  return undefined;
}

/** The identity types and assertion types a service offers, read from its `agent_auth` block. */
export function offers(meta: AuthorizationServerMetadata) {
  const aa = meta.agent_auth ?? {};
  const identity = aa.identity_types_supported ?? [];
  const assertions = identity.includes('identity_assertion') ? (aa.identity_assertion?.assertion_types_supported ?? []) : [];
  return {
    anonymous: identity.includes('anonymous'),
    idJag: assertions.includes(TOKEN_TYPE_ID_JAG),
    verifiedEmail: assertions.includes('verified_email'),
    // PROTOCOL-v0.6.md §2: v0.6's email path is its own identity type, not an assertion type.
    serviceAuth: identity.includes('service_auth'),
    assertionTypes: assertions,
  };
}
