import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getConfig } from 'app-builder-lib/out/util/config/config.js';
import { findAppRoot, findAuthMd } from '../../src-servers/service/authMd.js';
import { AUTH_MD_V01 } from '../../src-servers/service/profiles/v0.1/routes/authMd.js';
import { AUTH_MD_V06 } from '../../src-servers/service/profiles/v0.6/authMd.js';

const REPO_ROOT = resolve(__dirname, '../..');

/**
 * Each profile serves its own AUTH.md; the desktop app runs the service from electron-vite's bundle
 * (out/main/index.js) or from inside app.asar, where neither the source file's location nor the
 * working directory says where AUTH.md is.
 */
describe("where a profile's AUTH.md is found", () => {
  it('finds the app root from the sources, from the bundled main script and from inside a packaged app.asar', () => {
    expect(findAppRoot()).toBe(REPO_ROOT);
    expect(findAppRoot(join(REPO_ROOT, 'out', 'main', 'index.js'))).toBe(REPO_ROOT);
    expect(findAppRoot(join(REPO_ROOT, 'src-servers', 'service', 'profiles', 'v0.6', 'authMd.ts'))).toBe(REPO_ROOT);
    expect(findAppRoot('/nowhere/at/all/index.js')).toBeUndefined();
  });

  it('finds both profiles\' AUTH.md files under the app root', () => {
    for (const rel of [AUTH_MD_V01, AUTH_MD_V06]) {
      expect(findAuthMd(rel)).toBe(join(REPO_ROOT, rel));
      expect(existsSync(join(REPO_ROOT, rel))).toBe(true);
    }
  });

  it('ships both AUTH.md files in the packaged app (electron-builder files)', async () => {
    const config = await getConfig(REPO_ROOT, null, null);
    const files = (config.files as { filter: string[] }[]).flatMap((f) => f.filter ?? f);
    expect(files).toContain(AUTH_MD_V01);
    expect(files).toContain(AUTH_MD_V06);
  });
});
