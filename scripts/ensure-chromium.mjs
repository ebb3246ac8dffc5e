// Find a Chromium for the end-to-end tests, so that `npm test` on a fresh machine needs no browser
// installed by hand:
//   1. CHROMIUM_PATH, when set (it must exist);
//   2. a system Chromium or Chrome on PATH (chromium, chromium-browser, google-chrome, …);
//   3. Playwright's own Chromium, when `playwright install` has fetched it before;
//   4. otherwise fetch Playwright's own Chromium now (`playwright install --no-shell chromium`), bounded
//      in time; if that is impossible (offline), fail with one line saying what to install.
//
//   node scripts/ensure-chromium.mjs [command args…]
// prints where the browser is, then runs the command (e.g. `playwright test`) with CHROMIUM_PATH set to it.
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

export const INSTALL_HINT =
  'e2e: no Chromium found and Playwright could not download one: install Chromium (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary';

/** Seconds the download may take before we give up (a blackholed network must not hang the tests). */
export const INSTALL_TIMEOUT_S = 300;

/**
 * Where the browser is, decided from injected lookups so it can be tested without touching the machine.
 * @param {{
 *   env: Record<string, string | undefined>,
 *   onPath: (name: string) => string | undefined,
 *   isExecutable: (path: string) => boolean,
 *   playwrightPath: () => string | undefined,
 *   install: () => boolean,
 * }} io
 * @returns {{ ok: true, path: string, source: 'CHROMIUM_PATH' | 'PATH' | 'playwright' | 'downloaded' } | { ok: false, message: string }}
 */
export function resolveChromium(io) {
  const fromEnv = io.env.CHROMIUM_PATH;
  if (fromEnv) {
    return io.isExecutable(fromEnv)
      ? { ok: true, path: fromEnv, source: 'CHROMIUM_PATH' }
      : { ok: false, message: `e2e: CHROMIUM_PATH is ${fromEnv}, which is not an executable file: point it at a Chromium or Chrome binary, or unset it` };
  }
  for (const name of SYSTEM_NAMES) {
    const found = io.onPath(name);
    if (found) return { ok: true, path: found, source: 'PATH' };
  }
  const own = io.playwrightPath();
  if (own && io.isExecutable(own)) return { ok: true, path: own, source: 'playwright' };
  if (own && io.install() && io.isExecutable(own)) return { ok: true, path: own, source: 'downloaded' };
  return { ok: false, message: INSTALL_HINT };
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first `name` on PATH that is an executable file (as found: a snap's link must stay a link). */
function onPath(name, env = process.env) {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

const require = createRequire(import.meta.url);

function playwrightCoreDir() {
  return dirname(require.resolve('playwright-core/package.json'));
}

/** Where `playwright install chromium` puts (or has put) the browser this Playwright drives. */
function playwrightPath() {
  try {
    return require('playwright-core').chromium.executablePath();
  } catch {
    return undefined;
  }
}

/** `playwright install --no-shell chromium`, its output kept quiet, bounded by INSTALL_TIMEOUT_S. */
function install(log) {
  log(`e2e: no Chromium on this machine; fetching Playwright's own (playwright install chromium, at most ${INSTALL_TIMEOUT_S} s)…`);
  try {
    execFileSync(process.execPath, [join(playwrightCoreDir(), 'cli.js'), 'install', '--no-shell', 'chromium'], {
      stdio: 'ignore',
      timeout: INSTALL_TIMEOUT_S * 1000,
      killSignal: 'SIGKILL',
      // Each mirror that does not answer gives up after 10 s instead of Playwright's 30 s.
      env: { PLAYWRIGHT_DOWNLOAD_CONNECTION_TIMEOUT: '10000', ...process.env },
    });
    return true;
  } catch {
    return false;
  }
}

/** The real machine's answer. `log` hears about a download before it starts. */
export function findChromium({ env = process.env, allowInstall = true, log = (line) => console.error(line) } = {}) {
  return resolveChromium({
    env,
    onPath: (name) => onPath(name, env),
    isExecutable,
    playwrightPath,
    install: () => allowInstall && install(log),
  });
}

function main() {
  const found = findChromium();
  if (!found.ok) {
    console.error(found.message);
    process.exit(1);
  }
  console.error(`e2e: Chromium ${found.path} (${found.source === 'PATH' ? 'on PATH' : found.source === 'CHROMIUM_PATH' ? 'CHROMIUM_PATH' : "Playwright's own"})`);
  const [command, ...args] = process.argv.slice(2);
  if (!command) return;
  const child = spawn(command, args, {
    stdio: 'inherit',
    env: { ...process.env, CHROMIUM_PATH: found.path },
    shell: process.platform === 'win32',
  });
  const forward = (signal) => child.kill(signal);
  for (const s of ['SIGINT', 'SIGTERM']) process.on(s, forward);
  child.on('error', (err) => {
    console.error(`e2e: could not run ${command}: ${err.message}`);
    process.exit(1);
  });
  child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();
