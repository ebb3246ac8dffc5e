import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/electron-binary.mjs';

/**
 * What `npm run dist` would put in app.asar (`packed`) and beside it in app.asar.unpacked
 * (`unpacked`), asked of electron-builder's own matchers with electron-builder.yml's `files` and
 * `asarUnpack`. Packaging itself needs Electron's binary; these matchers do not. Paths are relative
 * to the project root, with forward slashes.
 */
const require = createRequire(import.meta.url);
const { getConfig } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: unknown): Promise<Record<string, any>>;
};
type Filter = (file: string, stat: { isDirectory(): boolean }) => boolean;
const { getMainFileMatchers, getFileMatchers } = require('app-builder-lib/out/fileMatcher.js') as {
  getMainFileMatchers(appDir: string, dest: string, expand: (s: string) => string, platformOptions: object, packager: object, outDir: string, isElectronCompile: boolean): { createFilter(): Filter }[];
  getFileMatchers(config: object, name: string, dest: string, options: object): { createFilter(): Filter }[] | null;
};

export async function packagedFilters(): Promise<{ packed(rel: string): boolean; unpacked(rel: string): boolean }> {
  const config = await getConfig(REPO_ROOT, null, null);
  const outDir = join(REPO_ROOT, config.directories.output);
  const expand = (s: string) => s;
  const quietLogger = { isEnabled: false, add() {} };
  const info = { projectDir: REPO_ROOT, buildResourcesDir: config.directories.buildResources, isPrepackedAppAsar: false, config, debugLogger: quietLogger };
  const [main] = getMainFileMatchers(REPO_ROOT, '/app', expand, {}, { info }, outDir, false);
  const unpack = getFileMatchers(config, 'asarUnpack', '/app', { macroExpander: expand, customBuildOptions: {}, globalOutDir: outDir, defaultSrc: REPO_ROOT });
  const packed = main!.createFilter();
  const unpacked = unpack![0]!.createFilter();
  const asFile = { isDirectory: () => false };
  return {
    packed: (rel) => packed(join(REPO_ROOT, rel), asFile),
    unpacked: (rel) => unpacked(join(REPO_ROOT, rel), asFile),
  };
}
