import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests of the studio in Debian's Chromium (`CHROMIUM_PATH` or /usr/bin/chromium).
 * The global setup starts `web.ts` on free ports with in-memory data and hands its studio URL to
 * the tests; they share that one host and run one at a time (each starts from "Reset all data").
 */
export default defineConfig({
  testDir: 'tests/e2e',
  globalSetup: './tests/e2e/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results/playwright',
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
    acceptDownloads: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
