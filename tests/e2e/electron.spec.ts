import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { findElectronBinary, REPO_ROOT } from '../../scripts/electron-binary.mjs';
import { nativeBuildNeeded, prepareElectronNative } from '../../scripts/electron-native.mjs';
import { buildNeeded } from '../../scripts/start-plan.mjs';
import { studioCsp, withCsp } from '../../src-main/csp.js';
import { appOrigins, type AppOrigins } from '../../src-main/security.js';
import { startHost } from '../../src-servers/host/host.js';
import { startStudioServer } from '../../src-servers/host/studio.js';
import { studioOrigins } from '../../src-servers/http/framing.js';
import { resetAll, Studio } from './studio';

/**
 * The desktop app itself: Electron starts the host and the studio in its main process and opens
 * the studio window. Needs Electron's binary (skipped with ELECTRON_SKIP_BINARY_DOWNLOAD where it
 * cannot be downloaded), better-sqlite3 built for Electron (prepared here as `npm start` does) and,
 * on Linux, a display (e.g. `xvfb-run npx playwright test electron`).
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
    // The same one-time step as `npm start`: better-sqlite3 for Electron's ABI, beside the Node build.
    if (nativeBuildNeeded(REPO_ROOT).build) {
      const native = prepareElectronNative(REPO_ROOT);
      if (!native.ok) throw new Error(`better-sqlite3 could not be prepared for Electron: ${native.reason}`);
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

/**
 * Serve the studio through a loopback proxy that puts the desktop CSP on every response, as the
 * Electron session's onHeadersReceived does. (A Playwright route cannot stand in for it: a
 * fulfilled document loses its loopback address, and Chromium's local-network checks then block
 * the framed role pages.)
 */
async function cspProxy(target: string, roles: AppOrigins['roles']): Promise<{ url: string; close(): Promise<void> }> {
  let policy = '';
  const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding']);
  const server = createServer((req, res) => {
    // The window's requests carry the studio's own Host and Origin (the studio API checks both).
    const origin = req.headers.origin ? { origin: new URL(target).origin } : {};
    const upstream = httpRequest(`${target}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host, ...origin } }, (up) => {
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !hopByHop.has(k)) headers[k] = v;
      res.writeHead(up.statusCode ?? 502, withCsp(headers, policy));
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  policy = studioCsp({ studio: url, roles });
  return {
    url,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/**
 * The one part of the desktop shell that can break the UI without Electron being at fault: the
 * CSP its session puts on the studio page. Checked here in plain Chromium (runs wherever the other
 * e2e tests run): the studio behind that policy, two flows by hand with the provider's consent
 * page and the service's claim page framed, and not one CSP violation.
 */
test.describe('the desktop CSP, in Chromium', () => {
  test('the studio works under it: flows with framed pages run without a violation', async ({ page, request }) => {
    // A host and studio of its own, in this process: the proxy stands in for the desktop window, whose
    // origin is the studio's, so this host lets the proxy's origin frame the roles' pages as well
    // (they may be framed by the studio only, http/framing.ts).
    const host = await startHost({ inMemory: true, ports: { service: 0, provider: 0, mailbox: 0, smtp: 0 }, log: () => {} });
    const studioServer = await startStudioServer(host, 0, { rendererDir: join(REPO_ROOT, 'out', 'renderer'), log: () => {} });
    const studioUrl = studioServer.url;
    const { roles } = appOrigins({ studio: studioUrl, service: host.urls.service, provider: host.urls.provider, mailbox: host.urls.mailbox });
    expect((await resetAll(request, studioUrl)).ok()).toBe(true);
    const proxy = await cspProxy(studioUrl, roles);
    const stopFraming = host.allowFraming(studioOrigins(proxy.url));
    try {
      await page.addInitScript(() => {
        const seen: string[] = ((window as unknown as { cspViolations: string[] }).cspViolations = []);
        document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      const served = await page.goto(proxy.url);
      expect(served?.headers()['content-security-policy']).toContain("script-src 'self';");

      const studio = new Studio(page);
      await expect(studio.diagram).toBeVisible();
      await studio.setAutopilot(false);

      // ID-JAG by hand: the provider's real consent page, framed.
      await studio.chooseFlow('ID-JAG');
      await studio.play();
      await studio.consentPage.getByRole('button', { name: 'Allow once' }).click();
      await studio.expectSucceeded();

      // Verified email by hand: the inbox, then the service's real claim page, framed.
      await studio.chooseFlow('Verified email');
      await studio.play();
      await studio.agent.getByRole('group', { name: 'The agent asks you' }).getByRole('button', { name: 'Yes, use my email' }).click();
      await studio.inbox.getByRole('button', { name: /New mail/ }).click();
      await studio.inbox.getByRole('button', { name: 'Open link' }).click();
      const code = await studio.revealCode();
      await studio.agent.getByLabel('One-time code').fill(code);
      await studio.agent.getByRole('button', { name: 'Send code to agent' }).click();
      await studio.expectSucceeded();

      await expect(studio.arrows).not.toHaveCount(0);
      expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
    } finally {
      stopFraming();
      await proxy.close();
      await studioServer.stop();
      await host.stop();
    }
  });
});
