import { defineConfig } from 'vitest/config';

/** `npm test`'s unit and integration tests. The full quick bench is `npm run test:bench` (vitest.bench.config.ts). */
export const BENCH_QUICK_TEST = 'tests/bench/bench-quick.test.ts';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'src-servers/**/*.test.ts', 'src-main/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**', BENCH_QUICK_TEST],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
