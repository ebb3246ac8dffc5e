import { MAILBOX_PATHS, PROVIDER_PATHS, SERVICE_PATHS } from '../../src-servers/protocol/constants';
import { SERVICE_PATHS_V06 } from '../../src-servers/protocol/v0.6/constants';
import type { Exchange, Mail, StudioRun } from '../types';
import type { StudioState } from './studio';

/**
 * Autopilot plays the person with real, recorded requests (src-servers/agent/user.ts). So that an
 * audience sees it act, the person's panes follow those User exchanges as they arrive: the consent
 * page it loaded and the button it pressed, the mail it opened, the claim page and the code it
 * revealed. Each page is drawn from the exchange's recorded response (srcdoc, sandboxed): loading
 * it again would send a second request as the User and add an arrow the autopilot never made.
 */
export interface ShownPage {
  url: string;
  html: string;
  /** What autopilot just did there, in the person's words. */
  note: string;
  /** The exchange that last changed it (restarts the pane's highlight). */
  seq: number;
}

export interface AutopilotView {
  runId: string | null;
  consent: ShownPage | null;
  browser: ShownPage | null;
  /** The mail autopilot opened (shown from its recorded copy, not re-fetched). */
  mail: Mail | null;
  mailSeq: number;
}

export const noAutopilotView: AutopilotView = { runId: null, consent: null, browser: null, mail: null, mailSeq: 0 };

const pathOf = (url: string) => new URL(url, 'http://studio.invalid').pathname;
const isHtml = (e: Exchange) => /text\/html/i.test(e.responseHeaders['content-type'] ?? '') && Boolean(e.responseBody);

/** The recorded page, with the element autopilot pressed marked and outlined, as a person would see the click. */
function markPressed(html: string, press: (doc: Document) => Element | null | undefined, fill?: (doc: Document) => void): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const pressed = press(doc);
  if (pressed) {
    pressed.setAttribute('data-autopilot-pressed', '');
    const style = doc.createElement('style');
    style.textContent = '[data-autopilot-pressed]{outline:3px solid #3552d4;outline-offset:3px;box-shadow:0 0 0 8px rgba(53,82,212,.18)}';
    doc.head.append(style);
  }
  fill?.(doc);
  return '<!doctype html>' + doc.documentElement.outerHTML;
}

const LABELS: Record<string, string> = { once: 'Allow once', always: 'Always allow', deny: 'Deny' };

function consentAnswer(e: Exchange): string {
  if (pathOf(e.url).endsWith('/deny')) return 'deny';
  return new URLSearchParams(e.requestBody ?? '').get('mode') ?? 'once';
}

function parseJson(body: string | null): any {
  try {
    return body ? JSON.parse(body) : undefined;
  } catch {
    return undefined;
  }
}

/** The v0.6 pages autopilot passes through as the person, and what it just did there. */
const V06_PAGES: Record<string, (e: Exchange) => string> = {
  [SERVICE_PATHS_V06.login]: () => 'Autopilot opened the link the agent handed over: the service\'s own sign-in page.',
  [SERVICE_PATHS_V06.claimPage]: (e) =>
    e.status === 200 ? 'Autopilot signed in; the claim page asks for the code the agent showed.' : `Autopilot signed in; the claim page answered ${e.status}.`,
  [SERVICE_PATHS_V06.claimComplete]: (e) =>
    e.status === 200 ? 'Autopilot typed the code and confirmed the claim.' : `Autopilot typed the code; the service answered ${e.status}.`,
};

/**
 * Follow one exchange: when it is autopilot acting as the User in the live run, the store change
 * that shows it in the pane it belongs to (a plain function of the state, so no import cycle).
 */
