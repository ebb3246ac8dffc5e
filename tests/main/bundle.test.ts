import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/electron-binary.mjs';
import { buildNeeded } from '../../scripts/start-plan.mjs';
import { STUDIO_API_PATH, STUDIO_TOKEN_HEADER, STUDIO_TOKEN_META } from '../../src-servers/protocol/studio.js';
import { packagedFilters } from './packaged-files.js';

/**
 * The desktop app as `npm start` builds it (electron-vite → out/), run where no Electron binary
 * exists: the built main bundle under plain Node with `electron` answered by a recorder
 * (electron-stub/), looking like Electron's main process (process.versions.electron), started from
 * a working directory outside the app, as a desktop launcher does. Twice: in the checkout (npm start)
 * and from a folder holding only what electron-builder.yml packs (the app.asar's content).
 * What this proves about the real app: the ESM bundle loads, its external packages resolve from
 * out/main, every file it reads at run time (both profiles' AUTH.md, the renderer) is found from
 * there, the window gets the sandboxed preload that was built, and the studio answers the page the
 * window loads. What it cannot: Chromium itself (sandbox, preload execution, CSP enforcement) and
 * Electron's asar file system — the Playwright `_electron` test covers those where the binary exists.
 */
const STUB = join(REPO_ROOT, 'tests', 'main', 'electron-stub', 'register.mjs');
type StubRecord = { kind: string; [k: string]: any };
const tmp: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tmp.push(d);
  return d;
};
afterAll(() => {
  for (const d of tmp.splice(0)) rmSync(d, { recursive: true, force: true });
});

function ensureBuilt(): void {
  if (!buildNeeded(REPO_ROOT).build) return;
  const require = createRequire(join(REPO_ROOT, 'package.json'));
  const cli = join(require.resolve('electron-vite/package.json'), '..', 'bin', 'electron-vite.js');
  const r = spawnSync(process.execPath, [cli, 'build', '--logLevel', 'warn'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`electron-vite build failed: ${r.stderr}`);
}

/** A copy of exactly the files electron-builder would pack, with the project's node_modules beside them. */
async function packagedApp(): Promise<string> {
  const { packed } = await packagedFilters();
  const app = tempDir('studio-packaged-');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === '.git') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (packed(relative(REPO_ROOT, full).split(sep).join('/'))) {
        mkdirSync(dirname(join(app, relative(REPO_ROOT, full))), { recursive: true });
        cpSync(full, join(app, relative(REPO_ROOT, full)));
      }
    }
  };
  walk(REPO_ROOT);
  // electron-builder adds the production dependencies itself (not through `files`).
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(app, 'node_modules'));
  return app;
}

