/**
 * The preload bridge: the desktop extras src-main/preload.ts puts on `window.studio`, answered by
 * src-main/ipc.ts (DESIGN.md rule 2: each optional in the renderer, which works the same without
 * them in a browser tab). Names, shapes and constants only — no imports — so the sandboxed
 * preload can import this without pulling anything else into its bundle.
 */

/** IPC channels, answered by ipcMain.handle in the main process. */
export const IPC = {
  openExternal: 'studio:open-external',
  saveFile: 'studio:save-file',
} as const;

export interface SaveFileRequest {
  /** Suggested file name, e.g. "trace.har". Only the name is used: the user picks the folder. */
  defaultName?: string;
  /** Accepted too, for callers that suggest a path; reduced to its last segment. */
  defaultPath?: string;
  content: string;
}

export type SaveFileResult = { saved: true; fileName: string } | { saved: false };

/**
 * What `window.studio` is in the desktop app. Exactly these members cross contextBridge; the
 * studio's URL is not among them: the window is loaded from the studio server, so the renderer
 * reaches the API on its own origin.
 */
export interface StudioBridge {
  readonly isDesktop: true;
  /** Open a URL in the system browser: the app's own role pages or a documentation host (src-main/security.ts); rejects anything else. */
  openExternal(url: string): Promise<void>;
  /** Ask where to save `content` (native dialog) and write it there. */
  saveFile(request: SaveFileRequest): Promise<SaveFileResult>;
}
