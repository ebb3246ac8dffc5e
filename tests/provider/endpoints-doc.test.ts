/**
 * PROTOCOL.md §6 lists every endpoint the provider serves (issue 14 #12: consent answers and the
 * lessons endpoint were missing): each route the provider's app registers must be in that table,
 * and the section states the mock sign-in and the loopback-only stance.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProvider, type RunningProvider } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
const protocol = readFileSync(join(root, 'docs', 'PROTOCOL.md'), 'utf8');
const section6 = protocol.slice(protocol.indexOf('## 6. Provider'), protocol.indexOf('## 7.'));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

let provider: RunningProvider;
beforeAll(async () => {
  provider = await startProvider();
});
afterAll(async () => {
  await provider?.close();
});

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every (METHOD, path) the express app routes, through mounted routers. */
function routes(stack: Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      return Object.keys(layer.route.methods).filter((m) => m !== '_all').flatMap((m) => paths.map((p) => `${m.toUpperCase()} ${p}`));
    }
    return layer.handle?.stack ? routes(layer.handle.stack) : [];
  });
}

/** The `METHOD /path` pairs the §6 table names (a route's `:answer` is written out as approve and deny). */
const listed = new Set([...section6.matchAll(/\b(GET|POST|PUT|PATCH|DELETE) (\/[^\s`{?,]*)/g)].map((m) => `${m[1]} ${m[2]}`));
const documented = (route: string) =>
  route.endsWith('/:answer') ? ['approve', 'deny'].every((a) => listed.has(route.replace(/:answer$/, a))) : listed.has(route);

describe('PROTOCOL.md §6 lists every provider endpoint', () => {
  it('each route the provider registers appears in the table with its method', () => {
    const all = routes((provider.handle.app as unknown as { router: { stack: Layer[] } }).router.stack);
    expect(all.length).toBeGreaterThan(10);
    const missing = all.filter((r) => !documented(r));
    expect(missing, 'provider routes missing from PROTOCOL.md §6').toEqual([]);
  });

  it('states the mock sign-in and the loopback-only stance, in PROTOCOL.md §6 and the README', () => {
    for (const doc of [section6, readme]) {
      expect(doc).toMatch(/no passwords; any seeded user/);
      expect(doc).toMatch(/127\.0\.0\.1/);
      expect(doc).toMatch(/127\.(0\.0\.0\/8|x\.y\.z)/); // the per-IP limit caveat on loopback
    }
  });
});
