import { ERROR_STATUS, statusFor, type ErrorCode } from '../../../protocol/errors.js';
import type { CheckContext } from '../context.js';
import { fail, info, ok, type Check } from '../types.js';

/**
 * PROTOCOL.md §2–§3 and the preamble: every error code the service answered during this run is
 * one the contract documents, with its documented status. Runs last, over the evidence of the others.
 */
export const errorChecks: Check<CheckContext>[] = [
  {
    id: 'errors.documented',
    title: 'Every error code seen in this run is a documented one, with its documented status',
    group: 'errors', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §2 (error codes), §3, preamble' },
    remedy: 'Use the codes of PROTOCOL.md (and AUTH.md\'s table) so agents can act on them.',
    async run({ shared }) {
      const serviceOrigin = new URL(shared.opts.serviceUrl).origin;
      const seen = new Map<string, string>();
      const wrong = new Map<string, string>();
      for (const r of shared.results)
        for (const ex of r.exchanges) {
          if (ex.status === undefined || ex.status < 400 || new URL(ex.url).origin !== serviceOrigin) continue;
          let code: unknown;
          try {
            code = JSON.parse(ex.responseBody ?? '').error;
          } catch {
            continue;
          }
          if (typeof code !== 'string') continue;
          const where = `${r.id}: ${ex.method} ${ex.url} → ${ex.status}`;
          seen.set(code, where);
          // One line per wrong code (its first sighting), however many checks met it.
          if (!(code in ERROR_STATUS)) wrong.set(code, wrong.get(code) ?? `${code} is not a documented code (${where})`);
          else if (statusFor(code as ErrorCode, 'service') !== ex.status)
            wrong.set(`${code}@${ex.status}`, `${code} came with ${ex.status}, documented ${statusFor(code as ErrorCode, 'service')} (${where})`);
        }
      if (wrong.size) fail([...wrong.values()].join('; '));
      if (seen.size === 0) return info('no error answers were seen to judge');
      return ok(`${seen.size} codes seen, all documented: ${[...seen.keys()].sort().join(', ')}`);
    },
  },
];
