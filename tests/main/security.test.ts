import { describe, expect, it } from 'vitest';
import {
  appOrigins,
  classifyUrl,
  externalUrlOrNull,
  frameNavigationAction,
  isDocumentationUrl,
  isTrustedSender,
  navigationAction,
  openExternalTarget,
  permissionAllowed,
} from '../../src-main/security.js';

const origins = appOrigins({
  studio: 'http://127.0.0.1:5178',
  service: 'http://127.0.0.1:8000',
  provider: 'http://127.0.0.1:4000',
  mailbox: 'http://127.0.0.1:8025',
});

describe('appOrigins', () => {
  it('keeps only the origin of each URL', () => {
    const o = appOrigins({
      studio: 'http://127.0.0.1:5178/',
      service: 'http://127.0.0.1:8000/auth.md',
      provider: 'http://127.0.0.1:4000',
      mailbox: 'http://127.0.0.1:8025/messages',
    });
    expect(o).toEqual({ studio: 'http://127.0.0.1:5178', roles: ['http://127.0.0.1:8000', 'http://127.0.0.1:4000', 'http://127.0.0.1:8025'] });
  });

  it('counts every service the host runs as the app\'s own (the companion\'s /login and /claim pages stay in the app)', () => {
    const o = appOrigins({
      studio: 'http://127.0.0.1:5178', service: 'http://127.0.0.1:8000', provider: 'http://127.0.0.1:4000', mailbox: 'http://127.0.0.1:8025',
      services: ['http://127.0.0.1:8000', 'http://127.0.0.1:8001'],
    });
    expect(o.roles).toEqual(['http://127.0.0.1:8000', 'http://127.0.0.1:8001', 'http://127.0.0.1:4000', 'http://127.0.0.1:8025']);
    expect(classifyUrl('http://127.0.0.1:8001/login?return_to=%2Fclaim', o)).toBe('app');
  });
});

describe('classifyUrl', () => {
  it.each([
    ['http://127.0.0.1:5178/', 'studio'],
    ['http://127.0.0.1:5178/studio/api/info?x=1#y', 'studio'],
    ['http://127.0.0.1:8000/agent/auth/claim/view?t=clm_1', 'app'],
    ['http://127.0.0.1:4000/consent?audience=x', 'app'],
    ['http://127.0.0.1:8025/messages', 'app'],
    ['https://example.com/docs', 'external'],
    ['http://example.com', 'external'],
    // Same host, other port: not one of ours (some other program on this machine).
    ['http://127.0.0.1:9999/', 'external'],
    // localhost is a different origin from 127.0.0.1.
    ['http://localhost:5178/', 'external'],
    // https on our port is not our origin.
    ['https://127.0.0.1:5178/', 'external'],
    // Userinfo trick: the host is evil.example.
    ['http://127.0.0.1:5178@evil.example/', 'external'],
    ['file:///etc/passwd', 'blocked'],
    ['javascript:alert(1)', 'blocked'],
    ['data:text/html,<script>alert(1)</script>', 'blocked'],
    ['smb://server/share', 'blocked'],
    ['mailto:alice@example.com', 'blocked'],
    ['not a url', 'blocked'],
    ['', 'blocked'],
  ])('%s → %s', (url, kind) => {
    expect(classifyUrl(url, origins)).toBe(kind);
  });

  it('refuses to hand absurdly long URLs to the OS', () => {
    expect(classifyUrl(`https://example.com/${'a'.repeat(9000)}`, origins)).toBe('blocked');
  });
});

describe('navigationAction', () => {
  it('keeps the main window on the studio page', () => {
    expect(navigationAction('http://127.0.0.1:5178/?flow=id-jag', origins, 'main')).toBe('allow');
  });
  it('opens a role page from the main window in its own app window', () => {
    expect(navigationAction('http://127.0.0.1:8000/auth.md', origins, 'main')).toBe('app-window');
  });
  it('lets child windows move between the app origins (consent form posts, claim links)', () => {
    expect(navigationAction('http://127.0.0.1:4000/consent/requests/1/approve', origins, 'child')).toBe('allow');
    expect(navigationAction('http://127.0.0.1:5178/', origins, 'child')).toBe('allow');
  });
  it('allows window.open only for app origins', () => {
    expect(navigationAction('http://127.0.0.1:8025/messages/1', origins, 'window-open')).toBe('allow');
    expect(navigationAction('https://www.rfc-editor.org/rfc/rfc8693', origins, 'window-open')).toBe('system-browser');
    expect(navigationAction('file:///C:/Windows/System32/calc.exe', origins, 'window-open')).toBe('deny');
  });
  it('sends other web pages to the system browser from anywhere', () => {
    for (const where of ['main', 'child', 'window-open'] as const) {
      expect(navigationAction('https://datatracker.ietf.org/doc/rfc8693/', origins, where)).toBe('system-browser');
    }
  });
  it('denies non-web schemes from anywhere', () => {
    for (const where of ['main', 'child', 'window-open'] as const) {
      expect(navigationAction('javascript:void(0)', origins, where)).toBe('deny');
    }
  });
});

