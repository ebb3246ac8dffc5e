import { BrowserWindow, shell, type Event, type Session, type WebContents } from 'electron';
import { shouldApplyCsp, studioCsp, withCsp } from './csp.js';
import { frameNavigationAction, isDocumentationUrl, navigationAction, permissionAllowed, type AppOrigins, type NavigationAction } from './security.js';
import { childWindowOptions } from './window-options.js';

/**
 * Wiring of the pure rules in security.ts and csp.ts into Electron's hooks. Nothing is decided
 * here; each hook asks the rule and does what it says.
 */

/** Apply the studio CSP and deny permission requests for every page in this session. */
export function secureSession(session: Session, origins: AppOrigins): void {
  const policy = studioCsp(origins);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: shouldApplyCsp(details.url, origins) ? withCsp(details.responseHeaders, policy) : details.responseHeaders,
    });
  });
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(permissionAllowed(permission, details?.requestingUrl ?? contents.getURL(), origins));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionAllowed(permission, requestingOrigin, origins));
}

/** Open a role page (consent, inbox, claim page) in its own app window: no preload, same guards. */
export function openAppWindow(url: string): void {
  const win = new BrowserWindow(childWindowOptions());
  void win.loadURL(url);
}

function perform(action: NavigationAction, url: string): void {
  // Checked again at the call itself: nothing a page does reaches shell.openExternal otherwise.
  if (action === 'system-browser' && isDocumentationUrl(url)) void shell.openExternal(url);
  else if (action === 'app-window') openAppWindow(url);
}

/**
 * Limit where a page can go (installed on every WebContents the app creates, including child
 * windows). `isMain` is asked at event time: the main window's contents exist before its
 * BrowserWindow constructor returns.
 */
export function guardContents(contents: WebContents, origins: () => AppOrigins | null, isMain: () => boolean): void {
  const decide = (url: string, mainFrame: boolean): NavigationAction => {
    const known = origins();
    if (!known) return 'deny';
    // The studio page itself must stay put; frames inside it (consent, claim page) move freely
    // between the app's origins, e.g. a consent form's POST answered by a redirect.
    return navigationAction(url, known, isMain() && mainFrame ? 'main' : 'child');
  };
  // Electron ≥ 25 puts the details on the event (the positional arguments are deprecated).
  const onNavigate = (event: Event<{ url: string; isMainFrame: boolean }>) => {
    const action = decide(event.url, event.isMainFrame);
    if (action === 'allow') return;
    event.preventDefault();
    perform(action, event.url);
  };
  contents.on('will-navigate', onNavigate);
  contents.on('will-redirect', onNavigate);
  // A documentation link inside a framed page: to the system browser; any other site: nowhere.
  contents.on('will-frame-navigate', (event) => {
    const known = origins();
    if (event.isMainFrame || !event.url || !known) return;
    const action = frameNavigationAction(event.url, known);
    if (action === 'leave-to-csp') return;
    event.preventDefault();
    perform(action, event.url);
  });
  // No <webview>: it would be a second, unguarded browser inside the page.
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const known = origins();
    const action = known ? navigationAction(url, known, 'window-open') : 'deny';
    if (action === 'allow') return { action: 'allow', overrideBrowserWindowOptions: childWindowOptions() };
    perform(action, url);
    return { action: 'deny' };
  });
}
