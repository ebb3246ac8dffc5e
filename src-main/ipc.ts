import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { app, dialog, ipcMain, shell, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { IPC, type SaveFileResult } from '../src-servers/protocol/bridge.js';
import { parseSaveFileRequest } from './save-file.js';
import { isTrustedSender, openExternalTarget, type AppOrigins } from './security.js';

/**
 * The main-process side of window.studio (preload.ts). Every argument comes from a web page, so
 * each handler checks who is asking and what, and rejects anything else with a plain message.
 */
export function registerIpc(origins: AppOrigins, window: () => BrowserWindow | null): void {
  const assertStudio = (event: IpcMainInvokeEvent) => {
    if (!isTrustedSender(event.senderFrame?.url, origins)) throw new Error('window.studio is only available to the studio page');
  };

  ipcMain.handle(IPC.openExternal, async (event, url: unknown) => {
    assertStudio(event);
    const target = openExternalTarget(url, origins);
    if (!target.ok) throw new Error(target.message);
    await shell.openExternal(target.url);
  });

  ipcMain.handle(IPC.saveFile, async (event, request: unknown): Promise<SaveFileResult> => {
    assertStudio(event);
    const parsed = parseSaveFileRequest(request);
    if (!parsed.ok) throw new Error(parsed.message);
    const win = window();
    if (!win) return { saved: false };
    // The renderer suggests a name; the user chooses the folder in the native dialog.
    const choice = await dialog.showSaveDialog(win, { defaultPath: join(app.getPath('downloads'), parsed.defaultName) });
    if (choice.canceled || !choice.filePath) return { saved: false };
    await writeFile(choice.filePath, parsed.content, 'utf8');
    return { saved: true, fileName: basename(choice.filePath) };
  });
}
