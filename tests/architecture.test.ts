import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The dependency rules of DESIGN.md (rules 1, 6, 7), read from the import lines of the source:
 * the agent is a client (no host or provider code), roles never import the host that composes
 * them, and nothing in src-servers imports electron.
 */

const root = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(root, path)).isDirectory() ? sources(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports (static or dynamic). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/g), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)];
  return found.map((m) => m[1]);
}

function violations(dir: string, forbidden: RegExp): string[] {
  return sources(dir).flatMap((f) => importsOf(f).filter((s) => forbidden.test(s)).map((s) => `${relative(root, join(root, f))} imports ${s}`));
}

describe('architecture', () => {
  it('the agent imports no host and no provider code (DESIGN.md rule 6)', () => {
    expect(violations('src-servers/agent', /(^|\/)(host|provider)\//)).toEqual([]);
  });

  it('no role imports the host that composes it (DESIGN.md rule 7)', () => {
    for (const role of ['service', 'provider', 'mailbox', 'trace', 'protocol', 'db'])
      expect(violations(`src-servers/${role}`, /\.\.\/(host|agent)\//), role).toEqual([]);
  });

  it('the conformance runner judges roles from outside: no service, provider, mailbox or trace code (issue 18)', () => {
    expect(violations('src-servers/host/conformance', /(^|\/)(service|provider|mailbox|trace|http|keys|db)\//)).toEqual([]);
  });

  it('a service profile never imports another profile, and shared service code reaches profiles only through the registry (DESIGN.md rule 8)', () => {
    expect(violations('src-servers/service/profiles/v0.1', /(^|\/)v0\.6\/(?!constants|errors)/)).toEqual([]);
    expect(violations('src-servers/service/profiles/v0.6', /(^|\/)v0\.1\//)).toEqual([]);
    const shared = sources('src-servers/service').filter((f) => !f.includes('/profiles/'));
    const reaching = shared.flatMap((f) => importsOf(f).filter((s) => /profiles\/(?!index\.js$)/.test(s)).map((s) => `${f} imports ${s}`));
    expect(reaching).toEqual([]);
  });

  it('src-servers never imports electron (DESIGN.md rule 1)', () => {
    expect(violations('src-servers', /^electron(\/|$)/)).toEqual([]);
  });

  it('finds imports at all (the scan itself works)', () => {
    expect(importsOf('src-servers/host/agentCli.ts')).toContain('../agent/index.js');
  });
});
