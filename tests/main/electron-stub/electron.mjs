// A stand-in for Electron's main-process API, just deep enough for src-main to run: it records what
// the app asks of Electron and prints each record as one `ELECTRON-STUB <json>` line on stdout.
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const say = (kind, data = {}) => process.stdout.write(`ELECTRON-STUB ${JSON.stringify({ kind, ...data })}\n`);
const paths = { appData: process.env.STUB_APP_DATA ?? join(tmpdir(), 'electron-stub-appdata'), downloads: tmpdir() };

class App extends EventEmitter {
  setPath(name, value) {
    paths[name] = value;
  }
  getPath(name) {
    return paths[name];
  }
  getAppPath() {
    return process.cwd();
  }
  requestSingleInstanceLock() {
    return true;
  }
  whenReady() {
    return new Promise((resolve) => setImmediate(resolve));
  }
  quit() {
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (prevented) return say('quit-held');
    say('quit');
    process.exit(0);
  }
  exit(code) {
    say('exit', { code });
    process.exit(code);
  }
}
export const app = new App();

let headersListener = null;
export const session = {
  defaultSession: {
    webRequest: {
      onHeadersReceived(listener) {
        headersListener = listener;
        say('on-headers-received');
      },
    },
    setPermissionRequestHandler: () => say('permission-request-handler'),
    setPermissionCheckHandler: () => say('permission-check-handler'),
  },
};

class WebContents extends EventEmitter {
  setWindowOpenHandler() {
    say('window-open-handler');
  }
}

const windows = [];
export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.webContents = new WebContents();
    windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
    say('window', { options, guards: this.webContents.eventNames() });
  }
  static getAllWindows() {
    return windows;
  }
  async loadURL(url) {
    // What the session's header hook would do to the page's response (the CSP the app sets).
    let headers = null;
    headersListener?.({ url, responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (headers = r.responseHeaders));
    say('load-url', { url, headers });
  }
  show() {}
  isMinimized() {
    return false;
  }
  restore() {}
  focus() {}
}

export const Menu = {
  buildFromTemplate: (template) => ({ template }),
  setApplicationMenu: (menu) => say('menu', { labels: menu.template.map((m) => m.label) }),
};
export const ipcMain = { handle: (channel) => say('ipc-handle', { channel }) };
export const dialog = {
  showErrorBox: (title, message) => say('error-box', { title, message }),
  showSaveDialog: async () => ({ canceled: true }),
  showMessageBox: async () => ({ response: 1 }),
};
export const shell = { openExternal: async (url) => say('open-external', { url }), openPath: async () => '' };
export default { app, session, BrowserWindow, Menu, ipcMain, dialog, shell };
