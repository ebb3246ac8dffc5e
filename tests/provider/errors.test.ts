import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src-servers/protocol/constants.js';
import { call, login, startProvider, type RunningProvider } from './helpers.js';

let p: RunningProvider;
beforeEach(async () => {
  p = await startProvider();
});
afterEach(() => p.close());

function expectJsonError(r: Awaited<ReturnType<typeof call>>, status: number, error: string) {
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  expect(r.json.error).toBe(error);
  expect(typeof r.json.message).toBe('string');
  expect(r.text).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
}

describe('bad input', () => {
  it('answers malformed JSON with 400 invalid_request', async () => {
    expectJsonError(await call('POST', `${p.base}/login`, { body: '{"email": ', contentType: 'application/json' }), 400, 'invalid_request');
    expectJsonError(await call('POST', `${p.base}/login`, { body: '"just a string"', contentType: 'application/json' }), 400, 'invalid_request');
  });

  it('answers the wrong shape with 400 naming the field', async () => {
    const r = await call('POST', `${p.base}/login`, { json: { email: 42 } });
    expectJsonError(r, 400, 'invalid_request');
    expect(r.json.message).toContain('email');
    expectJsonError(await call('POST', `${p.base}/login`, { body: 'email=alice', contentType: 'text/plain' }), 400, 'invalid_request');
  });

  it(`answers a body over ${MAX_BODY_BYTES} bytes with 413`, async () => {
    const { session_token } = await login(p.base, 'alice@example.com');
    const big = JSON.stringify({ audience: 'http://127.0.0.1:8000', agent_context_id: 'x'.repeat(MAX_BODY_BYTES) });
    expectJsonError(await call('POST', `${p.base}/id-jag`, { bearer: session_token, body: big, contentType: 'application/json' }), 413, 'payload_too_large');
  });

  it('answers unknown paths and methods with a JSON 404', async () => {
    expectJsonError(await call('GET', `${p.base}/nope`), 404, 'not_found');
    expectJsonError(await call('PUT', `${p.base}/grants`), 404, 'not_found');
  });
});
