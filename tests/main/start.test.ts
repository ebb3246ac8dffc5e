import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findElectronBinary, REPO_ROOT } from '../../scripts/electron-binary.mjs';
import { electronBindingFile, nativeBuildNeeded } from '../../scripts/electron-native.mjs';
import { browserOpener, BUILD_OUTPUTS, buildNeeded, FALLBACK_LINE, nativeFallbackLine, planStart } from '../../scripts/start-plan.mjs';

/**
 * `npm start` decides between Electron and the browser version. Each test builds a throw-away
 * project (a copy of scripts/ plus whatever node_modules/electron state it needs) and runs the
 * real start script in it with node.
 */

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type ElectronState = 'absent' | 'broken' | 'no-binary' | 'installed';

/** The Electron build of better-sqlite3 a test project would use (see scripts/electron-native.mjs). */
const nativeFile = (root: string) => electronBindingFile(join(root, 'node_modules'), '12.11.1', '38.8.6');

function project(opts: { electron: ElectronState; webScript?: string; built?: boolean; sqlite?: boolean }): string {
  const root = mkdtempSync(join(tmpdir(), 'studio-start-'));
  temps.push(root);
  mkdirSync(join(root, 'scripts'));
  for (const f of ['electron-binary.mjs', 'electron-native.mjs', 'start-plan.mjs', 'start.mjs']) copyFileSync(join(REPO_ROOT, 'scripts', f), join(root, 'scripts', f));
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({ name: 'start-test', private: true, type: 'module', scripts: { web: opts.webScript ?? 'node -e ""' } }),
  );
  if (opts.electron !== 'absent') {
    // Mirrors the real package: its main module is the binary's path, or throws (electron/index.js).
    const pkg = join(root, 'node_modules', 'electron');
    mkdirSync(join(pkg, 'dist'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'electron', version: '38.8.6', main: 'index.js' }));
    writeFileSync(
      join(pkg, 'index.js'),
      opts.electron === 'broken'
        ? "throw new Error('Electron failed to install correctly, please delete node_modules/electron and try installing again');\n"
        : "module.exports = require('path').join(__dirname, 'dist', 'electron');\n",
    );
    if (opts.electron === 'installed') {
      // A stand-in executable: says how it was launched and exits 3.
      writeFileSync(join(pkg, 'dist', 'electron'), '#!/bin/sh\necho "electron launched with: $*"\nexit 3\n');
      chmodSync(join(pkg, 'dist', 'electron'), 0o755);
    }
  }
  if (opts.sqlite !== false) {
    // Only what the native step reads: the package's version (its Node build is not needed here).
    mkdirSync(join(root, 'node_modules', 'better-sqlite3'), { recursive: true });
    writeFileSync(join(root, 'node_modules', 'better-sqlite3', 'package.json'), JSON.stringify({ name: 'better-sqlite3', version: '12.11.1' }));
  }
  if (opts.built) {
    // "Built" includes the one-time Electron build of better-sqlite3.
    if (opts.electron !== 'absent' && opts.sqlite !== false) {
      mkdirSync(join(nativeFile(root), '..'), { recursive: true });
      writeFileSync(nativeFile(root), '');
    }
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(root, 'package.json'), past, past);
    for (const f of BUILD_OUTPUTS) {
      mkdirSync(join(root, f, '..'), { recursive: true });
      writeFileSync(join(root, f), '');
    }
  }
  return root;
}

