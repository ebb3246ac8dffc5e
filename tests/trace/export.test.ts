import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { parseTraceJson, toMermaid } from '../../src-servers/trace/index.js';
import type { Exchange, TraceRecorder } from '../../src-servers/trace/types.js';
import { memoryRecorder } from './helpers.js';

const S = 'http://127.0.0.1:8000';
const P = 'http://127.0.0.1:4000';
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const ID_JAG = `${b64({ alg: 'ES256', typ: 'oauth-id-jag+jwt', kid: 'k1' })}.${b64({ iss: P, sub: 'usr_1', aud: S })}.c2ln`;
const json = { 'content-type': 'application/json; charset=utf-8' };

/** Wire times: `t(1, 2)` started at 1 ms and ended at 2 ms into the run. */
const T0 = Date.parse('2030-01-01T00:00:00Z');
const t = (start: number, end: number) => ({ timing: { start: T0 + start, end: T0 + end }, startedAt: new Date(T0 + start).toISOString(), durationMs: end - start });

/**
 * A realistic run, recorded through the public API in the order a real one completes: the service's
 * JWKS fetch (made while handling the token request) completes, and is recorded, before that request.
 */
function recordRun(recorder: TraceRecorder): string {
  const id = recorder.beginTrace({ title: 'ID-JAG: "happy" path | demo', flow: 'id-jag', scenario: 'happy' });
  recorder.record({ from: 'Agent', to: 'Service', step: 'discover', method: 'GET', url: `${S}/api/resource`, status: 401, ...t(0, 1),
    responseHeaders: { 'www-authenticate': `Bearer resource_metadata="${S}/.well-known/oauth-protected-resource", error="invalid_token"` } });
  recorder.record({ from: 'Agent', to: 'Provider', step: 'get ID-JAG; #1: "mint"', method: 'POST', url: `${P}/id-jag`, status: 200, ...t(2, 14),
    requestHeaders: { ...json, authorization: 'Bearer ses_abc', cookie: 'a=1; b=2' }, requestBody: JSON.stringify({ audience: S }),
    responseHeaders: { ...json, 'set-cookie': 'sid=1; Path=/; HttpOnly\nlang=en; Path=/' }, responseBody: JSON.stringify({ assertion: ID_JAG, expires_in: 300 }) });
  recorder.record({ from: 'Service', to: 'Provider', step: 'register', method: 'GET', url: `${P}/.well-known/jwks.json`, status: 200, ...t(16, 17),
    responseHeaders: json, responseBody: '{"keys":[]}' });
  recorder.record({ from: 'Agent', to: 'Service', step: 'register', method: 'POST', url: `${S}/oauth2/token`, status: 400, ...t(15, 18),
    requestHeaders: { 'content-type': 'application/x-www-form-urlencoded' },
    requestBody: `grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=${ID_JAG}`,
    responseHeaders: json, responseBody: JSON.stringify({ error: 'invalid_signature', error_description: 'bad' }) });
  recorder.record({ from: 'Service', to: 'Inbox', step: 'register', method: 'SMTP', url: 'smtp://127.0.0.1:2525', status: 250, ...t(19, 20),
    requestBody: 'Claim your registration\nOpen http://127.0.0.1:8000/agent/auth/claim/view?token=cv_0123456789' });
  recorder.record({ from: 'User', to: 'Service', step: 'register', method: 'GET', url: `${S}/agent/auth/claim/view?token=cv_0123456789`, status: 200, ...t(21, 22),
    responseHeaders: { 'content-type': 'text/html' }, responseBody: '<h1>Claim</h1>' });
  recorder.record({ from: 'External client', fromLabel: 'curl/8.5.0', to: 'Service', method: 'GET', url: `${S}/.well-known/oauth-authorization-server`, status: 200, ...t(23, 24) });
  recorder.record({ from: 'Service', to: 'External client', toLabel: 'cimd.example', method: 'GET', url: 'https://cimd.example/agent.json', status: 0, error: 'getaddrinfo ENOTFOUND cimd.example', ...t(25, 26) });
  recorder.record({ from: 'Provider', to: 'Service', step: 'revoke', method: 'POST', url: `${S}/agent/auth/revoke`, status: 302, ...t(27, 28),
    responseHeaders: { location: `${S}/done` } });
  return id;
}

