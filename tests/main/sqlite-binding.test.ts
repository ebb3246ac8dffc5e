import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { electronBindingFile as scriptsBindingFile } from '../../scripts/electron-native.mjs';
import { electronBindingFile, nativeBindingFor, openDatabase } from '../../src-servers/db/sqlite.js';

/**
 * One better-sqlite3 build per runtime (issue 15): plain Node keeps the build in
 * node_modules/better-sqlite3; a process that says it is Electron (process.versions.electron)
 * gets the Electron build `npm start` prepared beside it. Electron itself is faked here by that
 * one property, which is all sqlite.ts reads.
 */
const require = createRequire(import.meta.url);
const pkgJson = require.resolve('better-sqlite3/package.json');
const nodeModules = dirname(dirname(pkgJson));
const sqliteVersion = (require('better-sqlite3/package.json') as { version: string }).version;
const linux = { platform: 'linux', arch: 'x64' };

function pretendElectron(version: string | undefined): void {
  if (version === undefined) delete (process.versions as Record<string, string>).electron;
  else Object.defineProperty(process.versions, 'electron', { value: version, configurable: true, enumerable: true });
}

const made: string[] = [];
afterEach(() => {
  pretendElectron(undefined);
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('nativeBindingFor', () => {
  it('plain Node: better-sqlite3 finds its own build (no nativeBinding), even when an Electron build exists', () => {
    expect(nativeBindingFor({ versions: {}, ...linux }, () => true)).toBeUndefined();
  });

  it('Electron: the build for exactly this Electron, this better-sqlite3, platform and arch', () => {
    const seen: string[] = [];
    const chosen = nativeBindingFor({ versions: { electron: '38.8.6' }, ...linux }, (p) => (seen.push(p), true));
    expect(chosen).toBe(join(nodeModules, '.electron-native', `better-sqlite3-${sqliteVersion}-electron-38.8.6-linux-x64`, 'better_sqlite3.node'));
    expect(seen).toEqual([chosen]);
  });

  it('Electron without a prepared build (a packaged app, rebuilt in place by electron-builder): the default lookup', () => {
    expect(nativeBindingFor({ versions: { electron: '38.8.6' }, ...linux }, () => false)).toBeUndefined();
  });

  it('names the same file npm start writes (scripts/electron-native.mjs)', () => {
    for (const [platform, arch] of [['linux', 'x64'], ['darwin', 'arm64'], ['win32', 'x64']]) {
      expect(electronBindingFile(nodeModules, sqliteVersion, { versions: { electron: '38.8.6' }, platform, arch })).toBe(
        scriptsBindingFile(nodeModules, sqliteVersion, '38.8.6', platform, arch),
      );
    }
  });
});

describe('openDatabase picks the binding by runtime', () => {
  it('in Node it opens with the Node build', () => {
    const db = openDatabase(':memory:', [{ version: 1, sql: 'CREATE TABLE t (x)' }]);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });

  it('in "Electron" it loads the Electron build, not the Node one', () => {
    // A made-up Electron version whose "build" is not an addon at all: loading it must be tried, and fail.
    const version = '0.0.0-vitest';
    const file = scriptsBindingFile(nodeModules, sqliteVersion, version);
    made.push(dirname(file));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, 'not a shared library');
    pretendElectron(version);
    expect(() => openDatabase(':memory:', [])).toThrow(file);
  });

  it('in "Electron" without a prepared build (a packaged app), it loads the package\'s own build', () => {
    pretendElectron('0.0.0-vitest-none');
    const db = openDatabase(':memory:', []);
    expect(db.open).toBe(true);
    db.close();
  });
});
