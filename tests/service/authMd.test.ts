import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, SERVICE_ERROR_CODES } from '../../src-servers/protocol/errors.js';

const root = join(import.meta.dirname, '..', '..');
const authMd = readFileSync(join(root, 'AUTH.md'), 'utf8');

/** Rows `| \`code\` | status | …` of the first table after a heading or sentence containing `marker`. */
function tableAfter(marker: string): Map<string, number> {
  const start = authMd.indexOf(marker);
  expect(start).toBeGreaterThanOrEqual(0);
  const rows = new Map<string, number>();
  let inTable = false;
  for (const line of authMd.slice(start).split('\n')) {
    const m = /^\| `([a-z_]+)` \| (\d{3}) \|/.exec(line);
    if (m) {
      rows.set(m[1], Number(m[2]));
      inTable = true;
    } else if (inTable && !line.startsWith('|')) break;
  }
  return rows;
}

function serviceSources(dir = join(root, 'src-servers', 'service')): string {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .map((p) => (statSync(p).isDirectory() ? serviceSources(p) : p.endsWith('.ts') ? readFileSync(p, 'utf8') : ''))
    .join('\n');
}

describe('AUTH.md error table matches the service exactly', () => {
  const table = tableAfter('## Errors');
  // The service's own code plus the shared plumbing it is built on (src-servers/http: body limits, the error handler).
  const source = serviceSources() + serviceSources(join(root, 'src-servers', 'http'));
  const thrown = new Set([...source.matchAll(/new ProtocolError\(\s*'([a-z_]+)'/g)].map((m) => m[1]));

  it('every code the service code throws is in the table, with its status', () => {
    expect(thrown.size).toBeGreaterThan(20);
    for (const code of thrown) {
      expect(table.has(code), `${code} missing from AUTH.md`).toBe(true);
      expect(table.get(code)).toBe(ERROR_STATUS[code as keyof typeof ERROR_STATUS]);
    }
  });

  it('every code in the table is one the service throws, from the shared error map', () => {
    for (const [code, status] of table) {
      expect(thrown.has(code), `${code} is in AUTH.md but never thrown`).toBe(true);
      expect(ERROR_STATUS[code as keyof typeof ERROR_STATUS]).toBe(status);
    }
  });

  it('the table covers every SERVICE_ERROR_CODES entry', () => {
    for (const code of SERVICE_ERROR_CODES) expect(table.has(code), code).toBe(true);
  });

  it('the token endpoint table lists exactly the OAuth codes /oauth2/token answers', () => {
    const oauth = tableAfter('/oauth2/token` answers in the OAuth format');
    const used = new Set([...source.matchAll(/new OAuthError\(\s*'([a-z_]+)'/g)].map((m) => m[1]));
    // Plus what the shared error handler and the rate limiter produce on that path (http.ts, token.ts).
    used.add('rate_limited');
    used.add('server_error');
    expect([...oauth.keys()].sort()).toEqual([...used].sort());
  });

  it('every code in the table is exercised by a service test', () => {
    const tests = readdirSync(import.meta.dirname)
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => readFileSync(join(import.meta.dirname, f), 'utf8'))
      .join('\n');
    for (const code of table.keys()) {
      expect(tests.includes(`'${code}')`) || (code === 'rate_limited' && tests.includes('expectRateLimited(')), `${code} untested`).toBe(true);
    }
  });

  it('uses only the {{SERVICE_URL}} placeholder', () => {
    const placeholders = new Set([...authMd.matchAll(/\{\{([A-Z_]+)\}\}/g)].map((m) => m[1]));
    expect([...placeholders]).toEqual(['SERVICE_URL']);
  });
});
