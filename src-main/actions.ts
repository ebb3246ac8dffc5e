import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, dialog, shell, type BrowserWindow } from 'electron';
import type { Host } from '../src-servers/host/host.js';
import { SERVICE_PATHS } from '../src-servers/protocol/constants.js';
import { STUDIO_API_PATH, STUDIO_TOKEN_HEADER } from '../src-servers/protocol/studio.js';
import { EXPORT_FORMATS, exportFormatFor, type MenuActions } from './menu.js';
import { protocolDocCandidates } from './paths.js';

/** What the menu's own items do. Each is a few lines over the host and the studio API. */
export function menuActions(host: Host, studioUrl: string, window: () => BrowserWindow | null, studioToken: string): MenuActions {
  const fail = (title: string, err: unknown) => dialog.showErrorBox(title, (err as Error).message ?? String(err));

  return {
    exportTrace() {
      const win = window();
      if (!win) return;
      void (async () => {
        const traceId = host.trace.currentTraceId();
        const choice = await dialog.showSaveDialog(win, {
          title: 'Export trace',
          defaultPath: join(app.getPath('downloads'), `trace-${traceId}.json`),
          filters: EXPORT_FORMATS.map((f) => ({ name: f.name, extensions: [...f.extensions] })),
        });
        if (choice.canceled || !choice.filePath) return;
        await writeFile(choice.filePath, host.trace.exportTrace(traceId, exportFormatFor(choice.filePath)), 'utf8');
      })().catch((err) => fail('Could not export the trace', err));
    },

    resetAllData() {
      const win = window();
      if (!win) return;
      void (async () => {
        const { response } = await dialog.showMessageBox(win, {
          type: 'warning',
          title: 'Reset all data',
          message: 'Delete every registration, user, grant, mail and trace?',
          detail: 'The service, provider and mailbox start again empty. This cannot be undone.',
          buttons: ['Reset all data', 'Cancel'],
          defaultId: 1,
          cancelId: 1,
        });
        if (response !== 0) return;
        // Through the studio API rather than host.reset(): the studio also stops the current run
        // and tells the window (SSE "reset"), exactly as the in-page button does.
        // The studio API answers only with this launch's token (host/studioGuard.ts).
        const res = await fetch(`${studioUrl}${STUDIO_API_PATH}/reset`, { method: 'POST', headers: { [STUDIO_TOKEN_HEADER]: studioToken } });
        if (!res.ok) throw new Error(`The studio answered ${res.status}: ${await res.text()}`);
      })().catch((err) => fail('Could not reset the data', err));
    },

    openAuthMd() {
      // The service's real /auth.md, fetched by the system browser (and recorded in the trace): a URL
      // the main process made from the host's own address, never one a page supplied.
      void shell.openExternal(`${host.urls.service}${SERVICE_PATHS.authMd}`);
    },

    openProtocolDocs() {
      const doc = protocolDocCandidates(app.getAppPath()).find((p) => existsSync(p));
      if (!doc) return fail('Protocol docs not found', new Error('PROTOCOL.md is not part of this build.'));
      void shell.openPath(doc).then((error) => error && fail('Could not open the protocol docs', new Error(error)));
    },
  };
}
