/**
 * scripts/ensure-chromium.mjs — which Chromium `npm run test:e2e` uses, and what it says when there
 * is none. The machine is injected: these tests look at no real PATH and download nothing.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { INSTALL_HINT, resolveChromium, type ChromiumLookups } from '../../scripts/ensure-chromium.mjs';

const PW = '/home/u/.cache/ms-playwright/chromium-1/chrome-linux64/chrome';

/** A machine with these executables; `install` makes Playwright's browser appear (or not) and counts calls. */
function machine(opts: { env?: Record<string, string>; path?: Record<string, string>; files?: string[]; installWorks?: boolean } = {}) {
  const files = new Set(opts.files ?? []);
  let installs = 0;
  const io: ChromiumLookups = {
    env: opts.env ?? {},
    onPath: (name) => opts.path?.[name],
    isExecutable: (p) => files.has(p),
    playwrightPath: () => PW,
    install: () => {
      installs++;
      if (opts.installWorks) files.add(PW);
      return !!opts.installWorks;
    },
  };
  return { io, installs: () => installs };
}

describe('resolveChromium', () => {
  it('uses CHROMIUM_PATH first, even when a system Chromium is on PATH', () => {
    const m = machine({ env: { CHROMIUM_PATH: '/opt/chrome/chrome' }, path: { chromium: '/usr/bin/chromium' }, files: ['/opt/chrome/chrome'] });
    expect(resolveChromium(m.io)).toEqual({ ok: true, path: '/opt/chrome/chrome', source: 'CHROMIUM_PATH' });
    expect(m.installs()).toBe(0);
  });

  it('a CHROMIUM_PATH that is not there is an error naming it, not a silent fallback', () => {
    const m = machine({ env: { CHROMIUM_PATH: '/nope/chrome' }, path: { chromium: '/usr/bin/chromium' } });
    const r = resolveChromium(m.io);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain('/nope/chrome');
    expect(m.installs()).toBe(0);
  });

  it('then a system browser on PATH, in the order chromium, chromium-browser, google-chrome', () => {
    expect(resolveChromium(machine({ path: { 'chromium-browser': '/usr/bin/chromium-browser', 'google-chrome': '/usr/bin/google-chrome' } }).io))
      .toEqual({ ok: true, path: '/usr/bin/chromium-browser', source: 'PATH' });
    expect(resolveChromium(machine({ path: { 'google-chrome': '/usr/bin/google-chrome' } }).io))
      .toEqual({ ok: true, path: '/usr/bin/google-chrome', source: 'PATH' });
  });

  it("then Playwright's own browser when it was fetched before, without fetching again", () => {
    const m = machine({ files: [PW] });
    expect(resolveChromium(m.io)).toEqual({ ok: true, path: PW, source: 'playwright' });
    expect(m.installs()).toBe(0);
  });

  it("with none of those, fetches Playwright's Chromium once and uses it", () => {
    const m = machine({ installWorks: true });
    expect(resolveChromium(m.io)).toEqual({ ok: true, path: PW, source: 'downloaded' });
    expect(m.installs()).toBe(1);
  });

  it('when the fetch fails (offline), says in one line what to install', () => {
    const m = machine({ installWorks: false });
    const r = resolveChromium(m.io);
    expect(r).toEqual({ ok: false, message: INSTALL_HINT });
    expect(INSTALL_HINT).not.toContain('\n');
    expect(INSTALL_HINT).toMatch(/apt-get install chromium/);
    expect(INSTALL_HINT).toMatch(/CHROMIUM_PATH/);
    expect(m.installs()).toBe(1);
  });
});

describe('node scripts/ensure-chromium.mjs', () => {
  const script = join(import.meta.dirname, '..', '..', 'scripts', 'ensure-chromium.mjs');

  it('runs the command it is given with CHROMIUM_PATH set to the browser it found', () => {
    const r = spawnSync(process.execPath, [script, process.execPath, '-e', 'process.stdout.write(process.env.CHROMIUM_PATH)'], {
      env: { ...process.env, CHROMIUM_PATH: process.execPath },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(process.execPath);
  });

  it('with a CHROMIUM_PATH that does not exist: exit 1, one line, and the command does not run', () => {
    const r = spawnSync(process.execPath, [script, process.execPath, '-e', 'process.stdout.write("ran")'], {
      env: { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('/nonexistent/chromium');
  });
});
