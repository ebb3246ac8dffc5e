import { describe, expect, it } from 'vitest';
import { childWindowOptions, mainWindowOptions } from '../../src-main/window-options.js';

describe('window options', () => {
  const main = mainWindowOptions('/app/out/preload/index.cjs');

  it('opens the studio at 1280×800, no smaller than 1024×700, titled with the app name', () => {
    expect(main).toMatchObject({ width: 1280, height: 800, minWidth: 1024, minHeight: 700, title: 'Agentic Registration Studio' });
  });

  it('isolates the page from Node and Electron, in the Chromium sandbox', () => {
    for (const opts of [main, childWindowOptions()]) {
      expect(opts.webPreferences).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
      });
    }
  });

  it('gives the preload (window.studio) to the studio window only', () => {
    expect(main.webPreferences?.preload).toBe('/app/out/preload/index.cjs');
    expect(childWindowOptions().webPreferences?.preload).toBeUndefined();
  });
});
