import { afterEach, describe, expect, it } from 'vitest';
import express from 'express';
import { markSecrets, redactSecrets } from '../../src-servers/trace/secrets.js';
import { listen, memoryRecorder, nextExchanges, type Running } from './helpers.js';

const servers: Running[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('secret marking', () => {
  it('marks credential headers, secret body fields (nested too) and prefixed tokens wherever they appear', () => {
    const paths = markSecrets({
      url: 'http://127.0.0.1:8000/agent/auth/claim/view?token=cv_AbCdEf123456&lang=en',
      requestHeaders: { authorization: 'Bearer ses_x', cookie: 'sid=1', 'content-type': 'application/json', accept: '*/*' },
      requestBody: JSON.stringify({ claim_token: 'clm_abcdefgh', otp: '123456', email: 'alice@example.com', nested: { subject_token: 'eyJ.x.y' } }),
      responseHeaders: { 'set-cookie': 'sid=2; HttpOnly', 'content-type': 'application/json' },
      responseBody: JSON.stringify({
        registration_id: 'reg_1', credential: 'sk_test_1234567890', claim_url: 'http://127.0.0.1:8000/claim',
        note: 'your key is sk_test_abcdefghij', challenge: '654321', scopes: ['api.read'],
      }),
    });
    expect(paths.sort()).toEqual([
      'request.body.claim_token', 'request.body.nested.subject_token', 'request.body.otp',
      'request.headers.authorization', 'request.headers.cookie', 'request.query.token', 'request.url',
      'response.body.challenge', 'response.body.credential', 'response.body.note', 'response.headers.set-cookie',
    ]);
  });

  it('marks form fields and text bodies (a mail or page showing a claim link)', () => {
    expect(markSecrets({
      url: 'http://127.0.0.1:4000/oauth2/token',
      requestHeaders: { 'content-type': 'application/x-www-form-urlencoded' },
      requestBody: 'grant_type=x&subject_token=abc&audience=http%3A%2F%2Fs',
      responseHeaders: { 'content-type': 'text/plain' },
      responseBody: 'Open http://127.0.0.1:8000/agent/auth/claim/view?token=cv_0123456789 to claim.',
    }).sort()).toEqual(['request.body.subject_token', 'response.body']);
  });

  // Issue 14 #10: access tokens in free text and logout-token bodies used to reach trace.db in plaintext.
  it('marks every credential the service issues and the provider\'s session tokens in free text, and a whole-body logout token', () => {
    const logoutToken = 'eyJhbGciOiJFUzI1NiIsInR5cCI6ImxvZ291dCtqd3QifQ.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const e = {
      url: 'http://127.0.0.1:8000/agent/auth/revoke',
      requestHeaders: { 'content-type': 'application/logout+jwt' },
      requestBody: logoutToken,
      responseHeaders: { 'content-type': 'text/markdown' },
      responseBody: 'Your access token is at_AbCdEf0123456789 and your session ses_ZyXwVu987654; expires_at_noon is not one.',
    };
    expect(markSecrets(e).sort()).toEqual(['request.body', 'response.body']);
    const r = redactSecrets({ ...e, id: 'x', traceId: 't', from: 'Agent', to: 'Service', method: 'POST', status: 200, startedAt: '', durationMs: 0, jwts: [], secrets: markSecrets(e) } as any);
    expect(r.requestBody).toBe('[redacted]');
    expect(r.responseBody).toBe('Your access token is [redacted] and your session [redacted]; expires_at_noon is not one.');
    expect(markSecrets({ url: 'http://x/', responseHeaders: { 'content-type': 'application/json' }, responseBody: '{"expires_at":"2030-01-01","created_at_ms":1}' })).toEqual([]);
  });

  it('the middleware marks what a role sent back, and redaction masks exactly the marked values', async () => {
    const recorder = memoryRecorder();
    const app = express();
    app.use(recorder.middleware('Service'));
    app.use(express.json());
    app.post('/agent/auth', (_req, res) => res.json({ registration_id: 'reg_9', credential: 'sk_test_secretsecret', claim_token: 'clm_secretsecret', scopes: ['api.read'] }));
    const server = await listen(app);
    servers.push(server);
    const seen = nextExchanges(recorder);
    await (await fetch(`${server.url}/agent/auth`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer at_123' }, body: '{"type":"anonymous"}' })).text();
    const [e] = await seen;
    expect(e.secrets.sort()).toEqual(['request.headers.authorization', 'response.body.claim_token', 'response.body.credential']);
    const r = redactSecrets(e);
    expect(JSON.parse(r.responseBody!)).toEqual({ registration_id: 'reg_9', credential: '[redacted]', claim_token: '[redacted]', scopes: ['api.read'] });
    expect(r.requestHeaders.authorization).toBe('[redacted]');
    expect(e.requestHeaders.authorization).toBe('Bearer at_123'); // the stored exchange is untouched
    const exported = recorder.exportTrace(e.traceId, 'har', { redact: true });
    expect(exported).not.toMatch(/sk_test_secret|clm_secret|at_123/);
    expect(recorder.exportTrace(e.traceId, 'har')).toMatch(/sk_test_secretsecret/);
  });
});
