import { defineConfig } from 'vitest/config';
import { BENCH_QUICK_TEST } from './vitest.config.js';

/**
 * `npm run test:bench`: `npm run bench -- --quick` end to end (a host per row, every row measured;
 * about two minutes on 2 cores). Kept out of `npm test`, which runs the seconds-long --smoke instead.
 */
export default defineConfig({
  test: {
    include: [BENCH_QUICK_TEST],
    testTimeout: 300_000,
    pool: 'forks',
  },
});
