/** Two recorded runs, one per protocol version, aligned by step (src-renderer/store/alignRuns.ts). */
import { describe, expect, it } from 'vitest';
import { alignByStep, profileOfRun, wireLine } from '../../src-renderer/store/alignRuns.js';
import type { Exchange } from '../../src-servers/protocol/trace.js';

let seq = 0;
const ex = (step: string | undefined, method: string, path: string, status: number, profile?: string): Exchange => ({
  id: `e${++seq}`, traceId: 't', seq, from: 'Agent', to: 'Service', method, url: `http://127.0.0.1:8000${path}`,
  requestHeaders: {}, requestBody: null, status, responseHeaders: {}, responseBody: null, startedAt: '', durationMs: 0,
  jwts: [], secrets: [], ...(step ? { step } : {}), ...(profile ? { serviceProfile: profile } : {}),
});

describe('aligning a v0.1 and a v0.6 run by step', () => {
  const v01 = [ex('probe', 'GET', '/api/resource', 401, 'v0.1'), ex('register', 'POST', '/agent/auth', 200, 'v0.1'), ex('call_api', 'GET', '/api/resource', 200, 'v0.1')];
  const v06 = [
    ex('probe', 'GET', '/api/resource', 401, 'v0.6'), ex('register', 'POST', '/agent/identity', 200, 'v0.6'),
    ex('exchange_assertion', 'POST', '/oauth2/token', 200, 'v0.6'), ex('call_api', 'GET', '/api/resource', 200, 'v0.6'),
  ];

  it('puts a shared step on one row, and a step only one version takes beside what the other does there', () => {
    expect(alignByStep(v01, v06)).toEqual([
      { v01Step: 'probe', v06Step: 'probe', v01: ['Agent → GET /api/resource 401'], v06: ['Agent → GET /api/resource 401'] },
      { v01Step: 'register', v06Step: 'register', v01: ['Agent → POST /agent/auth 200'], v06: ['Agent → POST /agent/identity 200'] },
      { v01Step: null, v06Step: 'exchange_assertion', v01: [], v06: ['Agent → POST /oauth2/token 200'] },
      { v01Step: 'call_api', v06Step: 'call_api', v01: ['Agent → GET /api/resource 200'], v06: ['Agent → GET /api/resource 200'] },
    ]);
  });

  it('pairs the two ceremonies row by row between the shared steps, and keeps exchanges outside any step', () => {
    const a = [
      ex('register', 'POST', '/agent/auth', 200), ex('open_mail', 'GET', '/messages', 200), ex('open_link', 'GET', '/agent/auth/claim/view?token=x', 200),
      ex('complete_claim', 'POST', '/agent/auth/claim/complete', 200), ex('call_api', 'GET', '/api/resource', 200), ex(undefined, 'GET', '/auth.md', 200),
    ];
    const b = [
      ex('register', 'POST', '/agent/identity', 200), ex('sign_in_service', 'GET', '/login?return_to=x', 200),
      ex('poll_claim', 'POST', '/oauth2/token', 200), ex('call_api', 'GET', '/api/resource', 200),
    ];
    expect(alignByStep(a, b).map((r) => [r.v01Step, r.v06Step])).toEqual([
      ['register', 'register'],
      ['open_mail', 'sign_in_service'],
      ['open_link', 'poll_claim'],
      ['complete_claim', null],
      ['call_api', 'call_api'],
      ['', null],
    ]);
  });

  it('tells a run\'s profile from its exchanges, and elides queries (tokens) from the lines', () => {
    expect(profileOfRun(v06)).toBe('v0.6');
    expect(profileOfRun([ex('x', 'GET', '/', 200)])).toBeUndefined();
    expect(wireLine(ex('s', 'GET', '/login?return_to=%2Fclaim%3Fclaim_attempt_token%3Dcvt_x', 200))).toBe('Agent → GET /login?… 200');
  });
});
