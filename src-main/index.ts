import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { app, BrowserWindow, dialog, Menu, session } from 'electron';
import { startHost, type Host } from '../src-servers/host/host.js';
import { startStudioServer, type StudioServer } from '../src-servers/host/studio.js';
import { menuActions } from './actions.js';
import { guardContents, secureSession } from './guards.js';
import { registerIpc } from './ipc.js';
import { APP_NAME, buildMenuTemplate } from './menu.js';
import { buildPaths, dataDir, userDataDir } from './paths.js';
import { appOrigins, type AppOrigins } from './security.js';
import { quitGuard } from './shutdown.js';
import { mainWindowOptions } from './window-options.js';

/**
 * The Electron main process: a thin shell (DESIGN.md rule 1). It starts the host (service,
 * provider, mailbox) and the studio server in this process, then opens one window on the studio
 * page. Everything the window shows comes over HTTP from those servers, as in a browser tab.
 */

const log = (line: string) => console.log(`[studio] ${line}`);
const paths = buildPaths(dirname(fileURLToPath(import.meta.url)));

let host: Host | null = null;
let studio: StudioServer | null = null;
let origins: AppOrigins | null = null;
let mainWindow: BrowserWindow | null = null;

// Before anything reads it (the single-instance lock lives in userData too).
app.setPath('userData', userDataDir(app.getPath('appData')));

if (!app.requestSingleInstanceLock()) {
  // A second launch: the first instance focuses its window ('second-instance' below); this one leaves.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  // Every page the app ever creates (main window, child windows) gets the navigation guards.
  app.on('web-contents-created', (_event, contents) => {
    guardContents(contents, () => origins, () => !!mainWindow && contents === mainWindow.webContents);
  });
  app.on('before-quit', quitGuard(stopServers, () => app.quit(), { log }));
  // Ctrl+C in the terminal of `npm start`: quit through 'before-quit' so the servers stop cleanly.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  app.on('window-all-closed', () => {
    // macOS keeps apps running without windows; the dock icon reopens it ('activate').
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (studio && BrowserWindow.getAllWindows().length === 0) openMainWindow(studio.url);
  });
  app.whenReady().then(start).catch(fatal);
}

async function start(): Promise<void> {
  try {
    // The companion service (the other profile) backs the studio's profile switch (PROTOCOL-v0.6.md §9).
    host = await startHost({ dataDir: dataDir(app.getPath('userData')), companion: true, log });
    // The studio's own default (5178) is for `npm run web`; the desktop app takes any free port.
    studio = await startStudioServer(host, 0, { rendererDir: paths.renderer, log });
  } catch (err) {
    return fatal(err);
  }
  origins = appOrigins({ studio: studio.url, ...host.urls, services: host.services.map((s) => s.url) });
  log(`studio on ${studio.url}; service ${host.urls.service}, provider ${host.urls.provider}, mailbox ${host.urls.mailbox}`);
  secureSession(session.defaultSession, origins);
  registerIpc(origins, () => mainWindow);
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(menuActions(host, studio.url, () => mainWindow, studio.token))));
  openMainWindow(studio.url);
}

function openMainWindow(url: string): void {
  const win = new BrowserWindow(mainWindowOptions(paths.preload));
  mainWindow = win;
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  win.loadURL(url).catch((err) => log(`could not load ${url}: ${(err as Error).message}`));
}

async function stopServers(): Promise<void> {
  await studio?.stop();
  await host?.stop();
  log('servers stopped');
}

async function fatal(err: unknown): Promise<void> {
  const message = (err as Error)?.message ?? String(err);
  console.error(`[studio] could not start: ${message}`);
  dialog.showErrorBox(`${APP_NAME} could not start`, message);
  await stopServers().catch(() => {});
  app.exit(1);
}
