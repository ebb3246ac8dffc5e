import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/electron-binary.mjs';
import { keepingNodeBuild, sqliteBuildDir } from '../../scripts/dist.mjs';

/**
 * `npm run dist`: electron-builder's npmRebuild recompiles node_modules/better-sqlite3 in place for
 * Electron (or, like node-gyp rebuild, deletes build/ first). Afterwards plain Node must still find
 * the Node build, byte for byte. The "rebuild" here is a stand-in step doing exactly those things.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fakeBuild(): { build: string; addon: string } {
  const dir = mkdtempSync(join(tmpdir(), 'studio-dist-'));
  dirs.push(dir);
  const build = join(dir, 'node_modules', 'better-sqlite3', 'build');
  mkdirSync(join(build, 'Release'), { recursive: true });
  const addon = join(build, 'Release', 'better_sqlite3.node');
  writeFileSync(addon, 'NODE_MODULE_VERSION 115');
  return { build, addon };
}

describe('npm run dist keeps the Node build of better-sqlite3', () => {
  it('package.json runs dist through scripts/dist.mjs (not electron-builder bare, which leaves the Electron build behind)', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.dist).toBe('node scripts/dist.mjs');
  });

  it("finds better-sqlite3's build folder in this checkout", () => {
    expect(existsSync(join(sqliteBuildDir(REPO_ROOT), 'Release', 'better_sqlite3.node'))).toBe(true);
  });

  it('puts the Node build back after a rebuild for Electron in place, and passes on the exit code', () => {
    const { build, addon } = fakeBuild();
    const code = keepingNodeBuild(build, () => {
      writeFileSync(addon, 'NODE_MODULE_VERSION 139');
      return 7;
    });
    expect(code).toBe(7);
    expect(readFileSync(addon, 'utf8')).toBe('NODE_MODULE_VERSION 115');
  });

  it('puts it back when the rebuild deleted build/ and failed half way', () => {
    const { build, addon } = fakeBuild();
    expect(() =>
      keepingNodeBuild(build, () => {
        rmSync(build, { recursive: true });
        mkdirSync(join(build, 'Release'), { recursive: true });
        writeFileSync(join(build, 'Release', 'obj.target'), 'half a build');
        throw new Error('node-gyp failed');
      }),
    ).toThrow('node-gyp failed');
    expect(readFileSync(addon, 'utf8')).toBe('NODE_MODULE_VERSION 115');
    expect(existsSync(join(build, 'Release', 'obj.target'))).toBe(false);
  });
});