// ---- HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): the required fields, as a schema ----
const nameValue = z.object({ name: z.string(), value: z.string() });
const harSchema = z.object({
  log: z.object({
    version: z.literal('1.2'),
    creator: z.object({ name: z.string(), version: z.string() }),
    pages: z.array(z.object({ startedDateTime: z.iso.datetime(), id: z.string(), title: z.string(), pageTimings: z.object({}) })).optional(),
    entries: z.array(z.object({
      pageref: z.string().optional(),
      startedDateTime: z.iso.datetime(),
      time: z.number().min(0),
      request: z.object({
        method: z.string(), url: z.string(), httpVersion: z.string(),
        cookies: z.array(nameValue.loose()), headers: z.array(nameValue), queryString: z.array(nameValue),
        postData: z.object({ mimeType: z.string(), text: z.string(), params: z.array(nameValue).optional() }).optional(),
        headersSize: z.number().int(), bodySize: z.number().int(),
      }),
      response: z.object({
        status: z.number().int(), statusText: z.string(), httpVersion: z.string(),
        cookies: z.array(nameValue.loose()), headers: z.array(nameValue),
        content: z.object({ size: z.number().int(), mimeType: z.string(), text: z.string().optional() }),
        redirectURL: z.string(), headersSize: z.number().int(), bodySize: z.number().int(),
      }),
      cache: z.object({}),
      timings: z.object({ send: z.number(), wait: z.number(), receive: z.number() }).loose(),
    }).loose()),
  }),
});

// ---- the real Mermaid parser (mermaid runs its parser in Node; only rendering needs a DOM) ----
type MermaidMessage = { from: string; to: string; message: string; type: number };
let mermaid: typeof import('mermaid').default;
beforeAll(async () => {
  mermaid = (await import('mermaid')).default;
  mermaid.initialize({ startOnLoad: false });
});
async function parsedDiagram(text: string) {
  await mermaid.parse(text); // throws on a syntax error
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db as unknown as { getMessages(): MermaidMessage[]; getActors(): Map<string, { description: string }> };
  return { messages: db.getMessages(), actors: [...db.getActors().entries()].map(([id, a]) => [id, a.description]) };
}
/** Mermaid keeps entity codes as placeholders until rendering; turn them back into characters. */
const decodeEntities = (s: string) => s.replace(/ﬂ°°(\d+)¶ß/g, (_, n) => String.fromCodePoint(Number(n)));
// sequenceDiagram LINETYPE: 0 = solid arrow (->>), 1 = dotted arrow (-->>), 2 = note, 4 = dotted cross (--x)
const SOLID = 0, DOTTED = 1, NOTE = 2, DOTTED_CROSS = 4;

