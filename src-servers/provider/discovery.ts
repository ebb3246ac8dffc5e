import { Router } from 'express';
import {
  GRANT_TYPE_JWT_BEARER,
  GRANT_TYPE_TOKEN_EXCHANGE,
  PROVIDER_PATHS,
  TOKEN_TYPE_ID_JAG,
  TOKEN_TYPE_ID_TOKEN,
} from '../protocol/constants.js';
import type { ProviderContext } from './context.js';
import { html, layout } from './pages.js';
import { sendPage } from './http.js';
import { listUsers } from './users.js';

/** How long others may cache our metadata documents. */
const METADATA_MAX_AGE_SECONDS = 300;

/** OIDC Discovery 1.0 §3 — what a relying party needs to verify our tokens and reach our token endpoint. */
export function openidConfiguration(ctx: ProviderContext) {
  const at = (path: string) => `${ctx.issuer}${path}`;
  return {
    issuer: ctx.issuer,
    jwks_uri: at(PROVIDER_PATHS.jwks),
    token_endpoint: at(PROVIDER_PATHS.token),
    grant_types_supported: [GRANT_TYPE_TOKEN_EXCHANGE],
    token_endpoint_auth_methods_supported: ['none'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    claims_supported: ['iss', 'sub', 'aud', 'iat', 'exp', 'auth_time', 'amr', 'email', 'email_verified', 'name', 'sid'],
    // RFC 8693 — what our token exchange accepts and issues.
    subject_token_types_supported: [TOKEN_TYPE_ID_TOKEN],
    requested_token_types_supported: [TOKEN_TYPE_ID_JAG],
    // Ours, not standard: the session-based endpoints an agent uses (PROTOCOL.md §6).
    login_endpoint: at(PROVIDER_PATHS.login),
    id_jag_endpoint: at(PROVIDER_PATHS.idJag),
    grants_endpoint: at(PROVIDER_PATHS.grants),
    consent_endpoint: at(PROVIDER_PATHS.consent),
    consent_requests_endpoint: at(`${PROVIDER_PATHS.consent}/requests`),
  };
}

/**
 * The Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document): its own URL is
 * its `client_id`, and that URL is the `client_id` claim of every ID-JAG we mint. A service checks
 * that the document's `jwks_uri` is the issuer's (PROTOCOL.md §2 `invalid_client_id`).
 */
export function clientMetadata(ctx: ProviderContext) {
  return {
    client_id: ctx.clientId,
    client_name: 'Studio Agent (via Agent Provider)',
    client_uri: ctx.issuer,
    jwks_uri: `${ctx.issuer}${PROVIDER_PATHS.jwks}`,
    grant_types: [GRANT_TYPE_JWT_BEARER],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'none',
    software_id: 'agentic-registration-studio',
  };
}

export function discoveryRoutes(ctx: ProviderContext): Router {
  const router = Router();
  const cache = `public, max-age=${METADATA_MAX_AGE_SECONDS}`;

  router.get(PROVIDER_PATHS.openidConfiguration, (_req, res) => {
    res.set('Cache-Control', cache).json(openidConfiguration(ctx));
  });

  router.get(PROVIDER_PATHS.cimd, (_req, res) => {
    res.set('Cache-Control', cache).json(clientMetadata(ctx));
  });

  // A landing page so a person who opens the provider's URL learns what it is.
  router.get('/', (_req, res) => {
    const link = (path: string) => html`<a href="${path}"><code>${path}</code></a>`;
    const users = listUsers(ctx).map(
      (u) => html`<tr><td><code>${u.email}</code></td><td>${u.email_verified ? 'verified' : 'not verified'}</td><td><code>${u.amr.join(', ')}</code></td></tr>`,
    );
    sendPage(
      res,
      200,
      layout(
        'Agent Provider',
        html`<h1>Agent Provider</h1>
<p>This is the agent's identity provider in the Agentic Registration Studio. With the user's consent it vouches
for them to services by minting <strong>ID-JAGs</strong> (Identity Assertion JWT Authorization Grants), and it tells
a service when the user withdraws that consent (a back-channel logout token to a v0.1 service, a Security Event
Token to a v0.6 one).</p>
<p class="muted">Issuer: <span class="url">${ctx.issuer}</span></p>
<h2>Endpoints</h2>
<table>
<tr><td>${link(PROVIDER_PATHS.openidConfiguration)}</td><td>OpenID discovery</td></tr>
<tr><td>${link(PROVIDER_PATHS.jwks)}</td><td>public signing keys (ES256)</td></tr>
<tr><td>${link(PROVIDER_PATHS.cimd)}</td><td>client metadata; its URL is the <code>client_id</code> in every ID-JAG</td></tr>
<tr><td><code>POST ${PROVIDER_PATHS.login}</code></td><td>sign in a seeded user → session token + ID token</td></tr>
<tr><td><code>POST ${PROVIDER_PATHS.consent}/requests</code></td><td>ask the user for consent; they answer on the consent page</td></tr>
<tr><td><code>GET/POST/DELETE ${PROVIDER_PATHS.grants}</code></td><td>the user's consents; deleting one notifies the service</td></tr>
<tr><td><code>POST ${PROVIDER_PATHS.idJag}</code></td><td>mint an ID-JAG for a service the user approved</td></tr>
<tr><td><code>POST ${PROVIDER_PATHS.token}</code></td><td>the same, as an RFC 8693 token exchange of the ID token</td></tr>
</table>
<h2>Seeded users</h2>
<table><tr><th>user</th><th>email</th><th>sign-in (amr)</th></tr>${users}</table>`,
        { wide: true },
      ),
    );
  });

  return router;
}
