import { useEffect, useState } from 'react';
import { useStudio } from '../store/studio';
import type { Exchange } from '../types';
import { copyText, curlCommand } from './curl';
import { pathOf, responseLabel, toneOf } from './diagramModel';
import { JwtView } from './JwtView';
import { maskedHeaders, maskedRequest, prettyBody } from './secrets';

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
    <details className="side" open>
      <summary>
        {side === 'request' ? 'Request' : 'Response'}
        <span className="muted">
          {side === 'request' ? ` ${e.method} ${pathOf(e)}` : ` ${responseLabel(e)}`}
        </span>
      </summary>
      <h4 className="sub">Headers</h4>
      <Headers headers={maskedHeaders(e, side, reveal)} />
      <h4 className="sub">Body</h4>
      {body === null ? <p className="muted">Empty body.</p> : <pre className="body">{body}</pre>}
    </details>
  );
}

/** The selected exchange: request and response, timing, decoded JWTs, and a curl to replay it. */
export function Inspector() {
  const e = useStudio((s) => s.exchanges.find((x) => x.id === s.selectedExchangeId) ?? null);
  const [reveal, setReveal] = useState(false);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    setReveal(false);
    setCopied(false);
  }, [e?.id]);

  if (!e)
    return (
      <section className="inspector empty" aria-label="Inspector">
        <p className="empty-title">Nothing selected</p>
        <p className="muted">Click any arrow in the sequence diagram to see its request and response, decoded tokens and a curl command.</p>
        <dl className="legend" aria-label="How to read the diagram">
          <div><dt><svg width="44" height="10" aria-hidden="true"><line x1="2" y1="5" x2="36" y2="5" className="lg-req" /><polygon points="42,5 34,1 34,9" className="lg-req-head" /></svg></dt><dd>a request, labelled with its method and path</dd></div>
          <div><dt><svg width="44" height="10" aria-hidden="true"><line x1="8" y1="5" x2="42" y2="5" className="lg-res" /><polyline points="10,1 2,5 10,9" className="lg-res-head" /></svg></dt><dd>its response and status</dd></div>
          <div><dt><span className="lg-bad">401 invalid_token</span></dt><dd>an error answer, with the code from PROTOCOL.md</dd></div>
          <div><dt><span className="lg-band">3 · Step</span></dt><dd>the agent's steps; greyed ones are still to come</dd></div>
          <div><dt><span className="lg-ext">External client</span></dt><dd>appears when curl or another agent calls the servers</dd></div>
        </dl>
      </section>
    );

  const curl = curlCommand(e);
  // The host runs a service per protocol version: say which one this Service is (Exchange.serviceProfile).
  const role = (a: typeof e.from) => (a === 'Service' && e.serviceProfile ? `Service ${e.serviceProfile}` : a);
  const from = e.from === 'External client' && e.fromLabel ? `External client (${e.fromLabel})` : role(e.from);
  const copy = async () => {
    if (curl && (await copyText(curl))) {
      setCopied(true);
      setTimeout(() => setCopied(false), 1600);
    }
  };

  return (
    <section className="inspector" aria-label="Inspector">
      <header className="insp-head">
        <div className="insp-title">
          <span className="method">{e.method}</span>
          <code className="insp-path" title={e.url}>{pathOf(e)}</code>
        </div>
        <span className={`status-badge tone-${toneOf(e.status)}`} aria-label={`Status ${responseLabel(e)}`}>{responseLabel(e)}</span>
      </header>
      <p className="insp-meta">
        <span>{from} → {role(e.to)}</span>
        <span>{Math.round(e.durationMs)} ms</span>
        <span>{new Date(e.startedAt).toLocaleTimeString([], { hourCycle: 'h23' })}</span>
        {e.step && <span>step <code>{e.step}</code></span>}
      </p>
      <div className="insp-actions">
        <button type="button" onClick={copy} disabled={!curl} title={curl ? 'Copy a curl command that replays this request' : 'Mail is not HTTP'}>
          {copied ? 'Copied ✓' : 'Copy curl'}
        </button>
        {e.secrets.length > 0 && (
          <button type="button" aria-pressed={reveal} onClick={() => setReveal(!reveal)}>
            {reveal ? 'Hide secrets' : 'Reveal secrets'}
          </button>
        )}
        <span className="sr-only" role="status">{copied ? 'curl command copied' : ''}</span>
      </div>
      <div className="insp-body">
        {e.jwts.length > 0 && (
          <details className="side" open>
            <summary>Tokens <span className="muted">{e.jwts.length} JWT{e.jwts.length > 1 ? 's' : ''} decoded</span></summary>
            {e.jwts.map((j, i) => <JwtView key={`${j.where}-${i}`} jwt={j} />)}
          </details>
        )}
        <Side e={e} side="request" reveal={reveal} />
        <Side e={e} side="response" reveal={reveal} />
        {curl && (
          <details className="side">
            <summary>curl</summary>
            <pre className="body">{reveal ? curl : curlCommand(maskedRequest(e))}</pre>
          </details>
        )}
      </div>
    </section>
  );
}
