import { describe, expect, it } from 'vitest';
import { buildMenuTemplate, exportFormatFor, type MenuActions, type MenuItemTemplate } from '../../src-main/menu.js';

function recordingActions() {
  const calls: string[] = [];
  const actions: MenuActions = {
    exportTrace: () => calls.push('exportTrace'),
    resetAllData: () => calls.push('resetAllData'),
    openAuthMd: () => calls.push('openAuthMd'),
    openProtocolDocs: () => calls.push('openProtocolDocs'),
  };
  return { calls, actions };
}

const labels = (items: MenuItemTemplate[] | undefined) => (items ?? []).filter((i) => i.type !== 'separator').map((i) => i.label ?? i.role);
const menu = (t: MenuItemTemplate[], label: string) => t.find((m) => m.label === label)?.submenu ?? [];
const item = (t: MenuItemTemplate[], top: string, label: string) => menu(t, top).find((i) => i.label === label);

describe('application menu', () => {
  it('has File, Edit, View and Help on Windows and Linux', () => {
    for (const platform of ['linux', 'win32'] as const) {
      const t = buildMenuTemplate(recordingActions().actions, platform);
      expect(t.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Help']);
      expect(labels(menu(t, 'File'))).toEqual(['Export trace…', 'Reset all data…', 'Quit']);
      expect(item(t, 'File', 'Quit')?.role).toBe('quit');
    }
  });

  it('puts Quit in the app menu on macOS, as Mac users expect', () => {
    const t = buildMenuTemplate(recordingActions().actions, 'darwin');
    expect(t[0]).toMatchObject({ label: 'Agentic Registration Studio', role: 'appMenu' });
    expect(labels(menu(t, 'File'))).toEqual(['Export trace…', 'Reset all data…']);
  });

  it('View offers reload, devtools and zoom through Electron roles', () => {
    const t = buildMenuTemplate(recordingActions().actions, 'linux');
    const roles = Object.fromEntries(menu(t, 'View').filter((i) => i.label).map((i) => [i.label, i.role]));
    expect(roles).toEqual({
      Reload: 'reload',
      'Toggle DevTools': 'toggleDevTools',
      'Actual Size': 'resetZoom',
      'Zoom In': 'zoomIn',
      'Zoom Out': 'zoomOut',
      'Toggle Full Screen': 'togglefullscreen',
    });
  });

  it('Edit has the clipboard roles (copy/paste shortcuts need them on macOS)', () => {
    const t = buildMenuTemplate(recordingActions().actions, 'darwin');
    expect(labels(menu(t, 'Edit'))).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']);
  });

  it('each own item runs its action, and only that one', () => {
    const cases: [string, string, keyof MenuActions][] = [
      ['File', 'Export trace…', 'exportTrace'],
      ['File', 'Reset all data…', 'resetAllData'],
      ['Help', 'Open AUTH.md', 'openAuthMd'],
      ['Help', 'Protocol docs', 'openProtocolDocs'],
    ];
    for (const [top, label, action] of cases) {
      const { calls, actions } = recordingActions();
      const t = buildMenuTemplate(actions, 'linux');
      item(t, top, label)!.click!();
      expect(calls).toEqual([action]);
    }
  });

  it('gives Export a shortcut and Reset none (too easy to hit by accident)', () => {
    const t = buildMenuTemplate(recordingActions().actions, 'linux');
    expect(item(t, 'File', 'Export trace…')?.accelerator).toBe('CmdOrCtrl+E');
    expect(item(t, 'File', 'Reset all data…')?.accelerator).toBeUndefined();
  });
});

describe('exportFormatFor', () => {
  it.each([
    ['/home/a/trace.json', 'json'],
    ['C:\\Users\\a\\trace.HAR', 'har'],
    ['trace.mmd', 'mermaid'],
    ['report.md', 'markdown'],
    ['trace', 'json'],
    ['trace.txt', 'json'],
    ['/dir.har/trace', 'json'],
  ])('%s → %s', (file, format) => {
    expect(exportFormatFor(file)).toBe(format);
  });
});
