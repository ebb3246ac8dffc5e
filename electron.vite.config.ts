import { resolve } from 'node:path';
import { defineConfig, mergeConfig } from 'electron-vite';
import rendererConfig from './vite.renderer.config';

/**
 * `electron-vite build` → out/main/index.js (ESM), out/preload/index.cjs, out/renderer/.
 * The main process bundles src-main and src-servers; npm dependencies stay external and are
 * loaded from node_modules at run time (better-sqlite3 is a native addon and cannot be bundled).
 */

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      // Dependencies in package.json stay require()d from node_modules; named for clarity.
      externalizeDeps: { include: ['better-sqlite3'] },
      rolldownOptions: { input: { index: resolve(root, 'src-main/index.ts') } },
    },
  },
  preload: {
    build: {
      // A sandboxed preload is loaded as one CommonJS script: no ESM, no chunks, no node_modules.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src-main/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  // The same renderer as the browser build (vite.renderer.config.ts): one source of truth for its
  // root, plugins and output folder; electron-vite adds the Chromium target of the bundled Electron.
  renderer: mergeConfig(rendererConfig, {
    build: { rolldownOptions: { input: { index: resolve(root, 'src-renderer/index.html') } } },
  }),
});
