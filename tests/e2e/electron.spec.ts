import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { findElectronBinary, REPO_ROOT } from '../../scripts/electron-binary.mjs';
import { buildNeeded } from '../../scripts/start-plan.mjs';

/**
 * The desktop app itself: Electron starts the host and the studio in its main process and opens
 * the studio window. Needs Electron's binary (an optional dependency that cannot always be
 * downloaded) and, on Linux, a display (e.g. `xvfb-run npx playwright test electron`).
 */

const binary = findElectronBinary(REPO_ROOT);
const linuxWithoutDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
// The list reporter shows "skipped" without the reason; say it once where people look.
if (!binary.found && !process.env.TEST_WORKER_INDEX) console.log(`electron.spec.ts: SKIPPED — Electron binary not installed: ${binary.reason}`);

test.describe('desktop app (Electron)', () => {
  test.skip(!binary.found, `Electron binary not installed: ${binary.found ? '' : binary.reason}`);
  test.skip(binary.found && linuxWithoutDisplay, 'No display for Electron: run under xvfb-run (DISPLAY is not set)');
  // Building and first start can take a while on a cold machine.
  test.describe.configure({ mode: 'serial', timeout: 300_000 });

  let app: ElectronApplication;
  let page: Page;
  let userData: string;

  test.beforeAll(async () => {
    if (!binary.found) return;
    // `npm run test:e2e` builds only the renderer; the desktop app also needs main and preload.
    if (buildNeeded(REPO_ROOT).build) {
      const cli = join(createRequire(join(REPO_ROOT, 'package.json')).resolve('electron-vite/package.json'), '..', 'bin', 'electron-vite.js');
      execFileSync(process.execPath, [cli, 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
    }
    userData = mkdtempSync(join(tmpdir(), 'studio-electron-e2e-'));
    const { ELECTRON_RUN_AS_NODE: _, ...env } = process.env;
    app = await electron.launch({
      executablePath: binary.path,
      // Chromium refuses to run as root with its sandbox on (containers, CI).
      args: [REPO_ROOT, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
      cwd: REPO_ROOT,
      env: { ...env, STUDIO_USER_DATA_DIR: userData } as Record<string, string>,
    });
    page = await app.firstWindow();
  });

  test.afterAll(async () => {
    await app?.close();
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  test('opens the studio window with the studio UI in it', async ({}, testInfo) => {
    await expect(page).toHaveTitle('Agentic Registration Studio');
    await expect(page.getByRole('region', { name: 'Sequence diagram' })).toBeVisible();
    expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const win = await app.evaluate(({ BrowserWindow }) => {
      const w = BrowserWindow.getAllWindows()[0];
      return { title: w.getTitle(), size: w.getSize(), min: w.getMinimumSize() };
    });
    expect(win).toEqual({ title: 'Agentic Registration Studio', size: [1280, 800], min: [1024, 700] });

    const shot = testInfo.outputPath('electron-window.png');
    await page.screenshot({ path: shot });
    await testInfo.attach('electron window', { path: shot, contentType: 'image/png' });
  });

  test('the page gets window.studio and nothing of Node', async () => {
    const seen = await page.evaluate(() => ({
      isDesktop: (window as { studio?: { isDesktop?: boolean } }).studio?.isDesktop,
      bridge: Object.keys((window as { studio?: object }).studio ?? {}).sort(),
      require: typeof (window as { require?: unknown }).require,
      process: typeof (window as { process?: unknown }).process,
    }));
    expect(seen).toEqual({ isDesktop: true, bridge: ['isDesktop', 'openExternal', 'saveFile'], require: 'undefined', process: 'undefined' });
  });

  test('the main process refuses to open non-web URLs for the page', async () => {
    const error = await page.evaluate(async () => {
      try {
        await (window as unknown as { studio: { openExternal(u: string): Promise<void> } }).studio.openExternal('file:///etc/passwd');
        return 'opened';
      } catch (err) {
        return (err as Error).message;
      }
    });
    expect(error).toContain('only http and https URLs can be opened');
  });

  test('the studio page is served with the strict CSP', async () => {
    const csp = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
  });

  test('window.open of a non-web URL opens nothing', async () => {
    // A denied window.open returns null to the page at once (setWindowOpenHandler answered 'deny').
    expect(await page.evaluate(() => window.open('file:///etc/passwd') === null)).toBe(true);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  });
});
