/**
 * The sequence diagram's model (src-renderer/components/diagramModel.ts): the diagram is drawn from
 * the recorded trace (DESIGN.md rule 3) — a band per step of the run, in the order things happened on
 * the wire, requests outside any step in a band of their own, steps still to come drawn as empty bands.
 */
import { describe, expect, it } from 'vitest';
import {
  actorsOf,
  buildBands,
  traceProfile,
  requestLabel,
  responseLabel,
  type Band,
  type Row,
} from '../../src-renderer/components/diagramModel.js';
import type { Actor, Exchange, StepState } from '../../src-renderer/types.js';

let seq = 0;
/** One recorded exchange; only what the diagram reads matters. */
function ex(over: Partial<Exchange> & { from?: Actor; to?: Actor } = {}): Exchange {
  seq += 1;
  return {
    id: `ex-${seq}`,
    traceId: 'trc-1',
    seq,
    from: 'Agent',
    to: 'Service',
    method: 'GET',
    url: `http://127.0.0.1:8000/path-${seq}`,
    requestHeaders: {},
    requestBody: null,
    status: 200,
    responseHeaders: {},
    responseBody: null,
    startedAt: new Date(1_700_000_000_000 + seq).toISOString(),
    durationMs: 1,
    jwts: [],
    secrets: [],
    ...over,
  };
}

type Step = Pick<StepState, 'name' | 'title' | 'status'>;
const step = (name: string, status: Step['status'] = 'pending'): Step => ({ name, title: `Title of ${name}`, status });

const rowView = (r: Row): string =>
  `${r.repeat > 1 ? `${r.exchange.id}×${r.repeat}` : r.exchange.id}${r.nested.length ? `(${r.nested.map(rowView).join(',')})` : ''}`;
/** What a reader of the diagram sees: each band's title, status and its arrows (×repeat, (nested calls)). */
const view = (bands: Band[]) => bands.map((b) => ({ index: b.index, status: b.status, rows: b.rows.map(rowView) }));