function startScript(root: string, env: Record<string, string> = {}, args: string[] = []) {
  const child = spawn(process.execPath, [join(root, 'scripts', 'start.mjs'), ...args], {
    cwd: root,
    // Never a real browser from a test run; the tests that check the opener set their own.
    env: { ...process.env, STUDIO_START_DRY_RUN: '', STUDIO_NO_BROWSER: '1', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function dryRun(root: string) {
  const s = startScript(root, { STUDIO_START_DRY_RUN: '1' });
  const code = await s.exited;
  return { code, lines: s.out().trim().split('\n') };
}

const asRoot = process.platform === 'linux' && process.getuid?.() === 0;

describe('findElectronBinary', () => {
  it('reports a missing package', () => {
    const r = findElectronBinary(project({ electron: 'absent' }));
    expect(r).toEqual({ found: false, reason: 'the electron package is not installed (its binary could not be downloaded)' });
  });
  it('reports a package whose install failed half way', () => {
    const r = findElectronBinary(project({ electron: 'broken' }));
    expect(r.found).toBe(false);
    expect(!r.found && r.reason).toMatch(/installed but unusable: Electron failed to install correctly/);
  });
  it('reports a path with no binary behind it', () => {
    const root = project({ electron: 'no-binary' });
    expect(findElectronBinary(root)).toEqual({
      found: false,
      reason: `the Electron binary is missing at ${join(root, 'node_modules', 'electron', 'dist', 'electron')}`,
    });
  });
  it('finds an installed binary', () => {
    const root = project({ electron: 'installed' });
    expect(findElectronBinary(root)).toEqual({ found: true, path: join(root, 'node_modules', 'electron', 'dist', 'electron') });
  });
});

describe('buildNeeded', () => {
  it('builds when an output is missing', () => {
    expect(buildNeeded(project({ electron: 'absent' }))).toEqual({ build: true, reason: 'out/main/index.js is missing' });
  });
  it('skips the build when the outputs are newer than every input', () => {
    expect(buildNeeded(project({ electron: 'absent', built: true }))).toEqual({ build: false });
  });
  it('rebuilds when a source changed after the build', () => {
    const root = project({ electron: 'absent', built: true });
    mkdirSync(join(root, 'src-main'));
    const future = new Date(Date.now() + 60_000);
    writeFileSync(join(root, 'src-main', 'index.ts'), '');
    utimesSync(join(root, 'src-main', 'index.ts'), future, future);
    expect(buildNeeded(root)).toEqual({ build: true, reason: 'src-main changed since the last build' });
  });
});

describe('planStart', () => {
  it('turns the sandbox off only where Chromium insists (root on Linux), and says so', () => {
    const root = project({ electron: 'installed', built: true });
    const asUser = planStart({ root, platform: 'linux', uid: 1000 });
    const asRootUser = planStart({ root, platform: 'linux', uid: 0 });
    expect(asUser.mode === 'electron' && asUser.args).toEqual([root]);
    expect(asRootUser.mode === 'electron' && asRootUser.args).toEqual([root, '--no-sandbox']);
    expect(asRootUser.lines[1]).toMatch(/--no-sandbox/);
    expect(planStart({ root, platform: 'darwin', uid: 0 })).toMatchObject({ mode: 'electron', args: [root] });
  });
});

describe('npm start (scripts/start.mjs)', () => {
  it('without the binary: prints one line saying why, then would serve the browser version', async () => {
    const { code, lines } = await dryRun(project({ electron: 'absent' }));
    expect(code).toBe(0);
    expect(lines).toEqual([FALLBACK_LINE, 'dry run: the electron package is not installed (its binary could not be downloaded); would run: npm run web']);
    expect(FALLBACK_LINE).toBe(
      "Electron's binary is not installed here (its download was skipped or failed), so the desktop window cannot open — serving the browser version instead.",
    );
  });

  it('with a broken install: the same one line (the detail only in the dry run)', async () => {
    const { lines } = await dryRun(project({ electron: 'no-binary' }));
    expect(lines[0]).toBe(FALLBACK_LINE);
    expect(lines[1]).toMatch(/^dry run: the Electron binary is missing at .*; would run: npm run web$/);
  });

  it('with the binary: would build first when there is no build, then launch Electron on the project', async () => {
    const root = project({ electron: 'installed' });
    const { code, lines } = await dryRun(root);
    expect(code).toBe(0);
    const binary = join(root, 'node_modules', 'electron', 'dist', 'electron');
    expect(lines[0]).toBe(`Starting the desktop app with Electron (${binary}).`);
    expect(lines).toContain('dry run: would build: yes (out/main/index.js is missing)');
    expect(lines.at(-1)).toBe(`dry run: would run: ${binary} ${root}${asRoot ? ' --no-sandbox' : ''}`);
  });

  it('in this checkout: states the decision the binary lookup makes', async () => {
    const { code, lines } = await dryRun(REPO_ROOT);
    expect(code).toBe(0);
    const electron = findElectronBinary(REPO_ROOT);
    expect(lines[0]).toBe(electron.found ? `Starting the desktop app with Electron (${electron.path}).` : FALLBACK_LINE);
  });

  it.skipIf(process.platform === 'win32')('launches the binary on the project and exits with its code', async () => {
    const root = project({ electron: 'installed', built: true });
    const s = startScript(root);
    expect(await s.exited).toBe(3);
    expect(s.out()).toContain(`electron launched with: ${root}${asRoot ? ' --no-sandbox' : ''}\n`);
  });

  it('runs `npm run web` when the binary is missing, with the flags given, and exits with its code', async () => {
    const web = `node -e "console.log('web version started with', process.argv.slice(1).join(' ')); process.exit(4)" --`;
    const s = startScript(project({ electron: 'absent', webScript: web }), {}, ['--in-memory', '--studio-port', '0']);
    expect(await s.exited).toBe(4);
    expect(s.out().split('\n')[0]).toBe(FALLBACK_LINE);
    expect(s.out()).toContain('web version started with --in-memory --studio-port 0\n');
  });

  it.skipIf(process.platform === 'win32')('passes a stop signal on to the browser version', async () => {
    const web = `node -e "process.on('SIGTERM', () => { console.log('web version stopping'); process.exit(0) }); console.log('web ready'); setTimeout(() => process.exit(1), 20000)"`; // gone by itself if the signal never comes
    const s = startScript(project({ electron: 'absent', webScript: web }));
    await new Promise<void>((resolve) => s.child.stdout.on('data', () => s.out().includes('web ready') && resolve()));
    s.child.kill('SIGTERM');
    await s.exited;
    expect(s.out()).toContain('web version stopping');
  });
});

describe('npm start: the Electron build of better-sqlite3 (issue 15)', () => {
  it('nativeBuildNeeded: a build for the installed Electron and better-sqlite3, or why not', () => {
    const fresh = project({ electron: 'installed' });
    expect(nativeBuildNeeded(fresh)).toEqual({ build: true, reason: 'no build for Electron 38.8.6 yet', file: nativeFile(fresh) });
    const ready = project({ electron: 'installed', built: true });
    expect(nativeBuildNeeded(ready)).toEqual({ build: false, file: nativeFile(ready) });
    expect(nativeBuildNeeded(project({ electron: 'installed', sqlite: false }))).toEqual({ build: true, reason: 'better-sqlite3 is not installed (run npm install)' });
  });

  it('dry run, first start: would prepare it once, beside the Node build, then build and launch', async () => {
    const root = project({ electron: 'installed' });
    const { lines } = await dryRun(root);
    expect(lines).toContain(`dry run: would prepare better-sqlite3 for Electron: yes (no build for Electron 38.8.6 yet) → ${nativeFile(root)}`);
    expect(nativeFile(root).startsWith(join(root, 'node_modules', '.electron-native') + '/')).toBe(true);
    expect(lines.at(-1)).toMatch(/^dry run: would run: /);
  });

  it('dry run, later starts: nothing to prepare', async () => {
    const root = project({ electron: 'installed', built: true });
    const { lines } = await dryRun(root);
    expect(lines).toContain(`dry run: would prepare better-sqlite3 for Electron: no (ready: ${nativeFile(root)})`);
  });

  it('when it cannot be prepared: one line saying why, then the browser version (never a window that crashes)', async () => {
    const web = `node -e "console.log('web version started'); process.exit(5)"`;
    const s = startScript(project({ electron: 'installed', sqlite: false, webScript: web }));
    expect(await s.exited).toBe(5);
    expect(s.out()).toContain(`${nativeFallbackLine('better-sqlite3 is not installed (run npm install)')}\n`);
    expect(s.out()).toContain('web version started\n');
    expect(s.out()).not.toContain('electron launched with');
  });
});

describe('npm start: the browser version opens in the default browser', () => {
  it('browserOpener: xdg-open / open / start where there is a display, never in CI or on a headless Linux', () => {
    expect(browserOpener({ platform: 'linux', env: { DISPLAY: ':0' } })).toEqual({ open: true, command: 'xdg-open', args: [] });
    expect(browserOpener({ platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0' } })).toMatchObject({ open: true, command: 'xdg-open' });
    expect(browserOpener({ platform: 'linux', env: {} })).toEqual({ open: false, reason: 'no display (DISPLAY and WAYLAND_DISPLAY are not set)' });
    expect(browserOpener({ platform: 'darwin', env: {} })).toEqual({ open: true, command: 'open', args: [] });
    expect(browserOpener({ platform: 'win32', env: {} })).toEqual({ open: true, command: 'cmd', args: ['/c', 'start', '""'] });
    expect(browserOpener({ platform: 'linux', env: { DISPLAY: ':0', CI: 'true' } })).toEqual({ open: false, reason: 'running in CI' });
    expect(browserOpener({ platform: 'darwin', env: { STUDIO_NO_BROWSER: '1' } })).toEqual({ open: false, reason: 'STUDIO_NO_BROWSER=1' });
  });

  // A stand-in xdg-open on PATH records what it was asked to open.
  function withFakeOpener(root: string) {
    const bin = join(root, 'bin');
    mkdirSync(bin);
    const record = join(root, 'opened.txt');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\necho "$@" > "${record}"\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    return { path: `${bin}:${process.env.PATH}`, record };
  }
  const webReporting = (studio: string) =>
    `node -e "console.log('READY ' + JSON.stringify({ studio: '${studio}' })); setTimeout(() => process.exit(0), 1500)"`;

  it.skipIf(process.platform !== 'linux')('opens the studio URL web.ts reports, once it is READY', async () => {
    const root = project({ electron: 'absent', webScript: webReporting('http://127.0.0.1:5178') });
    const fake = withFakeOpener(root);
    const s = startScript(root, { PATH: fake.path, DISPLAY: ':99', CI: '', STUDIO_NO_BROWSER: '' });
    expect(await s.exited).toBe(0);
    expect(s.out().split('\n')[0]).toBe(FALLBACK_LINE);
    expect(readFileSync(fake.record, 'utf8')).toBe('http://127.0.0.1:5178\n');
  });

  it.skipIf(process.platform !== 'linux')('opens nothing without a display', async () => {
    const root = project({ electron: 'absent', webScript: webReporting('http://127.0.0.1:5178') });
    const fake = withFakeOpener(root);
    const { DISPLAY: _d, WAYLAND_DISPLAY: _w, ...env } = process.env;
    const s = spawn(process.execPath, [join(root, 'scripts', 'start.mjs')], { cwd: root, env: { ...env, CI: '', PATH: fake.path, STUDIO_START_DRY_RUN: '' } });
    s.stdout.resume();
    await new Promise((r) => s.on('close', r));
    expect(existsSync(fake.record)).toBe(false);
  });
});
