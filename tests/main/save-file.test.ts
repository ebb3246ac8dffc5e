import { describe, expect, it } from 'vitest';
import { FALLBACK_NAME, MAX_SAVE_BYTES, parseSaveFileRequest, safeFileName } from '../../src-main/save-file.js';

describe('parseSaveFileRequest', () => {
  it('accepts a name and text content', () => {
    expect(parseSaveFileRequest({ defaultName: 'trace.har', content: '{"log":{}}' })).toEqual({
      ok: true,
      defaultName: 'trace.har',
      content: '{"log":{}}',
    });
  });

  it('accepts defaultPath (the renderer’s name for it) but keeps only the file name', () => {
    expect(parseSaveFileRequest({ defaultPath: '/etc/cron.d/trace.md', content: '# x' })).toMatchObject({ ok: true, defaultName: 'trace.md' });
  });

  it('falls back to a plain name when none is suggested', () => {
    expect(parseSaveFileRequest({ content: '' })).toMatchObject({ ok: true, defaultName: FALLBACK_NAME });
  });

  it.each([
    [undefined, 'argument'],
    ['just a string', 'argument'],
    [{ defaultName: 'a.json' }, 'content'],
    [{ defaultName: 'a.json', content: 42 }, 'content'],
    [{ defaultName: ['a.json'], content: 'x' }, 'defaultName'],
  ])('rejects %j, naming the bad field', (value, field) => {
    const r = parseSaveFileRequest(value);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain(field);
  });

  it('refuses content over the size limit', () => {
    const r = parseSaveFileRequest({ defaultName: 'big.json', content: 'x'.repeat(MAX_SAVE_BYTES + 1) });
    expect(r).toMatchObject({ ok: false });
    expect(!r.ok && r.message).toMatch(/larger than/);
  });
});

describe('safeFileName', () => {
  it.each([
    ['trace.json', 'trace.json'],
    ['../../.bashrc', 'bashrc'],
    ['C:\\Windows\\system.ini', 'system.ini'],
    ['a<b>c:d"e|f?g*h.md', 'abcdefgh.md'],
    ['tab\tand\nnewline.txt', 'tabandnewline.txt'],
    ['..', FALLBACK_NAME],
    ['   ', FALLBACK_NAME],
    ['dir/', FALLBACK_NAME],
  ])('%j → %j', (input, out) => {
    expect(safeFileName(input)).toBe(out);
  });

  it('caps very long names', () => {
    expect(safeFileName('a'.repeat(1000) + '.json').length).toBe(200);
  });
});
