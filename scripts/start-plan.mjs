// What `npm start` will do, decided without doing it (so it can be tested and dry-run).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findElectronBinary } from './electron-binary.mjs';

export const FALLBACK_LINE =
  "Electron's binary is not installed here (npm could not download it), so the desktop window cannot open — serving the browser version instead.";

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
 *           { mode: 'electron', lines: string[], binary: string, args: string[], build: { build: boolean, reason?: string } }}
 */
export function planStart({ root, platform = process.platform, uid = process.getuid?.() }) {
  const electron = findElectronBinary(root);
  if (!electron.found) return { mode: 'web', lines: [FALLBACK_LINE], reason: electron.reason };
  const lines = [`Starting the desktop app with Electron (${electron.path}).`];
  const args = [root];
  // Chromium refuses to start as root unless its sandbox is switched off; say so rather than fail.
  if (platform === 'linux' && uid === 0) {
    args.push('--no-sandbox');
    lines.push('Running as root: Chromium needs --no-sandbox here, so pages run without the OS sandbox.');
  }
  return { mode: 'electron', lines, binary: electron.path, args, build: buildNeeded(root) };
}
