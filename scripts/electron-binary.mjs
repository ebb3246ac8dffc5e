// Where is Electron's executable? Plain Node, no dependencies: `npm start` asks before deciding
// between the desktop window and the browser version, and the Electron e2e test asks to know
// whether it can run at all.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The electron npm package's main module *is* the path of its binary (it reads path.txt, written
 * by its install script after downloading). Where that download failed, npm drops the optional
 * package entirely, or leaves one whose require() throws, or a path with no file behind it.
 * @param {string} [root] the project whose node_modules to look in
 * @returns {{ found: true, path: string } | { found: false, reason: string }}
 */
export function findElectronBinary(root = REPO_ROOT) {
  const require = createRequire(join(root, 'package.json'));
  let binary;
  try {
    binary = require('electron');
  } catch (err) {
    if (err?.code === 'MODULE_NOT_FOUND' && /['"]electron['"]/.test(String(err.message))) {
      return { found: false, reason: 'the electron package is not installed (its binary could not be downloaded)' };
    }
    // Installed with ELECTRON_SKIP_BINARY_DOWNLOAD (or a failed download): the package, its types, no binary.
    const skipped = !existsSync(join(dirname(require.resolve('electron/package.json')), 'path.txt'));
    const hint = skipped ? ' — its binary was not downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD, or no access to its download host); `node node_modules/electron/install.js` fetches it' : '';
    return { found: false, reason: `the electron package is installed but unusable: ${err?.message ?? err}${hint}` };
  }
  if (typeof binary !== 'string' || binary === '') {
    return { found: false, reason: 'the electron package did not report a binary path' };
  }
  if (!existsSync(binary)) return { found: false, reason: `the Electron binary is missing at ${binary}` };
  return { found: true, path: binary };
}
