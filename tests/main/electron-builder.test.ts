import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/electron-binary.mjs';

/**
 * electron-builder.yml cannot be exercised end to end here (packaging downloads Electron), so
 * check it the way electron-builder does before packaging: load it and validate it against the
 * builder's own JSON schema, then check the settings the app depends on.
 */
const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: unknown): Promise<Record<string, any>>;
  validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(): void }): Promise<void>;
};
const quietLogger = { isEnabled: false, add() {} };

describe('electron-builder.yml', () => {
  it('is valid for the installed electron-builder', async () => {
    const config = await getConfig(REPO_ROOT, null, null);
    await expect(validateConfiguration(config, quietLogger)).resolves.toBeUndefined();
  });

  it('validation would catch a typo (the check above is not vacuous)', async () => {
    const config = await getConfig(REPO_ROOT, null, null);
    await expect(validateConfiguration({ ...config, linux: { ...config.linux, tagret: 'deb' } }, quietLogger)).rejects.toThrow(
      /does not match the API schema/,
    );
  });

  it('packages the built app under its product name for Linux, macOS and Windows', async () => {
    const config = await getConfig(REPO_ROOT, null, null);
    expect(config.productName).toBe('Agentic Registration Studio');
    expect(config.appId).toMatch(/^[a-z0-9.-]+$/);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
    expect(config.files[0].filter).toContain('out/**');
  });

  it("keeps better-sqlite3's native addon outside the asar archive, rebuilt for Electron", async () => {
    const config = await getConfig(REPO_ROOT, null, null);
    expect(config.asarUnpack).toContain('**/node_modules/better-sqlite3/**/*.node');
    expect(config.npmRebuild).toBe(true);
  });
});
