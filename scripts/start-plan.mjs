// What `npm start` will do, decided without doing it (so it can be tested and dry-run).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findElectronBinary } from './electron-binary.mjs';
import { nativeBuildNeeded } from './electron-native.mjs';

/** The other reason the window cannot open: no better-sqlite3 for Electron's ABI (`reason` filled in). */
export const nativeFallbackLine = (reason) =>
  `better-sqlite3 could not be prepared for Electron (${reason}), so the desktop window cannot open — serving the browser version instead.`;

export const FALLBACK_LINE =
  "Electron's binary is not installed here (its download was skipped or failed), so the desktop window cannot open — serving the browser version instead.";

/** What electron-vite produces; the app cannot start without all three. */
export const BUILD_OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
/** What goes into those outputs: a change to any of these means rebuilding. */
export const BUILD_INPUTS = ['src-main', 'src-servers', 'src-renderer', 'electron.vite.config.ts', 'vite.renderer.config.ts', 'package.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/**
 * Whether `electron-vite build` must run first: an output is missing, or a source is newer.
 * @returns {{ build: false } | { build: true, reason: string }}
 */
export function buildNeeded(root) {
  const missing = BUILD_OUTPUTS.find((f) => !existsSync(join(root, f)));
  if (missing) return { build: true, reason: `${missing} is missing` };
  const built = Math.min(...BUILD_OUTPUTS.map((f) => statSync(join(root, f)).mtimeMs));
  const changed = BUILD_INPUTS.find((f) => newestMtime(join(root, f)) > built);
  return changed ? { build: true, reason: `${changed} changed since the last build` } : { build: false };
}

/**
 * @param {{ root: string, platform?: string, uid?: number }} opts
 * @returns {{ mode: 'web', lines: string[], reason: string } |
 *           { mode: 'electron', lines: string[], binary: string, args: string[], build: { build: boolean, reason?: string },
 *             native: { build: boolean, reason?: string, file?: string } }}
 */
export function planStart({ root, platform = process.platform, uid = process.getuid?.() }) {
  const electron = findElectronBinary(root);
  if (!electron.found) return { mode: 'web', lines: [FALLBACK_LINE], reason: electron.reason };
  const lines = [`Starting the desktop app with Electron (${electron.path}).`];
  // No --js-flags=--max-old-space-size=512 here, though on Electron's command line it would reach the
  // main process (`npm run serve` caps the same host at 512 MB): Chromium passes --js-flags on to every
  // renderer too, and the packaged app is launched without it, so `npm start` would measure a memory
  // behaviour the shipped app does not have. Load is measured on `npm run serve` (the bench).
  const args = [root];
  // Chromium refuses to start as root unless its sandbox is switched off; say so rather than fail.
  if (platform === 'linux' && uid === 0) {
    args.push('--no-sandbox');
    lines.push('Running as root: Chromium needs --no-sandbox here, so pages run without the OS sandbox.');
  }
  return { mode: 'electron', lines, binary: electron.path, args, build: buildNeeded(root), native: nativeBuildNeeded(root) };
}

/**
 * How to show the browser version's URL in the user's default browser, or why not: never in CI,
 * nor on a Linux machine without a display (a server, a container), where xdg-open would fail
 * or start a text browser in our terminal. STUDIO_NO_BROWSER=1 opts out.
 * @returns {{ open: true, command: string, args: string[] } | { open: false, reason: string }}
 */
export function browserOpener({ platform = process.platform, env = process.env } = {}) {
  if (env.STUDIO_NO_BROWSER === '1') return { open: false, reason: 'STUDIO_NO_BROWSER=1' };
  if (env.CI) return { open: false, reason: 'running in CI' };
  if (platform === 'darwin') return { open: true, command: 'open', args: [] };
  // `start`'s first quoted argument is a window title, hence the empty one.
  if (platform === 'win32') return { open: true, command: 'cmd', args: ['/c', 'start', '""'] };
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return { open: false, reason: 'no display (DISPLAY and WAYLAND_DISPLAY are not set)' };
  return { open: true, command: 'xdg-open', args: [] };
}
