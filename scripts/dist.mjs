// `npm run dist`: electron-vite build, then electron-builder. electron-builder's npmRebuild runs
// @electron/rebuild with the project itself as its build path, so it recompiles (or re-downloads)
// node_modules/better-sqlite3 *in place* for Electron's ABI (app-builder-lib util/yarn.js rebuild(),
// buildPath: appDir). Left like that, plain Node — the tests, `npm run serve`, the bench — could no
// longer load the addon (NODE_MODULE_VERSION 139 vs Node's own). So the Node build is set aside
// before electron-builder runs and put back when it ends, however it ends; the packaged app keeps
// the Electron build electron-builder copied into it. `npm start` never needs this: it loads its own
// Electron build from node_modules/.electron-native (scripts/electron-native.mjs).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './electron-binary.mjs';

/** better-sqlite3's compiled output: build/Release/better_sqlite3.node and what node-gyp left beside it. */
export function sqliteBuildDir(root) {
  const require = createRequire(join(root, 'package.json'));
  return join(dirname(require.resolve('better-sqlite3/package.json')), 'build');
}

/**
 * Run `step` (which may replace or delete `buildDir`) and then restore `buildDir` exactly as it was.
 * A copy, not a rename: the packager reads node_modules while it runs. Returns what `step` returns.
 * @template T @param {string} buildDir @param {() => T} step @returns {T}
 */
export function keepingNodeBuild(buildDir, step) {
  if (!existsSync(buildDir)) return step();
  const aside = mkdtempSync(join(tmpdir(), 'studio-node-build-'));
  cpSync(buildDir, aside, { recursive: true });
  try {
    return step();
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
    cpSync(aside, buildDir, { recursive: true });
    rmSync(aside, { recursive: true, force: true });
  }
}

function runBin(pkg, bin, args) {
  const require = createRequire(join(REPO_ROOT, 'package.json'));
  const cli = join(dirname(require.resolve(`${pkg}/package.json`)), bin);
  return spawnSync(process.execPath, [cli, ...args], { cwd: REPO_ROOT, stdio: 'inherit' }).status ?? 1;
}

function main(args) {
  const built = runBin('electron-vite', 'bin/electron-vite.js', ['build']);
  if (built !== 0) return built;
  // Ctrl+C reaches electron-builder too (same process group); we stay to put the Node build back.
  const ignore = () => {};
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, ignore);
  const code = keepingNodeBuild(sqliteBuildDir(REPO_ROOT), () => runBin('electron-builder', 'cli.js', args));
  console.log('dist: better-sqlite3 in node_modules is the Node build again (tests and `npm run serve` use it).');
  return code;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exit(main(process.argv.slice(2)));
