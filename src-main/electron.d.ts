/**
 * Types for the part of Electron's API that src-main uses.
 *
 * Why this file exists: `electron` is an optional dependency whose install fails where its binary
 * cannot be downloaded, and its type definitions (electron.d.ts) ship inside that package. So the
 * shell type-checks against this subset, copied from Electron 38's API docs. An ambient module
 * declaration takes precedence over node_modules/electron, so these types are the ones used even
 * where Electron is installed: keep them in step with Electron's API when using something new.
 */
declare module 'electron' {
  type Listener = (...args: any[]) => void;

  interface EventLike {
    preventDefault(): void;
    readonly defaultPrevented?: boolean;
  }

  /** will-navigate / will-redirect / will-frame-navigate: the event carries the details (Electron ≥ 25). */
  interface NavigationEvent extends EventLike {
    readonly url: string;
    readonly isMainFrame?: boolean;
  }

  interface WebFrameMain {
    readonly url: string;
    readonly origin: string;
  }

  interface IpcMainInvokeEvent {
    readonly sender: WebContents;
    readonly senderFrame: WebFrameMain | null;
  }

  interface HandlerDetails {
    url: string;
    frameName: string;
    disposition: string;
  }

  type WindowOpenHandlerResponse =
    | { action: 'deny' }
    | { action: 'allow'; overrideBrowserWindowOptions?: BrowserWindowConstructorOptions };

  interface WebPreferences {
    preload?: string;
    contextIsolation?: boolean;
    sandbox?: boolean;
    nodeIntegration?: boolean;
    nodeIntegrationInSubFrames?: boolean;
    webSecurity?: boolean;
    allowRunningInsecureContent?: boolean;
    webviewTag?: boolean;
    spellcheck?: boolean;
  }

  interface BrowserWindowConstructorOptions {
    width?: number;
    height?: number;
    minWidth?: number;
    minHeight?: number;
    title?: string;
    show?: boolean;
    backgroundColor?: string;
    parent?: BrowserWindow;
    webPreferences?: WebPreferences;
  }

  interface OnHeadersReceivedListenerDetails {
    url: string;
    resourceType: string;
    responseHeaders?: Record<string, string[]>;
  }

  interface HeadersReceivedResponse {
    cancel?: boolean;
    responseHeaders?: Record<string, string | string[]>;
  }

  interface PermissionRequestDetails {
    requestingUrl?: string;
  }

  interface WebRequest {
    onHeadersReceived(
      listener: (details: OnHeadersReceivedListenerDetails, callback: (response: HeadersReceivedResponse) => void) => void,
    ): void;
  }

  interface Session {
    readonly webRequest: WebRequest;
    setPermissionRequestHandler(
      handler:
        | ((webContents: WebContents, permission: string, callback: (granted: boolean) => void, details: PermissionRequestDetails) => void)
        | null,
    ): void;
    setPermissionCheckHandler(
      handler: ((webContents: WebContents | null, permission: string, requestingOrigin: string) => boolean) | null,
    ): void;
  }

  interface WebContents {
    readonly session: Session;
    getURL(): string;
    setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void;
    on(
      event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate',
      listener: (event: NavigationEvent, url: string, isInPlace?: boolean, isMainFrame?: boolean) => void,
    ): this;
    on(event: 'will-attach-webview', listener: (event: EventLike) => void): this;
    on(event: string, listener: Listener): this;
  }

  class BrowserWindow {
    constructor(options?: BrowserWindowConstructorOptions);
    static getAllWindows(): BrowserWindow[];
    readonly webContents: WebContents;
    loadURL(url: string): Promise<void>;
    show(): void;
    focus(): void;
    restore(): void;
    isMinimized(): boolean;
    isDestroyed(): boolean;
    getTitle(): string;
    getSize(): number[];
    getMinimumSize(): number[];
    once(event: 'ready-to-show', listener: () => void): this;
    on(event: 'closed', listener: () => void): this;
  }

  interface App {
    readonly isPackaged: boolean;
    requestSingleInstanceLock(): boolean;
    whenReady(): Promise<void>;
    quit(): void;
    exit(exitCode?: number): void;
    getPath(name: 'appData' | 'userData' | 'downloads' | 'documents' | 'home' | 'temp'): string;
    setPath(name: 'userData', path: string): void;
    getAppPath(): string;
    setName(name: string): void;
    on(event: 'second-instance' | 'window-all-closed' | 'activate', listener: Listener): this;
    on(event: 'before-quit', listener: (event: EventLike) => void): this;
    on(event: 'web-contents-created', listener: (event: EventLike, contents: WebContents) => void): this;
  }

  interface MenuItemConstructorOptions {
    label?: string;
    role?: string;
    accelerator?: string;
    type?: 'normal' | 'separator' | 'submenu' | 'checkbox' | 'radio';
    submenu?: MenuItemConstructorOptions[];
    click?: (...args: any[]) => void;
  }
  class Menu {
    static buildFromTemplate(template: MenuItemConstructorOptions[]): Menu;
    static setApplicationMenu(menu: Menu | null): void;
  }

  interface FileFilter {
    name: string;
    extensions: string[];
  }
  interface SaveDialogOptions {
    title?: string;
    defaultPath?: string;
    filters?: FileFilter[];
  }
  interface MessageBoxOptions {
    type?: 'none' | 'info' | 'error' | 'question' | 'warning';
    title?: string;
    message: string;
    detail?: string;
    buttons?: string[];
    defaultId?: number;
    cancelId?: number;
  }
  interface Dialog {
    showSaveDialog(window: BrowserWindow, options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
    showMessageBox(window: BrowserWindow, options: MessageBoxOptions): Promise<{ response: number }>;
    showErrorBox(title: string, content: string): void;
  }

  interface Shell {
    openExternal(url: string): Promise<void>;
    /** Resolves to an error message, or '' on success. */
    openPath(path: string): Promise<string>;
  }

  interface IpcMain {
    handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: any[]) => unknown): void;
  }

  interface IpcRenderer {
    invoke(channel: string, ...args: unknown[]): Promise<any>;
  }

  interface ContextBridge {
    exposeInMainWorld(apiKey: string, api: unknown): void;
  }

  export const app: App;
  export const dialog: Dialog;
  export const shell: Shell;
  export const ipcMain: IpcMain;
  export const ipcRenderer: IpcRenderer;
  export const contextBridge: ContextBridge;
  export const session: { readonly defaultSession: Session };
  export { BrowserWindow, Menu };
  export type {
    BrowserWindowConstructorOptions,
    IpcMainInvokeEvent,
    MenuItemConstructorOptions,
    NavigationEvent,
    Session,
    WebContents,
    WebFrameMain,
  };
}
