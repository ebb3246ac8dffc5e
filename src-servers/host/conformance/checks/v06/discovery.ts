import { EVENT_ASSERTION_REVOKED, GRANT_TYPE_JWT_BEARER, TOKEN_TYPE_ID_JAG } from '../../../../protocol/constants.js';
import { GRANT_TYPE_CLAIM, IDENTITY_TYPES_V06 } from '../../../../protocol/v0.6/constants.js';
import { brief } from '../../http.js';
import { endpoint06, type CheckContext } from '../../context.js';
import { fail, info, must, ok, warn, type Check } from '../../types.js';

/** PROTOCOL-v0.6.md §1: the AS metadata of a v0.6 service, its agent_auth block, AUTH.md and (beyond) its JWKS. */

const P = ['v0.6'] as const;
const agentAuth = (as: Record<string, unknown>) => (as.agent_auth ?? {}) as Record<string, any>;

export const discoveryChecks06: Check<CheckContext>[] = [
  {
    id: 'discovery.as',
    title: 'AS metadata: issuer equals the AS URL, token and revocation endpoints, both grant types, the PRM fields restated',
    group: 'discovery', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §1', rfc: 'RFC 8414 §2, §3.3; RFC 7009 §4' },
    remedy: 'Serve issuer (the AS URL exactly, no trailing /), token_endpoint, revocation_endpoint, grant_types_supported with jwt-bearer and the claim grant, and restate resource, authorization_servers, scopes_supported, bearer_methods_supported.',
    async run({ http, shared }) {
      const { as, asUrl, prm } = await shared.discovered(http, true);
      must(typeof as.issuer === 'string', 'the AS metadata has no "issuer" (REQUIRED by RFC 8414 §2)');
      must(as.issuer === asUrl && !as.issuer.endsWith('/'), `issuer is ${JSON.stringify(as.issuer)}; it must equal ${JSON.stringify(asUrl)} exactly, with no trailing /`);
      for (const f of ['token_endpoint', 'revocation_endpoint']) must(typeof as[f] === 'string' && URL.canParse(as[f] as string), `${f} is missing or not a URL`);
      const grants = (as.grant_types_supported ?? []) as string[];
      for (const g of [GRANT_TYPE_JWT_BEARER, GRANT_TYPE_CLAIM]) must(grants.includes(g), `grant_types_supported lacks ${g}`);
      const differ = ['resource', 'authorization_servers', 'scopes_supported', 'bearer_methods_supported'].filter((f) => JSON.stringify(as[f]) !== JSON.stringify(prm[f]));
      must(differ.length === 0, `the AS metadata does not restate the PRM's ${differ.join(', ')}`);
    },
  },
  {
    id: 'discovery.agent_auth',
    title: 'agent_auth names skill, identity, claim and events endpoints, the identity types, ID-JAG only, the revoked event — and nothing of v0.1',
    group: 'discovery', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §1 (agent_auth table), §11' },
    remedy: 'Serve the v0.6 agent_auth block: skill, identity_endpoint, claim_endpoint, events_endpoint, identity_types_supported, identity_assertion.assertion_types_supported, events_supported; drop register_uri, claim_uri, revocation_uri, the anonymous block and credential_types_supported.',
    async run({ http, shared }) {
      const aa = agentAuth((await shared.discovered(http)).as);
      for (const f of ['skill', 'identity_endpoint', 'claim_endpoint', 'events_endpoint']) must(typeof aa[f] === 'string' && URL.canParse(aa[f]), `agent_auth.${f} is missing or not a URL`);
      const types = aa.identity_types_supported;
      must(Array.isArray(types) && types.length > 0, 'agent_auth.identity_types_supported is missing or empty');
      const unknown = types.filter((t: string) => !(IDENTITY_TYPES_V06 as readonly string[]).includes(t));
      must(unknown.length === 0, `identity_types_supported has unknown types ${JSON.stringify(unknown)}`);
      must(JSON.stringify(aa.identity_assertion?.assertion_types_supported) === JSON.stringify([TOKEN_TYPE_ID_JAG]), `identity_assertion.assertion_types_supported is ${JSON.stringify(aa.identity_assertion?.assertion_types_supported)}, not ["${TOKEN_TYPE_ID_JAG}"]`);
      must((aa.events_supported ?? []).includes(EVENT_ASSERTION_REVOKED), `events_supported lacks ${EVENT_ASSERTION_REVOKED}`);
      const v01 = ['register_uri', 'claim_uri', 'revocation_uri', 'anonymous'].filter((f) => f in aa);
      if ('credential_types_supported' in (aa.identity_assertion ?? {})) v01.push('identity_assertion.credential_types_supported');
      if (v01.length) fail(`agent_auth still carries v0.1 fields: ${v01.join(', ')} (PROTOCOL-v0.6.md §1: "Nothing else")`);
      if (types.length < IDENTITY_TYPES_V06.length) return info(`identity types offered: ${types.join(', ')} (the checks of the others are skipped)`);
    },
  },
  {
    id: 'discovery.auth_md',
    title: 'AUTH.md is served as text/markdown and names the v0.6 endpoints',
    group: 'discovery', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §1 (agent_auth.skill)' },
    remedy: 'Serve the v0.6 skill document at agent_auth.skill as text/markdown, naming identity_endpoint, claim_endpoint and the token endpoint.',
    async run({ http, shared }) {
      const d = await shared.discovered(http);
      const skill = agentAuth(d.as).skill;
      must(typeof skill === 'string', 'agent_auth.skill is missing');
      const res = await http.get(skill, { headers: { accept: 'text/markdown' } });
      must(res.status === 200, `GET ${skill} → ${brief(res)}`);
      must(/^text\/markdown/i.test(res.contentType), `GET ${skill} is ${res.contentType || 'untyped'}, not text/markdown`);
      const named = (u: string) => res.text.includes(u) || (URL.canParse(u) && res.text.includes(new URL(u).pathname));
      const absent = [endpoint06(d, 'identity_endpoint'), endpoint06(d, 'claim_endpoint'), endpoint06(d, 'token_endpoint')].filter((u) => !named(u));
      if (absent.length) fail(`AUTH.md does not name ${absent.join(', ')}`);
      return ok(`AUTH.md (${res.text.length} chars) names the identity, claim and token endpoints`);
    },
  },
  {
    id: 'discovery.cache',
    title: 'Both metadata documents are cacheable (Cache-Control max-age)',
    group: 'discovery', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §1 (Cache-Control: public, max-age=300)', rfc: 'RFC 9111 §5.2.2.1' },
    async run({ http, shared }) {
      const d = await shared.discovered(http);
      const missing: string[] = [];
      for (const url of [d.prmUrl, `${new URL(d.asUrl).origin}/.well-known/oauth-authorization-server${new URL(d.asUrl).pathname.replace(/\/$/, '')}`]) {
        const res = await http.get(url);
        if (!/max-age=\d+/.test(res.headers.get('cache-control') ?? '')) missing.push(`${url} (${res.headers.get('cache-control') ?? 'no Cache-Control'})`);
      }
      if (missing.length) return warn(`no max-age on ${missing.join(', ')}: agents refetch discovery on every run`);
    },
  },
  {
    id: 'discovery.jwks',
    title: '(beyond) The AS publishes the keys that sign its identity assertions',
    group: 'discovery', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §1 (jwks_uri, beyond)', rfc: 'RFC 8414 §2 (jwks_uri), RFC 7517 §5' },
    async run({ http, shared }) {
      const d = await shared.discovered(http);
      const url = typeof d.as.jwks_uri === 'string' ? d.as.jwks_uri : `${d.asUrl.replace(/\/+$/, '')}/.well-known/jwks.json`;
      const res = await http.get(url);
      if (res.status === 404 && typeof d.as.jwks_uri !== 'string') return info(`no jwks_uri and ${url} → 404: the service's assertions cannot be verified by others (a rule we add; the reference has none)`);
      must(res.status === 200 && Array.isArray(res.json?.keys) && res.json.keys.length > 0, `GET ${url} → ${brief(res)}`);
      for (const k of res.json.keys) {
        must(typeof k.kid === 'string', `a key has no kid: ${JSON.stringify(k)}`);
        must(!('d' in k), `key ${k.kid} publishes its private part`);
      }
      return ok(`${res.json.keys.length} key(s) at ${url}`);
    },
  },
];