describe('buildBands', () => {
  it('before anything is on the wire, every step of the flow is an empty band with its status', () => {
    const steps = [step('probe', 'active'), step('fetch_prm'), step('decide')];
    const bands = buildBands([], steps);
    expect(bands.map((b) => [b.index, b.title, b.status, b.rows.length])).toEqual([
      [0, 'Title of probe', 'active', 0],
      [1, 'Title of fetch_prm', 'pending', 0],
      [2, 'Title of decide', 'pending', 0],
    ]);
    expect(new Set(bands.map((b) => b.key)).size).toBe(3);
  });

  it("puts each request in its step's band, and draws steps without requests as empty bands in between", () => {
    const steps = [step('probe', 'done'), step('fetch_prm', 'done'), step('read_skill', 'done'), step('register', 'active'), step('call_api')];
    const a = ex({ step: 'probe', status: 401 });
    const b = ex({ step: 'read_skill' });
    const c = ex({ step: 'read_skill', method: 'HEAD' });
    const d = ex({ step: 'register', method: 'POST' });
    expect(view(buildBands([a, b, c, d], steps))).toEqual([
      { index: 0, status: 'done', rows: [a.id] },
      { index: 1, status: 'done', rows: [] },
      { index: 2, status: 'done', rows: [b.id, c.id] },
      { index: 3, status: 'active', rows: [d.id] },
      { index: 4, status: 'pending', rows: [] },
    ]);
  });

  it("draws each band with its step's status: done, failed, skipped, waiting", () => {
    const steps = [step('probe', 'done'), step('register', 'failed'), step('start_claim', 'skipped'), step('open_mail', 'waiting')];
    expect(buildBands([ex({ step: 'register' })], steps).map((b) => b.status)).toEqual(['done', 'failed', 'skipped', 'waiting']);
  });

  it('requests before any step (curl before the run) go in an "Outside the flow" band, first', () => {
    const steps = [step('probe', 'done'), step('fetch_prm')];
    const curl = ex({ from: 'External client', fromLabel: 'curl/8.5.0', step: undefined });
    const probe = ex({ step: 'probe' });
    const bands = buildBands([curl, probe], steps);
    expect(bands[0]).toMatchObject({ key: 'outside', index: null, title: 'Outside the flow', status: 'outside' });
    expect(view(bands)).toEqual([
      { index: null, status: 'outside', rows: [curl.id] },
      { index: 0, status: 'done', rows: [probe.id] },
      { index: 1, status: 'pending', rows: [] },
    ]);
  });

  it('without a run, everything recorded is outside the flow', () => {
    const a = ex({ from: 'External client' });
    const b = ex({ from: 'External client', method: 'POST' });
    expect(view(buildBands([a, b], []))).toEqual([{ index: null, status: 'outside', rows: [a.id, b.id] }]);
  });

  it("a request with no step of its own joins the band that is open (the studio's live step, or the last step)", () => {
    const steps = [step('probe', 'done'), step('fetch_prm', 'active')];
    const probe = ex({ step: 'probe' });
    const stray = ex({ from: 'External client' });
    const unknown = ex({ step: 'not-a-step-of-this-flow' });
    expect(view(buildBands([probe, stray, unknown], steps))).toEqual([
      { index: 0, status: 'done', rows: [probe.id, stray.id, unknown.id] },
      { index: 1, status: 'active', rows: [] },
    ]);
  });

  it('stepOf names the step of a request that carries none; a step the request carries itself wins', () => {
    const steps = [step('probe', 'done'), step('register', 'active')];
    const a = ex({ step: 'probe' });
    const b = ex({ from: 'User', to: 'Provider' }); // the person's request, recorded while "register" was live
    const c = ex({ step: 'probe', method: 'OPTIONS' });
    expect(view(buildBands([a, b, c], steps, { [b.id]: 'register', [c.id]: 'register' }))).toEqual([
      { index: 0, status: 'done', rows: [a.id] },
      { index: 1, status: 'active', rows: [b.id] },
      // back to probe: a new band for it, after register's (the wire order is kept)
      { index: 0, status: 'done', rows: [c.id] },
    ]);
  });

  it('draws a call the callee made while handling a request inside it, where it started (not where it completed)', () => {
    const steps = [step('decide', 'done'), step('register', 'done'), step('call_api', 'active')];
    const at = (start: number, end: number) => ({ timing: { start, end }, startedAt: new Date(start).toISOString(), durationMs: end - start });
    const decide = ex({ step: 'decide', ...at(0, 5) });
    // Numbered as they complete: the service's calls finish (and are numbered) before the POST that caused them.
    const jwks = ex({ from: 'Service', to: 'Provider', url: 'http://127.0.0.1:4000/jwks', ...at(20, 30) });
    const mail = ex({ from: 'Service', to: 'Inbox', method: 'SMTP', url: 'smtp://127.0.0.1:2525', ...at(35, 40) });
    const register = ex({ step: 'register', method: 'POST', url: 'http://127.0.0.1:8000/agent/auth', ...at(10, 50) });
    const api = ex({ step: 'call_api', ...at(60, 70) });
    const bands = buildBands([decide, jwks, mail, register, api], steps, { [jwks.id]: 'register', [mail.id]: 'register' });
    expect(view(bands)).toEqual([
      { index: 0, status: 'done', rows: [decide.id] },
      { index: 1, status: 'done', rows: [`${register.id}(${jwks.id},${mail.id})`] },
      { index: 2, status: 'active', rows: [api.id] },
    ]);
  });

  it('nests only what the callee called during the request: a later call, or one by someone else, stays beside it', () => {
    const steps = [step('register', 'active')];
    const at = (start: number, end: number) => ({ timing: { start, end }, startedAt: new Date(start).toISOString(), durationMs: end - start });
    const register = ex({ step: 'register', method: 'POST', ...at(10, 50) });
    const agentMeanwhile = ex({ step: 'register', from: 'Agent', to: 'Provider', ...at(20, 30) }); // not the callee
    const afterwards = ex({ step: 'register', from: 'Service', to: 'Provider', ...at(55, 60) }); // after the answer
    const bands = buildBands([agentMeanwhile, register, afterwards], steps);
    expect(view(bands)).toEqual([{ index: 0, status: 'active', rows: [register.id, agentMeanwhile.id, afterwards.id] }]);
  });

  it('draws identical consecutive requests (polling) once, with a count and the latest answer', () => {
    const steps = [step('approve_consent', 'waiting')];
    const poll = { step: 'approve_consent', url: 'http://127.0.0.1:4000/consent/abc', from: 'Agent', to: 'Provider' } as const;
    const p1 = ex(poll);
    const p2 = ex(poll);
    const p3 = ex(poll);
    const approved = ex({ ...poll, status: 303 }); // a different answer is a new arrow
    const p4 = ex(poll); // and polling again after it starts a new count
    const bands = buildBands([p1, p2, p3, approved, p4], steps);
    expect(view(bands)).toEqual([{ index: 0, status: 'waiting', rows: [`${p3.id}×3`, approved.id, p4.id] }]);
    // the row keeps the first request's key, so the arrow stays put while its count grows
    expect(bands[0].rows[0].key).toBe(p1.id);
  });

  it('requests of the same step split by another step give two bands, with different keys', () => {
    const steps = [step('probe', 'done'), step('fetch_prm', 'done')];
    const bands = buildBands([ex({ step: 'probe' }), ex({ step: 'fetch_prm' }), ex({ step: 'probe', method: 'HEAD' })], steps);
    expect(bands.map((b) => b.index)).toEqual([0, 1, 0]);
    expect(new Set(bands.map((b) => b.key)).size).toBe(3);
  });
});

