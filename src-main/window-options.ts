import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_NAME } from './menu.js';

/**
 * The windows' options as data (type-only electron import: nothing of Electron runs here).
 * webPreferences follow Electron's security checklist: §2 no Node.js in the page, §3 context
 * isolation, §4 the Chromium sandbox, §6 webSecurity on, §8 no insecure content, §12 no <webview>.
 */
export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
} as const;

/** The studio window; `preload` adds window.studio (src-main/preload.ts). */
export function mainWindowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 700,
    title: APP_NAME,
    // Shown on 'ready-to-show', so the window never flashes empty.
    show: false,
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload },
  };
}

/** A role page (consent, inbox, claim page, /auth.md) opened in its own window: no preload. */
export function childWindowOptions(): BrowserWindowConstructorOptions {
  return { width: 1024, height: 760, webPreferences: { ...SECURE_WEB_PREFERENCES } };
}
