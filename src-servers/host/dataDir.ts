import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_DIR_NAME = 'agentic-registration-studio';

/** The platform's per-user app-data folder (XDG on Linux), where each role keeps its database. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME, 'data');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME, 'data');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), APP_DIR_NAME, 'data');
}
