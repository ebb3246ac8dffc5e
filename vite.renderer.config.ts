import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The renderer as a plain web build (`npm run build:renderer` → out/renderer). The studio server
 * serves it; `base: './'` keeps asset URLs relative so the same files also load from file://.
 * Dev: `STUDIO_URL=http://127.0.0.1:5178 npx vite --config vite.renderer.config.ts` proxies the API.
 */
export default defineConfig({
  root: resolve(import.meta.dirname, 'src-renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: resolve(import.meta.dirname, 'out/renderer'),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/studio/api': { target: process.env.STUDIO_URL ?? 'http://127.0.0.1:5178', changeOrigin: true } },
  },
});
