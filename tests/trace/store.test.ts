import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src-servers/db/sqlite.js';
import { createTraceRecorder, traceMigrations, TraceNotFoundError } from '../../src-servers/trace/index.js';
import type { TraceMeta } from '../../src-servers/trace/types.js';
import { memoryRecorder } from './helpers.js';

const exchange = (path: string, status = 200) =>
  ({ from: 'Agent', to: 'Service', method: 'GET', url: `http://127.0.0.1:8000${path}`, status }) as const;

describe('traces', () => {
  it('starts with a current "Session" trace; beginTrace makes a new current one and announces it', () => {
    const recorder = memoryRecorder();
    const [session] = recorder.listTraces();
    expect(session).toMatchObject({ title: 'Session', exchangeCount: 0 });
    expect(recorder.currentTraceId()).toBe(session.id);
    recorder.record(exchange('/before'));

    const announced: TraceMeta[] = [];
    recorder.on('trace', (t: TraceMeta) => announced.push(t));
    const id = recorder.beginTrace({ title: 'ID-JAG registration', flow: 'id-jag', scenario: 'happy' });
    expect(recorder.currentTraceId()).toBe(id);
    expect(announced).toEqual([expect.objectContaining({ id, title: 'ID-JAG registration', flow: 'id-jag', scenario: 'happy', exchangeCount: 0 })]);
    const e = recorder.record(exchange('/during'));
    expect(e).toMatchObject({ traceId: id, seq: 1 });
    // An exchange can be filed under a named trace; an unknown id falls back to the current one.
    expect(recorder.record({ ...exchange('/late'), traceId: session.id })).toMatchObject({ traceId: session.id, seq: 2 });
    expect(recorder.record({ ...exchange('/stray'), traceId: 'trc_nope' }).traceId).toBe(id);
    expect(recorder.listTraces().map((t) => [t.title, t.exchangeCount])).toEqual([['Session', 2], ['ID-JAG registration', 2]]);
    expect(recorder.exchanges('trc_nope')).toEqual([]);
    expect(() => recorder.exportTrace('trc_nope', 'json')).toThrow(TraceNotFoundError);
  });

  it('persists traces and exchanges in a SQLite file across reopen', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ars-trace-')), 'trace.db');
    let db = openDatabase(file, traceMigrations);
    let recorder = createTraceRecorder({ db });
    const run = recorder.beginTrace({ title: 'Anonymous', flow: 'anonymous' });
    const recorded = [recorder.record(exchange('/api/resource', 401)), recorder.record(exchange('/agent/auth'))];
    const before = recorder.listTraces();
    db.close();

    db = openDatabase(file, traceMigrations);
    recorder = createTraceRecorder({ db });
    expect(recorder.exchanges(run)).toEqual(recorded);
    const after = recorder.listTraces();
    expect(after.slice(0, 2)).toEqual(before);
    // A restart opens a fresh Session trace rather than appending to the old run…
    expect(after).toHaveLength(3);
    expect(after[2]).toMatchObject({ title: 'Session', exchangeCount: 0 });
    expect(recorder.currentTraceId()).toBe(after[2].id);
    db.close();

    // …and reuses it while it is still empty, so restarts do not pile up empty traces.
    db = openDatabase(file, traceMigrations);
    recorder = createTraceRecorder({ db });
    expect(recorder.listTraces()).toHaveLength(3);
    expect(recorder.currentTraceId()).toBe(after[2].id);
    expect(recorder.record(exchange('/x')).seq).toBe(1);
    db.close();
  });

  it('keeps secrets out of the database file but shows them to this session (PROTOCOL.md §7)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ars-trace-')), 'trace.db');
    let db = openDatabase(file, traceMigrations);
    let recorder = createTraceRecorder({ db });
    const key = 'sk_test_abcdefghijklmnopqrstuvwxyz012345';
    const claimToken = 'clm_abcdefghijklmnopqrstuvwxyz012345';
    const e = recorder.record({
      ...exchange('/agent/auth'),
      method: 'POST',
      responseHeaders: { 'content-type': 'application/json' },
      responseBody: JSON.stringify({ credential: key, claim_token: claimToken, registration_id: 'reg_1' }),
    });
    expect(recorder.exchanges(e.traceId)[0].responseBody).toContain(key);
    const rows = (db.prepare('SELECT data FROM exchanges').all() as { data: string }[]).map((r) => r.data).join('\n');
    expect(rows).not.toContain(key);
    expect(rows).not.toContain(claimToken);
    expect(rows).toContain('reg_1');
    db.close();

    db = openDatabase(file, traceMigrations);
    recorder = createTraceRecorder({ db });
    const reopened = JSON.parse(recorder.exchanges(e.traceId)[0].responseBody ?? '{}');
    expect(reopened).toEqual({ credential: '[redacted]', claim_token: '[redacted]', registration_id: 'reg_1' });
    db.close();
  });

  it('clear() wipes everything and starts a new Session trace', () => {
    const recorder = memoryRecorder();
    recorder.beginTrace({ title: 'Run' });
    recorder.record(exchange('/a'));
    recorder.clear();
    const traces = recorder.listTraces();
    expect(traces).toHaveLength(1);
    expect(traces[0]).toMatchObject({ title: 'Session', exchangeCount: 0, id: recorder.currentTraceId() });
  });
});
