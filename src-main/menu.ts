/**
 * The application menu as data. Electron's Menu.buildFromTemplate takes exactly this shape
 * (MenuItemConstructorOptions); keeping it here, free of electron, lets the tests read the menu
 * the way a user does: by label, accelerator and what a click does.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { ExportFormat } from '../src-servers/protocol/trace.js';

export interface MenuItemTemplate {
  label?: string;
  /** Electron's built-in behaviours (reload, zoomIn, quit, …): correct on every platform for free. */
  role?: MenuItemConstructorOptions['role'];
  accelerator?: string;
  type?: 'normal' | 'separator' | 'submenu';
  submenu?: MenuItemTemplate[];
  click?: () => void;
}

/** What the app does for the menu's own (non-role) items. */
export interface MenuActions {
  /** Save the current trace (JSON, HAR, Mermaid or Markdown) to a file the user picks. */
  exportTrace(): void;
  /** Ask, then wipe every role's data (databases, keys, trace). */
  resetAllData(): void;
  /** The service's skill manifest, /auth.md, as an agent would read it. */
  openAuthMd(): void;
  /** The protocol reference (PROTOCOL.md). */
  openProtocolDocs(): void;
}

export const APP_NAME = 'Agentic Registration Studio';

const separator: MenuItemTemplate = { type: 'separator' };

export function buildMenuTemplate(actions: MenuActions, platform: NodeJS.Platform = process.platform): MenuItemTemplate[] {
  const mac = platform === 'darwin';
  const file: MenuItemTemplate = {
    label: 'File',
    submenu: [
      { label: 'Export trace…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportTrace() },
      separator,
      { label: 'Reset all data…', click: () => actions.resetAllData() },
      // On macOS Quit lives in the app menu (Cmd+Q); elsewhere File → Quit is where people look.
      ...(mac ? [] : [separator, { label: 'Quit', role: 'quit', accelerator: 'CmdOrCtrl+Q' } satisfies MenuItemTemplate]),
    ],
  };
  // Without an Edit menu, copy/paste shortcuts do nothing on macOS.
  const edit: MenuItemTemplate = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      separator,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const view: MenuItemTemplate = {
    label: 'View',
    submenu: [
      { label: 'Reload', role: 'reload' },
      { label: 'Toggle DevTools', role: 'toggleDevTools' },
      separator,
      { label: 'Actual Size', role: 'resetZoom' },
      { label: 'Zoom In', role: 'zoomIn' },
      { label: 'Zoom Out', role: 'zoomOut' },
      separator,
      { label: 'Toggle Full Screen', role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemTemplate = {
    label: 'Help',
    role: 'help',
    submenu: [
      { label: 'Open AUTH.md', click: () => actions.openAuthMd() },
      { label: 'Protocol docs', click: () => actions.openProtocolDocs() },
    ],
  };
  const appMenu: MenuItemTemplate = { label: APP_NAME, role: 'appMenu' };
  return [...(mac ? [appMenu] : []), file, edit, view, help];
}

/** Export formats the studio API offers, keyed by the file extension the user picks. */
export const EXPORT_FORMATS = [
  { format: 'json', name: 'Trace (JSON)', extensions: ['json'] },
  { format: 'har', name: 'HTTP Archive (HAR)', extensions: ['har'] },
  { format: 'mermaid', name: 'Mermaid sequence diagram', extensions: ['mmd'] },
  { format: 'markdown', name: 'Markdown report', extensions: ['md'] },
] as const satisfies readonly { format: ExportFormat; name: string; extensions: readonly string[] }[];

/** The export format for a chosen file name; an unknown or missing extension means JSON. */
export function exportFormatFor(filePath: string): ExportFormat {
  const ext = /\.([^./\\]+)$/.exec(filePath)?.[1]?.toLowerCase();
  return EXPORT_FORMATS.find((f) => (f.extensions as readonly string[]).includes(ext ?? ''))?.format ?? 'json';
}