describe('frameNavigationAction', () => {
  it('sends a web link in a framed page to the system browser', () => {
    expect(frameNavigationAction('https://www.rfc-editor.org/rfc/rfc7523', origins)).toBe('system-browser');
  });
  it('leaves moves between app origins, about:blank and other schemes to the CSP', () => {
    for (const url of ['http://127.0.0.1:4000/consent/requests/1/approve', 'http://127.0.0.1:8000/agent/auth/claim/view', 'about:blank', 'about:srcdoc', 'javascript:void(0)']) {
      expect(frameNavigationAction(url, origins)).toBe('leave-to-csp');
    }
  });
});

describe('externalUrlOrNull (openExternal argument)', () => {
  it('accepts http and https URLs, normalised', () => {
    expect(externalUrlOrNull('https://example.com')).toBe('https://example.com/');
    expect(externalUrlOrNull('http://127.0.0.1:8000/auth.md')).toBe('http://127.0.0.1:8000/auth.md');
  });
  it.each([[42], [null], [undefined], [{ href: 'https://example.com' }], ['file:///etc/passwd'], ['ms-settings:'], ['notaurl'], [`https://x.example/${'a'.repeat(9000)}`]])(
    'rejects %j',
    (value) => {
      expect(externalUrlOrNull(value)).toBeNull();
    },
  );
});

describe('permissionAllowed', () => {
  it('denies every permission a page can ask for', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'midi', 'openExternal', 'clipboard-read', 'fullscreen', 'hid', 'serial']) {
      expect(permissionAllowed(p, 'http://127.0.0.1:5178/', origins)).toBe(false);
    }
  });
  it('lets only the studio page write to the clipboard (its Copy buttons)', () => {
    expect(permissionAllowed('clipboard-sanitized-write', 'http://127.0.0.1:5178/', origins)).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', 'http://127.0.0.1:5178', origins)).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', 'http://127.0.0.1:4000/consent', origins)).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', 'https://example.com/', origins)).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', undefined, origins)).toBe(false);
  });
});

describe('isTrustedSender', () => {
  it('answers IPC only for the studio page', () => {
    expect(isTrustedSender('http://127.0.0.1:5178/', origins)).toBe(true);
    expect(isTrustedSender('http://127.0.0.1:8000/agent/auth/claim/view', origins)).toBe(false);
    expect(isTrustedSender('https://example.com/', origins)).toBe(false);
    expect(isTrustedSender(undefined, origins)).toBe(false);
    expect(isTrustedSender('', origins)).toBe(false);
  });
});

describe('the system browser only for documentation (issue 15: shell.openExternal allow-list)', () => {
  it('isDocumentationUrl: http(s) on an allow-listed host, exactly', () => {
    expect(isDocumentationUrl('https://datatracker.ietf.org/doc/rfc8693/')).toBe(true);
    expect(isDocumentationUrl('https://www.rfc-editor.org/rfc/rfc7523')).toBe(true);
    expect(isDocumentationUrl('http://openid.net/specs/')).toBe(true);
    for (const url of [
      'https://example.com/',
      'https://github.com/',
      // Look-alikes: a subdomain or a suffix is someone else's host.
      'https://evil.datatracker.ietf.org/',
      'https://datatracker.ietf.org.evil.example/',
      // Userinfo and ports: the same host name can mean another server.
      'https://datatracker.ietf.org@evil.example/',
      'https://user@datatracker.ietf.org/',
      'https://datatracker.ietf.org:8443/',
      'ftp://datatracker.ietf.org/',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(isDocumentationUrl(url), url).toBe(false);
    }
  });

  it('a page navigating anywhere else goes nowhere (not to the OS)', () => {
    for (const where of ['main', 'child', 'window-open'] as const) {
      expect(navigationAction('https://evil.example/download.exe', origins, where)).toBe('deny');
      expect(navigationAction('http://127.0.0.1:9999/', origins, where)).toBe('deny');
    }
    expect(navigationAction('https://github.com/', origins, 'window-open')).toBe('deny');
    expect(frameNavigationAction('https://evil.example/', origins)).toBe('deny');
  });

  it("window.studio.openExternal: documentation, or the app's own role pages (the claim page's ↗ button)", () => {
    expect(openExternalTarget('https://www.rfc-editor.org/rfc/rfc8693', origins)).toEqual({ ok: true, url: 'https://www.rfc-editor.org/rfc/rfc8693' });
    expect(openExternalTarget('http://127.0.0.1:8000/agent/auth/claim/view?t=clm_1', origins)).toEqual({
      ok: true,
      url: 'http://127.0.0.1:8000/agent/auth/claim/view?t=clm_1',
    });
    expect(openExternalTarget('https://example.com/', origins)).toEqual({
      ok: false,
      message: "openExternal: only documentation sites and the app's own pages can be opened",
    });
    // The studio page itself is not a role page: nothing to send to another browser.
    expect(openExternalTarget('http://127.0.0.1:5178/', origins).ok).toBe(false);
    expect(openExternalTarget('file:///etc/passwd', origins)).toEqual({ ok: false, message: 'openExternal: only http and https URLs can be opened' });
    expect(openExternalTarget(42, origins).ok).toBe(false);
  });
});
