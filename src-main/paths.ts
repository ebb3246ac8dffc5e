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

/** Where the protocol reference may sit in the app (repository checkout or packaged app root). */
export function protocolDocCandidates(appPath: string): string[] {
  return [join(appPath, 'PROTOCOL.md'), join(appPath, 'docs', 'PROTOCOL.md')];
}
