import { parseWwwAuthenticate } from '../../../agent/discovery.js';
import { brief } from '../http.js';
import type { CheckContext } from '../context.js';
import { fail, info, must, type Check } from '../types.js';
import { anonymousRegistration } from './registration.js';
import { expectError } from './expect.js';

const api = (ctx: CheckContext) => `${ctx.opts.serviceUrl.replace(/\/+$/, '')}/api/resource`;

export const resourceChecks: Check<CheckContext>[] = [
  {
    id: 'resource.invalid_token',
    title: 'An unknown bearer token → 401 with error="invalid_token" in WWW-Authenticate',
    group: 'resource', target: 'service', profiles: ['v0.1', 'v0.6'],
    spec: { protocol: 'PROTOCOL.md §1; PROTOCOL-v0.6.md §1 (error="invalid_token" is beyond there)', rfc: 'RFC 6750 §3, §3.1' },
    remedy: 'Answer a bad credential with `WWW-Authenticate: Bearer resource_metadata="…", error="invalid_token"`.',
    async run(ctx) {
      const res = await ctx.http.get(api(ctx), { bearer: 'sk_test_conformance_not_a_real_key' });
      must(res.status === 401, `wanted 401, got ${brief(res)}`);
      const c = parseWwwAuthenticate(res.headers.get('www-authenticate'));
      must(c, 'the 401 has no WWW-Authenticate header (RFC 6750 §3: it MUST)');
      // PROTOCOL-v0.6.md §1: the error parameter is a rule we add (beyond); the reference omits it.
      if (ctx.opts.profile === 'v0.6' && !c.params.error) return info(`the 401 challenge has no error="invalid_token" (${res.headers.get('www-authenticate')}); a rule we add in v0.6`);
      must(c.params.error === 'invalid_token', `WWW-Authenticate error is ${JSON.stringify(c.params.error)}, not "invalid_token"`);
      must(c.params.resource_metadata, 'WWW-Authenticate lacks resource_metadata (RFC 9728 §5.1)');
    },
  },
  {
    id: 'resource.read',
    title: 'A pre-claim API key reads the resource (api.read)',
    group: 'resource', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §1 (resource API), §2' },
    async run(ctx) {
      const reg = await anonymousRegistration(ctx);
      const res = await ctx.http.get(api(ctx), { bearer: reg.credential });
      must(res.status === 200, `GET with the fresh API key → ${brief(res)}`);
      must(res.json && typeof res.json === 'object', `the answer is not JSON: ${brief(res)}`);
    },
  },
  {
    id: 'resource.insufficient_scope',
    title: 'A pre-claim key writing → 403 with error="insufficient_scope", scope="api.write"',
    group: 'resource', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §1', rfc: 'RFC 6750 §3.1' },
    remedy: 'Answer too few scopes with 403 and `WWW-Authenticate: Bearer error="insufficient_scope", scope="api.write"`.',
    async run(ctx) {
      const reg = await anonymousRegistration(ctx);
      if (reg.scopes.includes('api.write')) fail(`the pre-claim key already has api.write (${JSON.stringify(reg.scopes)}); nothing to refuse`);
      const res = await ctx.http.post(api(ctx), { bearer: reg.credential, json: { note: 'conformance' } });
      if (res.status === 404 || res.status === 405) fail(`the API has no write endpoint: POST ${api(ctx)} → ${brief(res)}; PROTOCOL.md §1 has POST need api.write`);
      expectError(res, 403, 'insufficient_scope', 'POST /api/resource with api.read only');
      const c = parseWwwAuthenticate(res.headers.get('www-authenticate'));
      must(c, 'the 403 has no WWW-Authenticate header');
      must(c.params.error === 'insufficient_scope', `WWW-Authenticate error is ${JSON.stringify(c.params.error)}, not "insufficient_scope"`);
      must((c.params.scope ?? '').split(' ').includes('api.write'), `WWW-Authenticate scope is ${JSON.stringify(c.params.scope)}; it must name api.write`);
    },
  },
];
