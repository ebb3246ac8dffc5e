import { join } from 'node:path';
import { APP_DIR_NAME } from '../src-servers/host/dataDir.js';

/**
 * Where the desktop app keeps things. Pure path arithmetic over what Electron's app.getPath()
 * reports, so it is tested without Electron.
 */

/**
 * userData = <appData>/agentic-registration-studio (the folder name `npm run serve` uses), set explicitly: Electron would otherwise derive
 * it from the app name, which differs between `npm start` (package name) and a packaged build
 * (productName), and the same user would find two separate sets of data.
 */
export function userDataDir(appData: string, env: NodeJS.ProcessEnv = process.env): string {
  // STUDIO_USER_DATA_DIR: a separate, throw-away profile (end-to-end tests, a second copy for demos).
  return env.STUDIO_USER_DATA_DIR || join(appData, APP_DIR_NAME);
}

/** The roles' databases and keys: <userData>/data (one SQLite file per role, DESIGN.md rule 5). */
export function dataDir(userData: string): string {
  return join(userData, 'data');
}

/** Build output next to the bundled main script (out/main/index.js): electron-vite's layout. */
export function buildPaths(mainDir: string): { preload: string; renderer: string } {
  return { preload: join(mainDir, '..', 'preload', 'index.cjs'), renderer: join(mainDir, '..', 'renderer') };
}

/**
 * Where the protocol reference may sit in the app (repository checkout or packaged app root). The
 * doc is handed to the OS (shell.openPath), and no other program can read inside app.asar (only
 * Electron's own fs sees into it), so a packaged app opens the copy electron-builder.yml's
 * asarUnpack puts in app.asar.unpacked.
 */
export function protocolDocCandidates(appPath: string): string[] {
  const root = /\.asar$/i.test(appPath) ? `${appPath}.unpacked` : appPath;
  return [join(root, 'PROTOCOL.md'), join(root, 'docs', 'PROTOCOL.md')];
}
