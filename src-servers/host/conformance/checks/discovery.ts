import { GRANT_TYPE_JWT_BEARER } from '../../../protocol/constants.js';
import { brief } from '../http.js';
import { fail, must, ok, warn, type Check } from '../types.js';
import type { CheckContext } from '../context.js';
import { parseWwwAuthenticate } from '../../../agent/discovery.js';

const EVENT_REVOKED = 'https://schemas.workos.com/events/agent/auth/identity/assertion/revoked';

export const discoveryChecks: Check<CheckContext>[] = [
  {
    id: 'discovery.challenge',
    title: 'GET /api/resource without a credential → 401 with resource_metadata',
    group: 'discovery', target: 'service', profiles: ['v0.1', 'v0.6'],
    spec: { protocol: 'PROTOCOL.md §1, PROTOCOL-v0.6.md §1', rfc: 'RFC 9728 §5.1, RFC 6750 §3' },
    remedy: 'Answer an unauthenticated API call with 401 and `WWW-Authenticate: Bearer resource_metadata="<RS>/.well-known/oauth-protected-resource"`.',
    async run({ http, opts }) {
      const res = await http.get(`${opts.serviceUrl.replace(/\/+$/, '')}/api/resource`);
      must(res.status === 401, `wanted 401, got ${brief(res)}`);
      const challenge = parseWwwAuthenticate(res.headers.get('www-authenticate'));
      must(challenge, 'the 401 has no WWW-Authenticate header');
      must(/^bearer$/i.test(challenge.scheme), `the challenge scheme is ${challenge.scheme}, not Bearer`);
      must(challenge.params.resource_metadata, 'the Bearer challenge has no resource_metadata parameter');
      must(!challenge.params.error, `a request with no credential must not carry error= (RFC 6750 §3.1), got error="${challenge.params.error}"`);
    },
  },
  {
    id: 'discovery.prm',
    title: 'Protected resource metadata has the RFC 9728 and PROTOCOL.md fields',
    group: 'discovery', target: 'service', profiles: ['v0.1', 'v0.6'],
    spec: { protocol: 'PROTOCOL.md §1, PROTOCOL-v0.6.md §1', rfc: 'RFC 9728 §2, §3' },
    async run({ http, shared }) {
      const { prm, prmUrl } = await shared.discovered(http, true);
      must(typeof prm.resource === 'string' && URL.canParse(prm.resource), `${prmUrl}: "resource" is missing or not a URL`);
      must(Array.isArray(prm.authorization_servers) && prm.authorization_servers.length > 0, `${prmUrl}: "authorization_servers" is not a non-empty array`);
      const scopes = prm.scopes_supported ?? [];
      for (const s of ['api.read', 'api.write']) must(scopes.includes(s), `${prmUrl}: scopes_supported lacks ${s}`);
      must(JSON.stringify(prm.bearer_methods_supported) === '["header"]', `${prmUrl}: bearer_methods_supported is ${JSON.stringify(prm.bearer_methods_supported)}, not ["header"]`);
      if (typeof prm.resource_name !== 'string') return warn(`${prmUrl}: no resource_name (PROTOCOL.md §1 lists it; a consent page shows it)`);
    },
  },
  {
    id: 'discovery.as',
    title: 'Authorization server metadata: issuer equals the AS URL, token endpoint, grant types',
    group: 'discovery', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §1, §5', rfc: 'RFC 8414 §2, §3.3' },
    remedy: 'Serve `issuer` equal to the URL in authorization_servers[0], exactly: it is the ID-JAG `aud`.',
    async run({ http, shared }) {
      const { as, asUrl } = await shared.discovered(http);
      must(typeof as.issuer === 'string', `the AS metadata has no "issuer" (REQUIRED by RFC 8414 §2)`);
      must(as.issuer === asUrl, `issuer is ${JSON.stringify(as.issuer)} but the metadata was found for ${JSON.stringify(asUrl)} (RFC 8414 §3.3: they must be identical)`);
      const missing = ['token_endpoint'].filter((f) => typeof as[f] !== 'string');
      const grants = as.grant_types_supported ?? [];
      if (missing.length || !grants.includes(GRANT_TYPE_JWT_BEARER))
        return warn(`no standard ID-JAG grant advertised (${[...missing, ...(grants.includes(GRANT_TYPE_JWT_BEARER) ? [] : [`grant_types_supported without ${GRANT_TYPE_JWT_BEARER}`])].join(', ')}); PROTOCOL.md §5 goes beyond the reference here`);
    },
  },
  {
    id: 'discovery.agent_auth',
    title: 'The agent_auth block names every endpoint and what the service accepts',
    group: 'discovery', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §1 (agent_auth table)' },
    async run({ http, shared }) {
      const { as } = await shared.discovered(http);
      const aa = as.agent_auth;
      must(aa && typeof aa === 'object', 'the AS metadata has no agent_auth block');
      for (const f of ['skill', 'register_uri', 'claim_uri', 'revocation_uri'] as const)
        must(typeof aa[f] === 'string' && URL.canParse(aa[f]), `agent_auth.${f} is missing or not a URL`);
      const types = aa.identity_types_supported;
      must(Array.isArray(types) && types.length > 0, 'agent_auth.identity_types_supported is missing or empty');
      const unknown = types.filter((t) => t !== 'anonymous' && t !== 'identity_assertion');
      must(unknown.length === 0, `identity_types_supported has unknown types ${JSON.stringify(unknown)}`);
      if (types.includes('anonymous'))
        must(JSON.stringify(aa.anonymous?.credential_types_supported) === '["api_key"]', `anonymous.credential_types_supported is ${JSON.stringify(aa.anonymous?.credential_types_supported)}, not ["api_key"]`);
      if (types.includes('identity_assertion')) {
        const at = aa.identity_assertion?.assertion_types_supported;
        must(Array.isArray(at) && at.length > 0, 'identity_assertion.assertion_types_supported is missing or empty');
        const ct = aa.identity_assertion?.credential_types_supported ?? [];
        must(ct.length > 0 && ct.every((c) => c === 'access_token' || c === 'api_key'), `identity_assertion.credential_types_supported is ${JSON.stringify(ct)}`);
      }
      must((aa.events_supported ?? []).includes(EVENT_REVOKED), `events_supported lacks ${EVENT_REVOKED}`);
    },
  },
  {
    id: 'discovery.auth_md',
    title: 'AUTH.md is served as text/markdown and agrees with the metadata',
    group: 'discovery', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §1 (skill)' },
    remedy: 'Serve the skill document at agent_auth.skill as text/markdown, naming the endpoints and identity types the metadata advertises.',
    async run({ http, shared }) {
      const { as } = await shared.discovered(http);
      const skill = as.agent_auth?.skill;
      must(typeof skill === 'string', 'agent_auth.skill is missing');
      const res = await http.get(skill, { headers: { accept: 'text/markdown' } });
      must(res.status === 200, `GET ${skill} → ${brief(res)}`);
      must(/^text\/markdown/i.test(res.contentType), `GET ${skill} is ${res.contentType || 'untyped'}, not text/markdown`);
      must(!res.text.includes('{{'), 'AUTH.md still has unfilled {{…}} placeholders');
      const aa = as.agent_auth ?? {};
      const absent = [aa.register_uri, aa.claim_uri, ...(aa.identity_types_supported ?? []), ...(aa.identity_assertion?.assertion_types_supported ?? [])]
        .filter((s): s is string => typeof s === 'string')
        // An endpoint counts as named by its full URL or by its path (AUTH.md may write paths).
        .filter((s) => !res.text.includes(s) && !(URL.canParse(s) && new URL(s).pathname.length > 1 && res.text.includes(new URL(s).pathname)));
      if (absent.length) fail(`AUTH.md does not mention what the metadata advertises: ${absent.join(', ')}`);
      return ok(`AUTH.md (${res.text.length} chars) names every advertised endpoint and type`);
    },
  },
];
