import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/electron-binary.mjs';
import { packagedFilters } from './packaged-files.js';

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

/** Which files land in app.asar and which beside it, in app.asar.unpacked (packaged-files.ts). */
describe('electron-builder.yml: what the packaged app holds', () => {
  it('ships the bundle and every file the host reads from disk at run time, and no sources', async () => {
    const { packed } = await packagedFilters();
    // The main bundle, the sandboxed preload, the renderer; AUTH.md of each profile (service/authMd.ts
    // finds them from the app root); package.json (its name is how findAppRoot knows the root).
    for (const rel of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'package.json', 'AUTH.md', 'src-servers/service/profiles/v0.6/AUTH.md', 'docs/PROTOCOL.md'])
      expect(packed(rel), rel).toBe(true);
    for (const rel of ['src-servers/host/host.ts', 'src-main/index.ts', 'out/renderer/assets/index.js.map', 'tests/main/paths.test.ts'])
      expect(packed(rel), rel).toBe(false);
  });

  it("never ships npm start's Electron build of better-sqlite3 (the package gets electron-builder's own rebuild)", async () => {
    const { packed } = await packagedFilters();
    expect(packed('node_modules/.electron-native/better-sqlite3-12.11.1-electron-38.8.6-linux-x64/better_sqlite3.node')).toBe(false);
  });

  it('unpacks what the OS must open itself: the SQLite addon (its loader) and the protocol doc (shell.openPath)', async () => {
    const { unpacked } = await packagedFilters();
    expect(unpacked('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true);
    expect(unpacked('docs/PROTOCOL.md')).toBe(true);
    expect(unpacked('out/main/index.js')).toBe(false);
  });
});

/**
 * The fuses electron-builder flips in the packaged binary. Packaging needs Electron's real binary
 * (not downloadable here), so the last step runs on a stand-in: a file holding the fuse wire the
 * way Electron's binary does (the sentinel, wire version 1, eight fuses at Electron 38's defaults).
 * electron-builder's own translation of electronFuses and @electron/fuses's writer do the rest.
 */
describe('electron-builder.yml: Electron fuses', () => {
  const { PlatformPackager } = require('app-builder-lib') as {
    PlatformPackager: { prototype: { generateFuseConfig(fuses: unknown): Promise<Record<string, unknown>> } };
  };
  const fuses = require('@electron/fuses') as {
    SENTINEL?: string;
    FuseV1Options: Record<string, number>;
    flipFuses(path: string, config: Record<string, unknown>): Promise<unknown>;
    getCurrentFuseWire(path: string): Promise<Record<string, number>>;
  };
  const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
  const ON = '1'.charCodeAt(0);
  const OFF = '0'.charCodeAt(0);
  // RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect, AsarIntegrity, OnlyLoadFromAsar, V8Snapshot, FileProtocol.
  const electron38Defaults = '10110001';

  async function fusesAfterPackaging(electronFuses: unknown): Promise<Record<string, 'on' | 'off' | number>> {
    const dir = mkdtempSync(join(tmpdir(), 'studio-fuses-'));
    try {
      const binary = join(dir, 'electron');
      writeFileSync(binary, Buffer.concat([Buffer.from('ELF…'), Buffer.from(SENTINEL), Buffer.from([1, 8]), Buffer.from(electron38Defaults), Buffer.from('…')]));
      const config = await PlatformPackager.prototype.generateFuseConfig.call(null, electronFuses);
      await fuses.flipFuses(binary, config);
      const wire = await fuses.getCurrentFuseWire(binary);
      const named: Record<string, 'on' | 'off' | number> = {};
      for (const [name, index] of Object.entries(fuses.FuseV1Options).filter(([, v]) => typeof v === 'number')) {
        const state = wire[index];
        named[name] = state === ON ? 'on' : state === OFF ? 'off' : state;
      }
      return named;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('turns off RunAsNode, NODE_OPTIONS and --inspect; turns on asar integrity and only-load-from-asar', async () => {
    const config = await getConfig(REPO_ROOT, null, null);
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    // Asar integrity needs the archive, and its hash, to exist.
    expect(config.asar).toBe(true);
    expect(await fusesAfterPackaging(config.electronFuses)).toMatchObject({
      RunAsNode: 'off',
      EnableNodeOptionsEnvironmentVariable: 'off',
      EnableNodeCliInspectArguments: 'off',
      EnableEmbeddedAsarIntegrityValidation: 'on',
      OnlyLoadAppFromAsar: 'on',
      GrantFileProtocolExtraPrivileges: 'off',
    });
  });

  it('without the setting, the packaged binary would keep Electron\'s defaults (the check above is not vacuous)', async () => {
    expect(await fusesAfterPackaging({})).toMatchObject({
      RunAsNode: 'on',
      EnableNodeOptionsEnvironmentVariable: 'on',
      EnableNodeCliInspectArguments: 'on',
      EnableEmbeddedAsarIntegrityValidation: 'off',
      OnlyLoadAppFromAsar: 'off',
    });
  });
});
