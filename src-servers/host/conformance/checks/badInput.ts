import { MAX_BODY_BYTES } from '../../../protocol/constants.js';
import { endpoint, type CheckContext } from '../context.js';
import { ok, warn, type Check } from '../types.js';
import { expectClientError, expectError } from './expect.js';

/** PROTOCOL.md preamble: bad input gets a 4xx JSON error, never a 5xx, never HTML. */
function registerCheck(id: string, title: string, body: string, contentType: string, code?: string): Check<CheckContext> {
  return {
    id, title, group: 'bad-input', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md preamble, §2', rfc: 'RFC 9110 §15.5' },
    remedy: 'Turn parser and validation errors into `400 {"error":"invalid_request","message":…}` (415 for a wrong content type) instead of letting them reach a 500 handler.',
    async run({ http, shared }) {
      const url = endpoint(await shared.discovered(http), 'register_uri');
      const res = await http.post(url, { body, contentType });
      if (code) expectError(res, 400, code, title);
      else expectClientError(res, title);
    },
  };
}

export const badInputChecks: Check<CheckContext>[] = [
  registerCheck('input.malformed_json', 'Malformed JSON to register_uri → 400 invalid_request', '{"type":"anonymous",', 'application/json', 'invalid_request'),
  registerCheck('input.not_an_object', 'A JSON array to register_uri → 400 invalid_request', '[]', 'application/json', 'invalid_request'),
  registerCheck('input.unknown_type', 'An unknown registration type → 400 invalid_request', '{"type":"telepathy"}', 'application/json', 'invalid_request'),
  registerCheck('input.content_type', 'A text/plain body to register_uri → 4xx JSON (415 or 400)', '{"type":"anonymous","requested_credential_type":"api_key"}', 'text/plain'),
  {
    id: 'input.oversized',
    title: `A body over ${MAX_BODY_BYTES / 1024} KiB → 413 payload_too_large`,
    group: 'bad-input', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §9 (body limits)', rfc: 'RFC 9110 §15.5.14' },
    async run({ http, shared }) {
      const url = endpoint(await shared.discovered(http), 'register_uri');
      const pad = 'x'.repeat(MAX_BODY_BYTES * 2);
      const res = await http.post(url, { body: JSON.stringify({ type: 'anonymous', requested_credential_type: 'api_key', pad }), contentType: 'application/json' });
      expectClientError(res, 'oversized body');
      if (res.status !== 413) return warn(`refused with ${res.status} ${res.json?.error}; RFC 9110 §15.5.14 has 413 for this`);
      return ok(`refused with 413 ${res.json?.error}`);
    },
  },
  {
    id: 'input.claim_malformed_json',
    title: 'Malformed JSON to claim_uri → 400 invalid_request',
    group: 'bad-input', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md preamble, §3' },
    async run({ http, shared }) {
      const url = endpoint(await shared.discovered(http), 'claim_uri');
      expectError(await http.post(url, { body: '{"claim_token":', contentType: 'application/json' }), 400, 'invalid_request', 'malformed claim body');
    },
  },
];
