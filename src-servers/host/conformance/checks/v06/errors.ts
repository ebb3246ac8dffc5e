import { EVENT_ERRORS_V06, HTTP_ERROR_STATUS_V06, IDENTITY_ERROR_STATUS_V06, RESOURCE_ERROR_STATUS_V06, TOKEN_ERROR_STATUS_V06 } from '../../../../protocol/v0.6/errors.js';
import type { CheckContext } from '../../context.js';
import { fail, info, ok, warn, type Check } from '../../types.js';
import { endpoint06 } from '../../context.js';

/**
 * PROTOCOL-v0.6.md §10: every error the service answered in this run is documented for the
 * surface that answered it, with its status and in that surface's envelope (`err` at the events
 * endpoint). Runs last, over the evidence of the others. `internal_error` from a parser is the
 * reference's documented quirk: a WARNING.
 */
type Surface = { name: string; field: 'error' | 'err'; codes: Record<string, number> };

export const errorChecks06: Check<CheckContext>[] = [
  {
    id: 'errors.documented',
    title: 'Every error code seen in this run is documented for its surface, with its status and envelope',
    group: 'errors', target: 'service', profiles: ['v0.6'],
    spec: { protocol: 'PROTOCOL-v0.6.md §10, preamble (four envelopes)', rfc: 'RFC 6749 §5.2, RFC 8935 §2.4, RFC 6750 §3.1' },
    remedy: 'Use the codes of PROTOCOL-v0.6.md §10 in each surface\'s envelope so agents can act on them.',
    async run({ shared, http }) {
      const d = await shared.discovered(http);
      const path = (u: string) => new URL(u).pathname;
      const surfaces = new Map<string, Surface>([
        [path(endpoint06(d, 'identity_endpoint')), { name: 'identity', field: 'error', codes: IDENTITY_ERROR_STATUS_V06 }],
        [path(endpoint06(d, 'claim_endpoint')), { name: 'claim', field: 'error', codes: IDENTITY_ERROR_STATUS_V06 }],
        [path(endpoint06(d, 'token_endpoint')), { name: 'token', field: 'error', codes: TOKEN_ERROR_STATUS_V06 }],
        [path(endpoint06(d, 'revocation_endpoint')), { name: 'revoke', field: 'error', codes: TOKEN_ERROR_STATUS_V06 }],
        [path(endpoint06(d, 'events_endpoint')), { name: 'events', field: 'err', codes: Object.fromEntries(EVENT_ERRORS_V06.map((c) => [c, 400])) }],
        ['/api/resource', { name: 'resource', field: 'error', codes: RESOURCE_ERROR_STATUS_V06 }],
      ]);
      const origin = new URL(shared.opts.serviceUrl).origin;
      const seen = new Set<string>();
      const wrong = new Map<string, string>();
      const quirks = new Map<string, string>();
      for (const r of shared.results)
        for (const ex of r.exchanges) {
          if (ex.status === undefined || ex.status < 400 || new URL(ex.url).origin !== origin) continue;
          const surface = surfaces.get(new URL(ex.url).pathname);
          let body: any;
          try {
            body = JSON.parse(ex.responseBody ?? '');
          } catch {
            continue;
          }
          if (!surface || !body || typeof body !== 'object') continue;
          const where = `${r.id}: ${ex.method} ${new URL(ex.url).pathname} → ${ex.status}`;
          const code = body[surface.field];
          if (ex.status === 500 && body.error === 'internal_error') {
            quirks.set('internal_error', `500 internal_error (${where})`);
            continue;
          }
          if (typeof code !== 'string') {
            wrong.set(`${surface.name}:envelope`, `the ${surface.name} surface answered without "${surface.field}" (${where}: ${JSON.stringify(body).slice(0, 120)})`);
            continue;
          }
          seen.add(`${surface.name}:${code}`);
          // PROTOCOL.md §9 (kept by PROTOCOL-v0.6.md §9): the HTTP plumbing's codes hold on every surface.
          const codes: Record<string, number> = { ...HTTP_ERROR_STATUS_V06, ...surface.codes };
          if (!(code in codes)) wrong.set(`${surface.name}:${code}`, wrong.get(`${surface.name}:${code}`) ?? `${code} is not documented for the ${surface.name} surface (${where})`);
          else if (codes[code] !== ex.status) wrong.set(`${surface.name}:${code}@${ex.status}`, `${code} came with ${ex.status}, documented ${codes[code]} (${where})`);
        }
      if (wrong.size) fail([...wrong.values()].join('; '));
      if (quirks.size) return warn(`all other codes documented; ${[...quirks.values()].join('; ')} — the reference's quirk for malformed input`);
      if (seen.size === 0) return info('no error answers were seen to judge');
      return ok(`${seen.size} surface:code pairs seen, all documented: ${[...seen].sort().join(', ')}`);
    },
  },
];