export function followAutopilot(e: Exchange, run: StudioRun | null, state: StudioState): Partial<StudioState> | null {
  if (!run?.autopilot || e.from !== 'User' || e.traceId !== run.traceId) return null;
  const view: AutopilotView = state.autopilotView.runId === run.id ? state.autopilotView : { ...noAutopilotView, runId: run.id };
  const path = pathOf(e.url);

  // PROTOCOL.md §6: the provider's consent prompt, then the form post of the button pressed.
  if (e.to === 'Provider' && e.method === 'GET' && path.includes(PROVIDER_PATHS.consent) && isHtml(e)) {
    return { autopilotView: { ...view, consent: { url: e.url, html: e.responseBody!, note: 'Autopilot opened the consent page.', seq: e.seq } } };
  } else if (e.to === 'Provider' && e.method === 'POST' && path.includes(PROVIDER_PATHS.consent) && view.consent) {
    const answer = consentAnswer(e);
    const label = LABELS[answer] ?? answer;
    const html = markPressed(view.consent.html, (doc) =>
      [...doc.querySelectorAll('button')].find((b) => b.textContent?.trim().toLowerCase() === label.toLowerCase()));
    return { autopilotView: { ...view, consent: { ...view.consent, html, note: `Autopilot pressed “${label}”.`, seq: e.seq } } };
  }

  // PROTOCOL.md §8: the mailbox answers GET /messages/:id with the whole mail.
  else if (e.to === 'Inbox' && e.method === 'GET' && /^[^/]+$/.test(path.split(`${MAILBOX_PATHS.messages}/`)[1] ?? '') && e.status === 200) {
    const mail = parseJson(e.responseBody) as Mail | undefined;
    if (!mail?.id) return null;
    const mails = [...state.mails.filter((m) => m.id !== mail.id), mail];
    return {
      mails, mailCheckedAt: e.startedAt, openMailId: mail.id,
      progress: { ...state.progress, mailOpened: true },
      autopilotView: { ...view, mail, mailSeq: e.seq },
    };
  }

  // PROTOCOL-v0.6.md §3: the link the agent handed over opens the service's sign-in, then its claim page; the form confirms.
  else if (e.to === 'Service' && e.serviceProfile === 'v0.6' && isHtml(e) && V06_PAGES[path]) {
    const note = V06_PAGES[path](e);
    return {
      browser: { url: e.url, nonce: state.browser.nonce + 1 },
      progress: { ...state.progress, mailOpened: true, linkOpened: true },
      autopilotView: { ...view, browser: { url: e.url, html: e.responseBody!, note, seq: e.seq } },
    };
  }

  // PROTOCOL.md §3: the claim page the link opens, then "Reveal code" (POST …/challenge) and the code.
  else if (e.to === 'Service' && e.method === 'GET' && path.endsWith(SERVICE_PATHS.claimView) && isHtml(e)) {
    return {
      browser: { url: e.url, nonce: state.browser.nonce + 1 },
      progress: { ...state.progress, mailOpened: true, linkOpened: true },
      autopilotView: { ...view, browser: { url: e.url, html: e.responseBody!, note: 'Autopilot opened the link from the mail.', seq: e.seq } },
    };
  } else if (e.to === 'Service' && e.method === 'POST' && path.endsWith(SERVICE_PATHS.claimChallenge) && view.browser) {
    const code = e.status === 200 ? String(parseJson(e.responseBody)?.challenge ?? '') : '';
    const html = markPressed(view.browser.html, (doc) => doc.getElementById('reveal'), (doc) => {
      const result = doc.getElementById('result');
      if (!result) return;
      const shown = doc.createElement(code ? 'div' : 'p');
      shown.className = code ? 'code' : 'error';
      shown.textContent = code || `The service answered ${e.status}.`;
      result.replaceChildren(shown);
    });
    const note = code ? 'Autopilot pressed “Reveal code” and reads the code to the agent.' : 'Autopilot pressed “Reveal code”; the service refused.';
    return { autopilotView: { ...view, browser: { ...view.browser, html, note, seq: e.seq } } };
  }
  return null;
}
