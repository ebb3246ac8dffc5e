import { defineConfig } from '@playwright/test';
import { findChromium } from './scripts/ensure-chromium.mjs';

/** CHROMIUM_PATH when the npm script set it, else the same search without a download. */
function chromiumPath(): string | undefined {
  const found = findChromium({ allowInstall: false });
  // Not found: global-setup says what to install, in one line, before any test starts.
  return found.ok ? found.path : undefined;
}

/**
 * End-to-end tests of the studio in Chromium: `npm run test:e2e` finds one (scripts/ensure-chromium.mjs:
 * CHROMIUM_PATH, a system Chromium, else Playwright's own, fetched if need be) and passes it in
 * CHROMIUM_PATH. Run directly (`npx playwright test`), the config looks the same way but fetches nothing.
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
      executablePath: chromiumPath(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
    acceptDownloads: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
