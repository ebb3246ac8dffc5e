import { contextBridge, ipcRenderer } from 'electron';
import { IPC, type SaveFileRequest, type SaveFileResult, type StudioBridge } from '../src-servers/protocol/bridge.js';

/**
 * Sandboxed preload (CommonJS, electron's renderer modules only). It exposes three things on
 * window.studio through contextBridge and nothing else: no ipcRenderer, no Node (Electron
 * security checklist §3, §20). The main process validates every argument again (ipc.ts).
 */
const bridge: StudioBridge = {
  isDesktop: true,
  openExternal: (url: string) => ipcRenderer.invoke(IPC.openExternal, String(url)) as Promise<void>,
  saveFile: (request: SaveFileRequest) =>
    // Copy the known fields only: nothing else from the page's object crosses into the main process.
    ipcRenderer.invoke(IPC.saveFile, {
      defaultName: request?.defaultName,
      defaultPath: request?.defaultPath,
      content: request?.content,
    }) as Promise<SaveFileResult>,
};

contextBridge.exposeInMainWorld('studio', bridge);