describe('lifelines and labels', () => {
  it('adds the External client lifeline only when one is in the trace', () => {
    expect(actorsOf([ex()])).toEqual(['User', 'Agent', 'Provider', 'Service', 'Inbox']);
    expect(actorsOf([ex(), ex({ from: 'External client' })])).toEqual(['User', 'Agent', 'Provider', 'Service', 'Inbox', 'External client']);
    expect(actorsOf([ex({ to: 'External client' })]).at(-1)).toBe('External client');
  });

  it('draws only the lifelines the run\'s profile uses: no Inbox on v0.6, where no mail is sent (issue 17)', () => {
    expect(actorsOf([ex({ serviceProfile: 'v0.6' })], 'v0.6')).toEqual(['User', 'Agent', 'Provider', 'Service']);
    expect(actorsOf([ex()], 'v0.1')).toEqual(['User', 'Agent', 'Provider', 'Service', 'Inbox']);
    // What was on the wire is always drawn (DESIGN.md rule 3): a mail in a v0.6 trace brings its lifeline back.
    expect(actorsOf([ex({ from: 'Service', to: 'Inbox', method: 'SMTP' })], 'v0.6')).toEqual(['User', 'Agent', 'Provider', 'Service', 'Inbox']);
    expect(actorsOf([ex({ from: 'External client' })], 'v0.6')).toEqual(['User', 'Agent', 'Provider', 'Service', 'External client']);
    // A past run reopened: its profile is the one that answered in it.
    expect(traceProfile([ex({ serviceProfile: 'v0.6' }), ex({ to: 'Provider' })])).toBe('v0.6');
    expect(traceProfile([ex({ serviceProfile: 'v0.6' }), ex({ serviceProfile: 'v0.1' })])).toBeUndefined();
  });

  it('labels a request by method and path, and an answer by its error code when the body names one', () => {
    expect(requestLabel(ex({ method: 'POST', url: 'http://127.0.0.1:8000/agent/auth' }))).toBe('POST /agent/auth');
    expect(requestLabel(ex({ url: 'http://127.0.0.1:4000/consent?id=1' }))).toBe('GET /consent?…');
    expect(requestLabel(ex({ method: 'SMTP', url: 'smtp://127.0.0.1:2525' }))).toBe('SMTP mail');
    // A random id says nothing to a reader: its first characters name it, the inspector has it whole.
    expect(requestLabel(ex({ method: 'POST', url: 'http://127.0.0.1:4000/consent/requests/cr_DRofxy8pcKMhgCTonvRrQA' }))).toBe('POST /consent/requests/cr_DRof…');
    expect(requestLabel(ex({ url: 'http://127.0.0.1:8025/messages/msg_abcdefghijkl/html?links=post' }))).toBe('GET /messages/msg_abcdefghijkl/html?…');
    expect(requestLabel(ex({ url: 'http://127.0.0.1:8000/.well-known/oauth-protected-resource' }))).toBe('GET /.well-known/oauth-protected-resource');
    expect(responseLabel(ex({ status: 400, responseBody: '{"error":"invalid_issuer"}' }))).toBe('400 invalid_issuer');
    expect(responseLabel(ex({ status: 401, responseBody: 'not json' }))).toBe('401 Unauthorized');
    expect(responseLabel(ex({ status: 200 }))).toBe('200 OK');
  });
});