describe('exports', () => {
  it('HAR: has every field HAR 1.2 requires, and who/step in custom fields', () => {
    const recorder = memoryRecorder();
    const id = recordRun(recorder);
    const har = harSchema.parse(JSON.parse(recorder.exportTrace(id, 'har')));
    const entries = har.log.entries as Record<string, unknown>[] & typeof har.log.entries;
    expect(entries).toHaveLength(9);
    // Entries in the order requests were sent: the token request (seq 4) before the JWKS fetch it caused (seq 3).
    expect(entries.map((e) => e._seq)).toEqual([1, 2, 4, 3, 5, 6, 7, 8, 9]);
    expect(har.log.pages?.[0].id).toBe(id);
    expect(entries.map((e) => [e._from, e._to, e._step])).toEqual([
      ['Agent', 'Service', 'discover'], ['Agent', 'Provider', 'get ID-JAG; #1: "mint"'], ['Agent', 'Service', 'register'],
      ['Service', 'Provider', 'register'], ['Service', 'Inbox', 'register'], ['User', 'Service', 'register'], ['External client', 'Service', undefined],
      ['Service', 'External client', undefined], ['Provider', 'Service', 'revoke'],
    ]);
    const mint = entries[1];
    expect(mint.request.cookies).toEqual([{ name: 'a', value: '1' }, { name: 'b', value: '2' }]);
    expect(mint.response.cookies.map((c) => c.name)).toEqual(['sid', 'lang']);
    expect(mint.response.headers.filter((h) => h.name === 'set-cookie')).toHaveLength(2);
    expect(mint.time).toBe(12);
    const token = entries[2];
    expect(token.startedDateTime).toBe('2030-01-01T00:00:00.015Z');
    expect(token.request.postData?.params?.map((p) => p.name)).toEqual(['grant_type', 'assertion']);
    expect(entries[5].request.queryString).toEqual([{ name: 'token', value: 'cv_0123456789' }]);
    expect(entries[8].response.redirectURL).toBe(`${S}/done`);
    expect(entries[0].response.statusText).toBe('Unauthorized');
  });

  it('Mermaid: parses with the real parser; lifelines in order; a request and an answer arrow per exchange, nested calls inside', async () => {
    const recorder = memoryRecorder();
    const id = recordRun(recorder);
    const text = recorder.exportTrace(id, 'mermaid');
    const { messages, actors } = await parsedDiagram(text);
    expect(actors).toEqual([
      ['User', 'User'], ['Agent', 'Agent'], ['Provider', 'Provider'], ['Service', 'Service'], ['Inbox', 'Inbox'], ['External', 'External client'],
    ]);
    const arrows = messages.map((m) => [m.type === NOTE ? 'note' : `${m.from}${m.type === SOLID ? '->>' : m.type === DOTTED ? '-->>' : m.type === DOTTED_CROSS ? '--x' : '?'}${m.to}`, decodeEntities(m.message)]);
    expect(arrows).toEqual([
      ['note', 'step: discover'],
      ['Agent->>Service', 'GET /api/resource'],
      ['Service-->>Agent', '401 invalid_token'],
      ['note', 'step: get ID-JAG; #1: "mint"'],
      ['Agent->>Provider', 'POST /id-jag'],
      ['Provider-->>Agent', '200 OK'],
      ['note', 'step: register'],
      ['Agent->>Service', 'POST /oauth2/token'],
      ['Service->>Provider', 'GET /.well-known/jwks.json'],
      ['Provider-->>Service', '200 OK'],
      ['Service-->>Agent', '400 invalid_signature'],
      ['Service->>Inbox', 'SMTP mail "Claim your registration"'],
      ['Inbox-->>Service', '250 OK'],
      ['User->>Service', 'GET /agent/auth/claim/view?…'],
      ['Service-->>User', '200 OK'],
      ['External->>Service', 'GET /.well-known/oauth-authorization-server (curl/8.5.0)'],
      ['Service-->>External', '200 OK'],
      ['Service->>External', 'GET /agent.json (cimd.example)'],
      ['External--xService', 'no answer: getaddrinfo ENOTFOUND cimd.example'],
      ['note', 'step: revoke'],
      ['Provider->>Service', 'POST /agent/auth/revoke'],
      ['Service-->>Provider', '302 Found'],
    ]);
    expect(text).not.toContain('cv_0123456789'); // the claim link's token stays out of the picture
  });

  it('Mermaid: leaves out the External client lifeline when no outsider took part', async () => {
    const recorder = memoryRecorder();
    recorder.record({ from: 'Agent', to: 'Service', method: 'GET', url: `${S}/`, status: 200 });
    const { actors } = await parsedDiagram(recorder.exportTrace(recorder.currentTraceId(), 'mermaid'));
    expect(actors.map(([id]) => id)).toEqual(['User', 'Agent', 'Provider', 'Service', 'Inbox']);
  });

  it('Mermaid: any step name, error code or client label still parses and reads back as sent', async () => {
    // Mostly the characters Mermaid treats specially, mixed with arbitrary Unicode.
    const tricky = fc.constantFrom(...';#:"\'%<>&{}[]()|`\\-+,.=/\n\r\t aZ0é→'.split(''), '%%', '<br>', '->>', '-->>', '#35;', 'end', 'Note');
    const text = fc.array(fc.oneof(tricky, fc.string({ maxLength: 3, unit: 'binary' })), { maxLength: 12 }).map((parts) => parts.join(''));
    const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
    await fc.assert(
      fc.asyncProperty(text, text, text, async (step, code, label) => {
        const e = {
          id: 'exc_1', traceId: 't', seq: 1, from: 'External client', fromLabel: label, to: 'Service', step, method: 'GET',
          url: `${S}/x`, requestHeaders: {}, requestBody: null, status: 400, responseHeaders: json,
          responseBody: JSON.stringify({ error: code }), startedAt: new Date(0).toISOString(), durationMs: 0, jwts: [], secrets: [],
        } satisfies Exchange;
        const { messages } = await parsedDiagram(toMermaid([e]));
        const texts = messages.map((m) => decodeEntities(m.message));
        expect(messages.map((m) => m.type)).toEqual(step ? [NOTE, SOLID, DOTTED] : [SOLID, DOTTED]);
        const cut = (s: string) => (s.length > 90 ? `${s.slice(0, 89)}…` : s);
        expect(texts).toEqual([
          ...(step ? [cut(oneLine(`step: ${step}`))] : []),
          cut(oneLine(`GET /x${label ? ` (${label})` : ''}`)),
          cut(oneLine(`400 ${code || 'Bad Request'}`)),
        ]);
      }),
      { numRuns: 100 },
    );
  }, 120_000);

  it('Markdown: title, the diagram in a mermaid block, a table with a row per exchange, the tokens', () => {
    const recorder = memoryRecorder();
    const id = recordRun(recorder);
    const md = recorder.exportTrace(id, 'markdown');
    expect(md.startsWith('# ID-JAG: "happy" path | demo\n')).toBe(true);
    const block = /```mermaid\n([\s\S]*?)\n```/.exec(md);
    expect(block?.[1]).toBe(recorder.exportTrace(id, 'mermaid').trimEnd());
    const rows = md.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    expect(rows).toHaveLength(9 + 2); // 9 exchanges, 2 decoded tokens
    expect(md).toContain('| # | Step | From | To | Request | Response | Time |');
    // Rows in the order requests were sent; # is the exchange's number in the trace.
    expect(rows.slice(2, 4)).toEqual([
      '| 4 | register | Agent | Service | POST /oauth2/token | 400 invalid_signature | 3 ms |',
      '| 3 | register | Service | Provider | GET /.well-known/jwks.json | 200 OK | 1 ms |',
    ]);
    expect(md).toContain('| 7 |  | External client (curl/8.5.0) | Service |');
    expect(md).toMatch(/\| 2 \| response\.body\.assertion \| oauth-id-jag\+jwt \| http:\/\/127\.0\.0\.1:4000 \| usr_1 \|/);
  });

  it('JSON: round-trips to the same trace and exchanges', () => {
    const recorder = memoryRecorder();
    const id = recordRun(recorder);
    const doc = parseTraceJson(recorder.exportTrace(id, 'json'));
    expect(doc.trace).toEqual(recorder.listTraces().find((t) => t.id === id));
    expect(doc.exchanges).toEqual(recorder.exchanges(id));
    expect(() => parseTraceJson('{"format":"something-else"}')).toThrow(/not a trace export/);
  });

  it('JSON: keeps the key that verified a token (the inspector shows it after a reload)', () => {
    const recorder = memoryRecorder();
    const key = { kty: 'EC', crv: 'P-256', x: 'x-coordinate', y: 'y-coordinate', thumbprint: 'tp' };
    recorder.record({
      from: 'Agent', to: 'Service', method: 'POST', url: 'http://127.0.0.1:8000/agent/auth', status: 200,
      jwts: [{ where: 'request.body.assertion', header: { alg: 'ES256' }, claims: {}, signature: { status: 'verified', kid: 'k1', jwksUri: 'http://127.0.0.1:4000/jwks', key } }],
    });
    recorder.flush();
    const doc = parseTraceJson(recorder.exportTrace(recorder.currentTraceId(), 'json'));
    expect(doc.exchanges[0].jwts[0].signature).toEqual({ status: 'verified', kid: 'k1', jwksUri: 'http://127.0.0.1:4000/jwks', key });
  });
});

