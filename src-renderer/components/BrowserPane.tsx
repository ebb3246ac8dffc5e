import { useEffect, useState, type FormEvent } from 'react';
import { openInBrowser } from '../store/selection';
import { liveProfile } from '../store/profile';
import { useStudio } from '../store/studio';
import { AutopilotPage } from './AutopilotPage';
import { nextHint } from './hints';
import { Pane } from './Pane';

/** The person's own browser: the service's real claim page, framed, with an address bar. */
export function BrowserPane() {
  const browser = useStudio((s) => s.browser);
  const run = useStudio((s) => s.run);
  const progress = useStudio((s) => s.progress);
  const busy = useStudio((s) => s.busy);
  const hint = nextHint({ run, progress, busy });
  const auto = useStudio((s) => (s.autopilotView.runId === run?.id ? s.autopilotView.browser : null));
  const v06 = useStudio(liveProfile) === 'v0.6';
  const [address, setAddress] = useState(browser.url ?? '');
  useEffect(() => setAddress(browser.url ?? ''), [browser.url, browser.nonce]);

  const go = (e: FormEvent) => {
    e.preventDefault();
    const url = address.trim();
    if (/^https?:\/\//.test(url)) openInBrowser(url);
  };
  const external = () => {
    if (!browser.url) return;
    if (window.studio?.openExternal) void window.studio.openExternal(browser.url);
    else window.open(browser.url, '_blank', 'noopener');
  };

  return (
    <Pane label="User's browser" attention={hint.pane === 'browser'} hint={hint.text} className="browser-pane">
      <form className="url-bar" onSubmit={go}>
        <input aria-label="Address" value={address} onChange={(e) => setAddress(e.target.value)} placeholder="http://127.0.0.1:…" spellCheck={false} />
        <button type="submit" aria-label="Go">Go</button>
        <button type="button" onClick={external} disabled={!browser.url} title="Open in a real browser window" aria-label="Open in a new window">↗</button>
      </form>
      {auto && auto.url === browser.url ? (
        <AutopilotPage page={auto} title="User's browser page" />
      ) : browser.url ? (
        <iframe key={`${browser.nonce}`} className="page-frame" src={browser.url} title="User's browser page" />
      ) : (
        <div className="placeholder">
          <p className="empty-title">Nothing open</p>
          <p className="muted">
            {v06
              ? 'The link the agent hands you loads here: the service\'s own sign-in page, then its claim page, where you type the code.'
              : 'Links you open from a mail in the Inbox load here — like the service\'s claim page with your one-time code.'}
          </p>
        </div>
      )}
    </Pane>
  );
}
