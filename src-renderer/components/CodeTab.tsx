import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Exchange } from '../types';
import { CODE_LANGS, oneTimeWarnings, snippet, type CodeLang } from './code';
import { copyText } from './curl';
import { maskedRequest } from './secrets';

const ARROW_STEP = new Map([['ArrowRight', 1], ['ArrowDown', 1], ['ArrowLeft', -1], ['ArrowUp', -1]]);

/**
 * The request as code to replay it — curl, JavaScript fetch, Python requests — with secrets masked
 * unless revealed, and a warning when it carries something that works only once.
 */
export function CodeTab({ e, reveal, lang, setLang }: { e: Exchange; reveal: boolean; lang: CodeLang; setLang: (l: CodeLang) => void }) {
  const [copied, setCopied] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => setCopied(false), [e.id, lang]);

  const label = CODE_LANGS.find((l) => l.id === lang)!.label;
  // What is copied is what runs: the real request. On screen, secrets stay masked until revealed.
  const real = snippet(e, lang);
  const shown = reveal ? real : snippet(maskedRequest(e), lang);
  const warnings = oneTimeWarnings(e);
  if (!real) return <p className="muted">Mail is not HTTP: there is no request to replay.</p>;

  // WAI-ARIA APG radio group: one tab stop, the arrows move the choice (and are not "Next step").
  const onArrow = (ev: KeyboardEvent<HTMLDivElement>) => {
    const step = ARROW_STEP.get(ev.key);
    if (step === undefined) return;
    ev.preventDefault();
    const i = (CODE_LANGS.findIndex((l) => l.id === lang) + step + CODE_LANGS.length) % CODE_LANGS.length;
    setLang(CODE_LANGS[i].id);
    (ev.currentTarget.children[i] as HTMLElement | undefined)?.focus();
  };

  const copy = async () => {
    if (await copyText(real)) {
      setCopied(true);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => setCopied(false), 1600);
    }
  };

  return (
    <div className="code-tab">
      {warnings.length > 0 && (
        <div className="one-time" role="note" aria-label="Replaying this request will fail">
          <p className="one-time-title"><span aria-hidden="true">⚠ </span>Replaying this request will not work again</p>
          <ul>
            {warnings.map((w) => (
              <li key={w.what}><strong>{w.what}</strong>: {w.why} <span className="cite">({w.cite})</span></li>
            ))}
          </ul>
        </div>
      )}
      <div className="code-bar">
        <div className="segmented" role="radiogroup" aria-label="Language" onKeyDown={onArrow}>
          {CODE_LANGS.map((l) => (
            <button key={l.id} type="button" role="radio" aria-checked={lang === l.id} tabIndex={lang === l.id ? 0 : -1}
              className={lang === l.id ? 'on' : ''} onClick={() => setLang(l.id)}>
              {l.label}
            </button>
          ))}
        </div>
        <button type="button" className="copy-btn" onClick={copy}>{copied ? 'Copied ✓' : `Copy ${label}`}</button>
        <span className="sr-only" role="status">{copied ? `${label} copied` : ''}</span>
      </div>
      <pre className="body code-snippet" aria-label={`${label} code`} tabIndex={0}>{shown}</pre>
      {!reveal && e.secrets.length > 0 && <p className="muted code-note">Secrets are masked on screen; Copy copies the real request.</p>}
    </div>
  );
}