/** A v0.6 run (PROTOCOL-v0.6.md): its Service exchanges carry the profile that answered (Exchange.serviceProfile). */
function recordV06Run(recorder: TraceRecorder, extra?: (r: TraceRecorder) => void): string {
  const id = recorder.beginTrace({ title: 'Flow: id-jag', flow: 'id-jag' });
  recorder.record({ from: 'Agent', to: 'Service', serviceProfile: 'v0.6', step: 'discover', method: 'GET', url: `${S}/api/resource`, status: 401, ...t(0, 1) });
  recorder.record({ from: 'Agent', to: 'Provider', step: 'get ID-JAG', method: 'POST', url: `${P}/id-jag`, status: 200, ...t(2, 3) });
  recorder.record({ from: 'Agent', to: 'Service', serviceProfile: 'v0.6', step: 'register', method: 'POST', url: `${S}/oauth2/token`, status: 200, ...t(4, 5) });
  extra?.(recorder);
  return id;
}

describe('exports say which profile answered (issue 17)', () => {
  it('Mermaid: the Service lifeline reads "Service (v0.6)"; a trace that reached both services has one lifeline each', async () => {
    const recorder = memoryRecorder();
    const one = await parsedDiagram(recorder.exportTrace(recordV06Run(recorder), 'mermaid'));
    expect(one.actors).toContainEqual(['Service', 'Service (v0.6)']);
    expect(one.messages.filter((m) => m.type === SOLID).map((m) => m.to)).toEqual(['Service', 'Provider', 'Service']);

    const both = recordV06Run(recorder, (r) =>
      r.record({ from: 'Agent', to: 'Service', serviceProfile: 'v0.1', method: 'GET', url: `${S}/api/resource`, status: 401, ...t(6, 7) }));
    const two = await parsedDiagram(recorder.exportTrace(both, 'mermaid'));
    const services = two.actors.filter(([, name]) => name.startsWith('Service'));
    expect(services.map(([, name]) => name)).toEqual(['Service (v0.1)', 'Service (v0.6)']);
    const to = two.messages.filter((m) => m.type === SOLID).map((m) => two.actors.find(([actorId]) => actorId === m.to)?.[1]);
    expect(to).toEqual(['Service (v0.6)', 'Provider', 'Service (v0.6)', 'Service (v0.1)']);
  });

  it('Markdown: the header names the profile, the table names the Service by it', () => {
    const recorder = memoryRecorder();
    const md = recorder.exportTrace(recordV06Run(recorder), 'markdown');
    expect(md.split('\n')[2]).toMatch(/^Profile: `v0\.6` · Flow: `id-jag`/);
    expect(md).toContain('| 3 | register | Agent | Service (v0.6) | POST /oauth2/token | 200 OK |');
    expect(md).toContain('| 2 | get ID-JAG | Agent | Provider |');
  });

  it('HAR: the log comment names the profile, each Service entry carries _serviceProfile', () => {
    const recorder = memoryRecorder();
    const raw = JSON.parse(recorder.exportTrace(recordV06Run(recorder), 'har')) as { log: { comment?: string } };
    const har = harSchema.parse(raw);
    expect(raw.log.comment).toMatch(/profile v0\.6/);
    expect((har.log.entries as Record<string, unknown>[]).map((e) => e._serviceProfile)).toEqual(['v0.6', undefined, 'v0.6']);
    // A v0.1 trace recorded without profiles (an old one) keeps its export as it was.
    const old = JSON.parse(recorder.exportTrace(recordRun(recorder), 'har')) as { log: { comment?: string } };
    expect(old.log.comment).toBeUndefined();
  });
});