function describeLaunch(layout: string, appDir: () => Promise<string>) {
  describe(`the built main process under a recorded electron: ${layout}`, () => {
    let child: ChildProcess;
    let app: string;
    let profile: string;
    const records: StubRecord[] = [];
    const logs: string[] = [];
    let exited: Promise<number | null>;
    const waitFor = (kind: string) =>
      new Promise<StubRecord>((resolve, reject) => {
        const check = () => {
          const found = records.find((r) => r.kind === kind);
          if (found) return resolve(found);
          if (child.exitCode !== null) return reject(new Error(`main process exited (${child.exitCode}) before "${kind}":\n${logs.join('\n')}`));
          setTimeout(check, 20);
        };
        check();
      });
    const studio = async () => {
      const { url } = await waitFor('load-url');
      const base = String(url).replace(/\/$/, '');
      const html = await (await fetch(base)).text();
      const token = new RegExp(`<meta name="${STUDIO_TOKEN_META}" content="([^"]+)">`).exec(html)?.[1] ?? '';
      return { base, html, token };
    };

    beforeAll(async () => {
      ensureBuilt();
      app = await appDir();
      profile = tempDir('studio-bundle-');
      const { ELECTRON_RUN_AS_NODE: _, ...env } = process.env;
      child = spawn(process.execPath, ['--import', STUB, join(app, 'out', 'main', 'index.js')], {
        cwd: profile, // a launcher's working directory, not the app's: nothing may be found through it
        env: { ...env, STUDIO_USER_DATA_DIR: profile, STUB_APP_DATA: profile },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
      let partial = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          if (line.startsWith('ELECTRON-STUB ')) records.push(JSON.parse(line.slice('ELECTRON-STUB '.length)));
          else logs.push(line);
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
      await waitFor('load-url');
    }, 60_000);

    afterAll(() => {
      if (child?.exitCode === null) child.kill('SIGKILL');
    });

    it('starts the host and the studio, with no error box, its databases in <userData>/data', () => {
      expect(records.filter((r) => r.kind === 'error-box')).toEqual([]);
      expect(logs.join('\n')).toMatch(/\[studio\] studio on http:\/\/127\.0\.0\.1:\d+; service http:\/\/127\.0\.0\.1:\d+/);
      // process.versions.electron is set and no Electron build exists here: the package's own build loads.
      expect(readdirSync(join(profile, 'data')).filter((f) => f.endsWith('.db')).length).toBeGreaterThanOrEqual(3);
    });

    it('gives the window the sandboxed preload that electron-vite built, the hardened preferences, and the guards', async () => {
      const { options, guards } = await waitFor('window');
      expect(options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true });
      expect(options.webPreferences.preload).toBe(join(app, 'out', 'preload', 'index.cjs'));
      expect(existsSync(options.webPreferences.preload)).toBe(true);
      expect(guards).toEqual(expect.arrayContaining(['will-navigate', 'will-redirect', 'will-frame-navigate', 'will-attach-webview']));
      expect(records.map((r) => r.kind)).toEqual(expect.arrayContaining(['window-open-handler', 'on-headers-received', 'permission-request-handler', 'permission-check-handler']));
      expect(records.filter((r) => r.kind === 'ipc-handle').map((r) => r.channel).sort()).toEqual(['studio:open-external', 'studio:save-file']);
    });

    it("loads the built studio page from loopback with the app's CSP, and the studio answers what that page sends", async () => {
      const { url, headers } = await waitFor('load-url');
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/?$/);
      const csp = String(headers['Content-Security-Policy']);
      expect(csp).toMatch(/script-src 'self';.*frame-ancestors 'none'/);
      const { base, html, token } = await studio();
      expect(token).not.toBe('');
      expect(html).toMatch(/<script type="module" crossorigin src="\.\/assets\/index-[^"]+\.js">/);
      // What the window's fetch sends: Host 127.0.0.1:PORT (automatic), the page's Origin, the token.
      const info = await fetch(`${base}${STUDIO_API_PATH}/info`, { headers: { origin: new URL(base).origin, [STUDIO_TOKEN_HEADER]: token } });
      expect(info.status).toBe(200);
      const { services } = (await info.json()) as { services: { profile: string; url: string }[] };
      expect(services.map((s) => s.profile).sort()).toEqual(['v0.1', 'v0.6']);
      // Every service the panes frame is in frame-src (else the panes would be blank in Electron only).
      for (const s of services) expect(csp).toContain(new URL(s.url).origin);
    });

    it("serves each profile's AUTH.md, found from the bundle's own folder", async () => {
      const { base, token } = await studio();
      const { services } = (await (await fetch(`${base}${STUDIO_API_PATH}/info`, { headers: { [STUDIO_TOKEN_HEADER]: token } })).json()) as { services: { url: string }[] };
      for (const s of services) {
        const res = await fetch(`${s.url}/auth.md`);
        expect(res.status, s.url).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/markdown/);
        expect(await res.text()).toContain(s.url);
      }
    });

    it('quits cleanly on SIGTERM (Ctrl+C in `npm start`): servers stopped first, then exit 0', async () => {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(records.map((r) => r.kind)).toEqual(expect.arrayContaining(['quit-held', 'quit']));
      expect(logs.join('\n')).toContain('[studio] servers stopped');
    });
  });
}

describeLaunch('in the checkout (npm start)', async () => REPO_ROOT);
describeLaunch("from only the files electron-builder packs (app.asar's content)", packagedApp);

describe('the built main bundle (out/main/index.js)', () => {
  beforeAll(ensureBuilt, 60_000);

  it('never forks a Node child: the packaged app has the RunAsNode fuse off, which breaks process.fork (electron-builder.yml)', () => {
    const code = readFileSync(join(REPO_ROOT, 'out', 'main', 'index.js'), 'utf8');
    expect(code).not.toMatch(/from "(node:)?child_process"|require\("(node:)?child_process"\)|process\.execPath/);
  });
});

describe('the built preload (out/preload/index.cjs)', () => {
  beforeAll(ensureBuilt, 60_000);

  it("runs as a sandboxed preload runs: one CommonJS script whose only require is 'electron'", () => {
    const code = readFileSync(join(REPO_ROOT, 'out', 'preload', 'index.cjs'), 'utf8');
    const required: string[] = [];
    const exposed: Record<string, any> = {};
    const invoked: unknown[][] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
      ipcRenderer: { invoke: (...args: unknown[]) => (invoked.push(args), Promise.resolve()) },
    };
    // Electron's sandboxed require: a few renderer modules of 'electron' and Node built-ins, nothing from disk.
    const sandboxRequire = (id: string) => {
      required.push(id);
      if (id === 'electron') return electron;
      throw new Error(`module not found: ${id}`);
    };
    const module = { exports: {} };
    new Script(code, { filename: 'index.cjs' }).runInNewContext({ require: sandboxRequire, module, exports: module.exports });
    expect(required).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual(['studio']);
    expect(exposed.studio.isDesktop).toBe(true);
    // Only the known fields cross into the main process.
    void exposed.studio.saveFile({ defaultName: 'trace.json', content: '{}', extra: 'dropped' });
    expect(invoked).toEqual([['studio:save-file', { defaultName: 'trace.json', defaultPath: undefined, content: '{}' }]]);
  });
});
