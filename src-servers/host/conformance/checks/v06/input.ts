import { MAX_BODY_BYTES } from '../../../../protocol/constants.js';
import { brief } from '../../http.js';
import { endpoint06, type CheckContext, type Discovered } from '../../context.js';
import { ok, warn, type Check } from '../../types.js';
import { expectClientError, expectError } from '../expect.js';
import { expectTokenError } from './support.js';

/**
 * PROTOCOL-v0.6.md preamble: bad input is a 4xx in the surface's envelope, never a 5xx. The
 * reference's 500 internal_error for malformed JSON is a documented **Quirk:** — a WARNING here.
 */

const P = ['v0.6'] as const;
const SPEC = { protocol: 'PROTOCOL-v0.6.md preamble (never a 5xx for bad input)', rfc: 'RFC 9110 §15.5' };

/** `envelope`: the surface's error body (PROTOCOL-v0.6.md top table) — `{error, message}`, or RFC 6749 §5.2 at /oauth2/*. */
function malformed(id: string, title: string, where: (d: Discovered) => string, body: string, contentType: string, code: string, envelope: 'message' | 'oauth' = 'message'): Check<CheckContext> {
  return {
    id, title, group: 'bad-input', target: 'service', profiles: P, spec: SPEC,
    remedy: `Turn the parser's error into 400 {"error":"${code}",…} instead of letting it reach a 500 handler.`,
    async run({ http, shared }) {
      const res = await http.post(where(await shared.discovered(http)), { body, contentType });
      if (res.status === 500 && res.json?.error === 'internal_error')
        return warn(`${title}: 500 internal_error — the reference's quirk (PROTOCOL-v0.6.md preamble **Quirk:**); the contract has 400 ${code}: ${brief(res)}`);
      if (envelope === 'oauth') expectTokenError(res, code, title);
      else expectError(res, 400, code, title);
    },
  };
}

export const inputChecks06: Check<CheckContext>[] = [
  malformed('input.malformed_json', 'Malformed JSON to the identity endpoint → 400 invalid_request', (d) => endpoint06(d, 'identity_endpoint'), '{"type":"anonymous",', 'application/json', 'invalid_request'),
  malformed('input.claim_malformed_json', 'Malformed JSON to the claim endpoint → 400 invalid_request', (d) => endpoint06(d, 'claim_endpoint'), '{"claim_token":', 'application/json', 'invalid_request'),
  malformed('input.not_an_object', 'A JSON array to the identity endpoint → 400 invalid_request', (d) => endpoint06(d, 'identity_endpoint'), '[]', 'application/json', 'invalid_request'),
  malformed('input.unknown_type', 'An unknown registration type → 400 invalid_request', (d) => endpoint06(d, 'identity_endpoint'), '{"type":"telepathy"}', 'application/json', 'invalid_request'),
  malformed('input.token_malformed_json', 'Malformed JSON to the token endpoint → 400 invalid_request', (d) => endpoint06(d, 'token_endpoint'), '{"grant_type":', 'application/json', 'invalid_request', 'oauth'),
  {
    id: 'input.oversized',
    title: `A body over ${MAX_BODY_BYTES / 1024} KiB to the identity endpoint → 4xx JSON (413)`,
    group: 'bad-input', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §9 (v0.1 §9 body limits), preamble', rfc: 'RFC 9110 §15.5.14' },
    // Not the preamble's malformed-JSON Quirk: a 500 here is a plain deviation (FAILURE).
    remedy: 'Answer a body over the limit with 413 payload_too_large in the JSON envelope, not a 500.',
    async run({ http, shared }) {
      const url = endpoint06(await shared.discovered(http), 'identity_endpoint');
      const res = await http.post(url, { body: JSON.stringify({ type: 'anonymous', pad: 'x'.repeat(MAX_BODY_BYTES * 2) }), contentType: 'application/json' });
      if (res.status === 200) return warn(`a ${MAX_BODY_BYTES * 2 / 1024} KiB body was accepted: ${brief(res)}`);
      expectClientError(res, 'oversized body');
      return res.status === 413 ? ok(`refused with 413 ${res.json?.error}`) : warn(`refused with ${res.status}; RFC 9110 §15.5.14 has 413`);
    },
  },
];
