import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_DIR_NAME = 'agentic-registration-studio';

/** The platform's per-user app-data folder (XDG on Linux), where each role keeps its database. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME, 'data');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME, 'data');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), APP_DIR_NAME, 'data');
}

/**
 * PROTOCOL.md §7: the data dir holds hashes, a signing key and the trace — nobody but the user reads
 * it. The folder is 0700 (also when an older version created it 0755); POSIX modes only.
 */
export function preparePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/**
 * A role's database path, its file created 0600 before SQLite opens it: SQLite gives the `-wal` and
 * `-shm` files the main file's mode, so they are private too. Files left 0644 by an older version are
 * tightened on the way.
 */
export function privateDbFile(dir: string, role: string): string {
  const file = join(dir, `${role}.db`);
  closeSync(openSync(file, 'a', 0o600));
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      chmodSync(`${file}${suffix}`, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return file;
}
