import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useStudio } from '../store/studio';
import type { Exchange } from '../types';
import type { CodeLang } from './code';
import { CodeTab } from './CodeTab';
import { pathOf, responseLabel, toneOf } from './diagramModel';
import './inspector.css';
import { shownTab, tabsFor, type InspectorTab } from './inspectorTabs';
import { maskedHeaders, maskedUrl, prettyBody } from './secrets';
import { TokensTab } from './TokensTab';

function Headers({ headers }: { headers: Record<string, string> }) {
  const entries = Object.entries(headers);
  if (!entries.length) return <p className="muted">No headers.</p>;
  return (
    <dl className="headers">
      {entries.map(([k, v]) => (
        <div key={k} className="header-row">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function Side({ e, side, reveal }: { e: Exchange; side: 'request' | 'response'; reveal: boolean }) {
  const body = prettyBody(e, side, reveal);
  return (
    <div className="side">
      <p className="side-line">
        {side === 'request' ? <code>{e.method} {maskedUrl(e, reveal)}</code> : <code>{responseLabel(e)}</code>}
      </p>
      {e.error && side === 'response' && <p className="sig-bad">{e.error}</p>}
      <h3 className="sub">Headers</h3>
      <Headers headers={maskedHeaders(e, side, reveal)} />
      <h3 className="sub">Body</h3>
      {body === null ? <p className="muted">Empty body.</p> : <pre className="body" tabIndex={0} aria-label={`${side === 'request' ? 'Request' : 'Response'} body`}>{body}</pre>}
    </div>
  );
}

const TAB_LABEL: Record<InspectorTab, string> = { request: 'Request', response: 'Response', tokens: 'Tokens', code: 'Code' };

/** WAI-ARIA tabs (APG "Tabs with automatic activation"): arrows, Home and End move and select. */
function Tabs({ e, tab, onChoose }: { e: Exchange; tab: InspectorTab; onChoose: (t: InspectorTab) => void }) {
  const tabs = tabsFor(e);
  const refs = useRef<Partial<Record<InspectorTab, HTMLButtonElement | null>>>({});
  const onKey = (ev: KeyboardEvent<HTMLButtonElement>) => {
    const i = tabs.indexOf(tab);
    const moves: Record<string, number> = { ArrowRight: i + 1, ArrowLeft: i - 1 + tabs.length, Home: 0, End: tabs.length - 1 };
    if (!Object.hasOwn(moves, ev.key)) return;
    const next = moves[ev.key];
    ev.preventDefault(); // also keeps → from being the global "Next step" (shortcuts.ts)
    const t = tabs[next % tabs.length];
    onChoose(t);
    refs.current[t]?.focus();
  };
  return (
    <div className="insp-tabs" role="tablist" aria-label="Exchange details">
      {tabs.map((t) => (
        <button key={t} ref={(el) => { refs.current[t] = el; }} type="button" role="tab" id={`insp-tab-${t}`}
          aria-selected={t === tab} aria-controls="insp-panel" tabIndex={t === tab ? 0 : -1}
          onClick={() => onChoose(t)} onKeyDown={onKey}>
          {TAB_LABEL[t]}
          {t === 'tokens' && <span className="tab-count"><span className="sr-only">(</span>{e.jwts.length}<span className="sr-only"> JWT{e.jwts.length > 1 ? 's' : ''})</span></span>}
        </button>
      ))}
    </div>
  );
}

function Empty() {
  return (
    <section className="inspector empty" aria-label="Inspector">
      <p className="empty-title">Nothing selected</p>
      <p className="muted">Click any arrow in the sequence diagram to see its request and response, decoded tokens and code to replay it.</p>
      <dl className="legend" aria-label="How to read the diagram">
        <div><dt><svg width="44" height="10" aria-hidden="true"><line x1="2" y1="5" x2="36" y2="5" className="lg-req" /><polygon points="42,5 34,1 34,9" className="lg-req-head" /></svg></dt><dd>a request, labelled with its method and path</dd></div>
        <div><dt><svg width="44" height="10" aria-hidden="true"><line x1="8" y1="5" x2="42" y2="5" className="lg-res" /><polyline points="10,1 2,5 10,9" className="lg-res-head" /></svg></dt><dd>its response and status</dd></div>
        <div><dt><span className="lg-bad">401 invalid_token</span></dt><dd>an error answer, with the code from PROTOCOL.md</dd></div>
        <div><dt><span className="lg-band">3 · Step</span></dt><dd>the agent's steps; greyed ones are still to come</dd></div>
        <div><dt><span className="lg-ext">External client</span></dt><dd>appears when curl or another agent calls the servers</dd></div>
      </dl>
    </section>
  );
}

/** The selected exchange: its header, then Request / Response / Tokens / Code tabs. */
export function Inspector() {
  const e = useStudio((s) => s.exchanges.find((x) => x.id === s.selectedExchangeId) ?? null);
  const [reveal, setReveal] = useState(false);
  // The person's last choice, kept while they click from arrow to arrow (inspectorTabs.ts).
  const [chosen, setChosen] = useState<InspectorTab | null>(null);
  const [lang, setLang] = useState<CodeLang>('curl'); // kept too: a Python learner stays in Python
  useEffect(() => setReveal(false), [e?.id]);

  if (!e) return <Empty />;
  const tab = shownTab(e, chosen);
  // The host runs a service per protocol version: say which one this Service is (Exchange.serviceProfile).
  const role = (a: typeof e.from) => (a === 'Service' && e.serviceProfile ? `Service ${e.serviceProfile}` : a);
  const from = e.from === 'External client' && e.fromLabel ? `External client (${e.fromLabel})` : role(e.from);
  const path = (() => {
    try {
      const u = new URL(maskedUrl(e, reveal));
      return u.pathname + u.search;
    } catch {
      return pathOf(e);
    }
  })();

  return (
    <section className="inspector" aria-label="Inspector">
      <header className="insp-head">
        <div className="insp-title">
          <span className="method">{e.method}</span>
          <code className="insp-path" title={maskedUrl(e, reveal)}>{path}</code>
        </div>
        <span className={`status-badge tone-${toneOf(e.status)}`} aria-label={`Status ${responseLabel(e)}`}>{responseLabel(e)}</span>
      </header>
      <p className="insp-meta">
        <span>{from} → {role(e.to)}</span>
        <span>{Math.round(e.durationMs)} ms</span>
        <span>{new Date(e.startedAt).toLocaleTimeString([], { hourCycle: 'h23' })}</span>
        {e.step && <span>step <code>{e.step}</code></span>}
        {e.secrets.length > 0 && (
          <button type="button" className="reveal-btn" aria-pressed={reveal} onClick={() => setReveal(!reveal)}>
            {reveal ? 'Hide secrets' : 'Reveal secrets'}
          </button>
        )}
      </p>
      <Tabs e={e} tab={tab} onChoose={setChosen} />
      <div className="insp-body" role="tabpanel" id="insp-panel" aria-labelledby={`insp-tab-${tab}`} tabIndex={0}>
        {tab === 'request' && <Side e={e} side="request" reveal={reveal} />}
        {tab === 'response' && <Side e={e} side="response" reveal={reveal} />}
        {tab === 'tokens' && <TokensTab e={e} reveal={reveal} />}
        {tab === 'code' && <CodeTab e={e} reveal={reveal} lang={lang} setLang={setLang} />}
      </div>
    </section>
  );
}
