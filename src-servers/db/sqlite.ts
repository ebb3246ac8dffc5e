import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type Db = Database.Database;

/** One numbered migration: `version` increases by one from 1; `sql` runs once, in a transaction. */
export interface Migration {
  version: number;
  sql: string;
}

/**
 * Open a role's database (`:memory:` in tests) in WAL mode and bring it to the newest schema.
 * The applied version is kept in SQLite's `user_version`, so a restart applies only new migrations.
 */
export function openDatabase(file: string, migrations: Migration[]): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = openNative(file);
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return db;
}

export function migrate(db: Db, migrations: Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const pending = [...migrations].sort((a, b) => a.version - b.version).filter((m) => m.version > current);
  for (const m of pending) {
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

/**
 * The one compiled addon per runtime. Plain Node loads the build `npm install` made in
 * node_modules/better-sqlite3. Electron's main process cannot (its NODE_MODULE_VERSION differs),
 * so `npm start` prepares an Electron build beside it (scripts/electron-native.mjs) and Electron
 * loads that one through better-sqlite3's `nativeBinding` option; nothing ever swaps the Node
 * build, which tests and `npm run serve` keep using. A packaged app finds no such folder: there
 * electron-builder rebuilt the package itself for Electron (npmRebuild), so the default is right.
 */
export interface Runtime {
  versions: { electron?: string };
  platform: string;
  arch: string;
}

/** Where the Electron build for this runtime lives; the same name scripts/electron-native.mjs writes. */
export function electronBindingFile(nodeModules: string, sqliteVersion: string, runtime: Runtime & { versions: { electron: string } }): string {
  const key = `better-sqlite3-${sqliteVersion}-electron-${runtime.versions.electron}-${runtime.platform}-${runtime.arch}`;
  return join(nodeModules, '.electron-native', key, 'better_sqlite3.node');
}

/** The `nativeBinding` to pass, or undefined for better-sqlite3's own lookup (Node, or a packaged app). */
export function nativeBindingFor(runtime: Runtime, exists: (path: string) => boolean = existsSync): string | undefined {
  if (!runtime.versions.electron) return undefined;
  const pkgJson = createRequire(import.meta.url).resolve('better-sqlite3/package.json');
  const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string };
  const file = electronBindingFile(dirname(dirname(pkgJson)), version, { ...runtime, versions: { electron: runtime.versions.electron } });
  return exists(file) ? file : undefined;
}

function openNative(file: string): Db {
  const nativeBinding = nativeBindingFor(process);
  try {
    return new Database(file, nativeBinding ? { nativeBinding } : {});
  } catch (err) {
    // The error from the issue this exists for: say what to do instead of "NODE_MODULE_VERSION 115 vs 139".
    if (process.versions.electron && !nativeBinding && /NODE_MODULE_VERSION/.test(String((err as Error)?.message))) {
      throw new Error(
        `better-sqlite3 here is compiled for Node, not for Electron ${process.versions.electron}: start the app with \`npm start\`, which prepares the Electron build in node_modules/.electron-native (${(err as Error).message})`,
      );
    }
    throw err;
  }
}
