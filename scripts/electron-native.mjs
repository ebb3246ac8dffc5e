// The Electron build of better-sqlite3, kept beside the Node build rather than in place of it.
// `npm install` compiles node_modules/better-sqlite3 for Node's ABI (tests, `npm run serve`, the
// bench need exactly that); Electron's main process needs the same addon compiled for Electron's
// ABI (NODE_MODULE_VERSION 139 for Electron 38, against Node 20's 115). `npm start` prepares it
// once, here, and src-servers/db/sqlite.ts picks it with better-sqlite3's `nativeBinding` option
// when it runs inside Electron. Plain Node, no dependencies beyond what better-sqlite3 brings.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, sep } from 'node:path';

/** Folder under node_modules (so `npm ci` starts it afresh) holding one build per version pair. */
export const NATIVE_DIR = '.electron-native';
/** Electron's own headers, for a build from source when no prebuilt binary can be downloaded. */
export const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';

/**
 * Where the Electron build of a given better-sqlite3 goes. The name carries every input of the
 * build, so upgrading either package (or switching machines on a shared disk) never loads a stale
 * one. sqlite.ts computes the same path from inside the running Electron (a test keeps them equal).
 */
export function electronBindingFile(nodeModules, sqliteVersion, electronVersion, platform = process.platform, arch = process.arch) {
  return join(nodeModules, NATIVE_DIR, `better-sqlite3-${sqliteVersion}-electron-${electronVersion}-${platform}-${arch}`, 'better_sqlite3.node');
}

function versionOf(require, name) {
  try {
    return { ok: true, dir: dirname(require.resolve(`${name}/package.json`)), version: JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version };
  } catch {
    return { ok: false };
  }
}

/**
 * What the Electron build is made from and where it goes.
 * @returns {{ ok: true, sqliteDir: string, sqliteVersion: string, electronVersion: string, file: string } | { ok: false, reason: string }}
 */
export function electronNativeTarget(root, { platform = process.platform, arch = process.arch } = {}) {
  const require = createRequire(join(root, 'package.json'));
  const sqlite = versionOf(require, 'better-sqlite3');
  if (!sqlite.ok) return { ok: false, reason: 'better-sqlite3 is not installed (run npm install)' };
  const electron = versionOf(require, 'electron');
  if (!electron.ok) return { ok: false, reason: 'the electron package is not installed' };
  const nodeModules = dirname(sqlite.dir);
  return {
    ok: true,
    sqliteDir: sqlite.dir,
    sqliteVersion: sqlite.version,
    electronVersion: electron.version,
    file: electronBindingFile(nodeModules, sqlite.version, electron.version, platform, arch),
  };
}

/**
 * Whether `npm start` must prepare the Electron build first.
 * @returns {{ build: false, file: string } | { build: true, reason: string, file?: string }}
 */
export function nativeBuildNeeded(root, opts) {
  const target = electronNativeTarget(root, opts);
  if (!target.ok) return { build: true, reason: target.reason };
  if (existsSync(target.file)) return { build: false, file: target.file };
  return { build: true, reason: `no build for Electron ${target.electronVersion} yet`, file: target.file };
}

function runNode(args, cwd, log) {
  log(`  $ node ${args.map((a) => (a.includes(sep) ? a.split(sep).slice(-3).join('/') : a)).join(' ')}`);
  const r = spawnSync(process.execPath, args, { cwd, stdio: 'inherit' });
  return r.status === 0;
}

/** A Node build loads in Node; an Electron build must not (its module version is Electron's). */
function loadsInNode(file) {
  const r = spawnSync(process.execPath, ['-e', 'process.dlopen({ exports: {} }, process.argv[1])', file], { encoding: 'utf8' });
  return r.status === 0;
}

/**
 * Build (or download) better-sqlite3 for the installed Electron into its own folder. The same
 * two steps as better-sqlite3's own install script, aimed at Electron (Electron's guide "Native
 * Node Modules", manual build): a prebuilt binary from the package's releases, else a compile
 * from source against Electron's headers. Run on a copy of the package, so the Node build in
 * node_modules/better-sqlite3 is never touched.
 * @returns {{ ok: true, file: string, how: string } | { ok: false, reason: string }}
 */
export function prepareElectronNative(root, { log = console.log, env = process.env } = {}) {
  const target = electronNativeTarget(root);
  if (!target.ok) return target;
  const require = createRequire(join(target.sqliteDir, 'package.json'));
  const work = `${dirname(target.file)}.partial`;
  rmSync(work, { recursive: true, force: true });
  const ownBuild = join(target.sqliteDir, 'build');
  cpSync(target.sqliteDir, work, { recursive: true, filter: (src) => src !== ownBuild && !src.startsWith(ownBuild + sep) });
  const built = join(work, 'build', 'Release', 'better_sqlite3.node');
  const electronArgs = [`--target=${target.electronVersion}`, `--arch=${process.arch}`];
  try {
    let how = 'downloaded a prebuilt binary';
    let prebuild;
    try {
      prebuild = require.resolve('prebuild-install/bin.js');
    } catch {
      prebuild = null;
    }
    if (!prebuild || !runNode([prebuild, '--runtime=electron', ...electronArgs], work, log) || !existsSync(built)) {
      how = "compiled from source against Electron's headers";
      const gyp = gypScript(env);
      if (!gyp) return { ok: false, reason: 'no prebuilt binary could be downloaded and node-gyp was not found to compile one' };
      const gypArgs = ['rebuild', '--release', ...electronArgs, `--dist-url=${ELECTRON_HEADERS_URL}`, `--devdir=${join(homedir(), '.electron-gyp')}`];
      if (!runNode([gyp, ...gypArgs], work, log) || !existsSync(built)) {
        return {
          ok: false,
          reason: `no prebuilt binary could be downloaded and compiling from source failed (it needs ${ELECTRON_HEADERS_URL}, Python and a C++ compiler)`,
        };
      }
    }
    if (loadsInNode(built)) return { ok: false, reason: "the build came out for Node's ABI, not Electron's" };
    mkdirSync(dirname(target.file), { recursive: true });
    // Copy then rename: a build interrupted half way never looks finished to the next start.
    copyFileSync(built, `${target.file}.tmp`);
    renameSync(`${target.file}.tmp`, target.file);
    return { ok: true, file: target.file, how };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** npm hands its own node-gyp to scripts it runs; otherwise the one in node_modules, if any. */
function gypScript(env) {
  if (env.npm_config_node_gyp && existsSync(env.npm_config_node_gyp)) return env.npm_config_node_gyp;
  const npmCli = env.npm_execpath;
  if (npmCli) {
    const bundled = join(dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (existsSync(bundled)) return bundled;
  }
  try {
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return null;
  }
}
