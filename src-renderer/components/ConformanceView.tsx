import { useEffect, useRef, useState, type FormEvent, type MouseEvent } from 'react';
import { CONFORMANCE_PROFILE_CHOICES, type ConformanceProfileChoice, type ConformanceReportFormat, type ConformanceRun } from '../../src-servers/protocol/studio';
import { conformanceApi } from '../conformanceApi';
import {
  cancelConformance, closeConformance, dismissError, openConformance, resetToHostUrls, setForm, startConformance, useConformance,
} from '../store/conformance';
import { ConformanceChecks } from './ConformanceChecks';
import { copyText } from './curl';
import './conformance.css';

/**
 * "Test a service" (issue 18, in the studio): the conformance runner of `npm run conformance`,
 * started here against any service and provider (this host's by default), its checks going
 * green/red/amber/grey live, each failure opening to its evidence, what to change and the exchanges
 * in the inspector; the report exported as the CLI writes it.
 */

const PROFILE_LABEL: Record<ConformanceProfileChoice, string> = {
  auto: 'Detect from the metadata', 'v0.1': 'v0.1 (PROTOCOL.md)', 'v0.6': 'v0.6 (PROTOCOL-v0.6.md)',
};
const SOURCE_LABEL = { flag: 'as chosen', detected: 'detected from the AS metadata', default: 'by default: discovery failed' } as const;

const FORMATS: { id: ConformanceReportFormat; label: string; note: string; ext: string }[] = [
  { id: 'json', label: 'JSON', note: 'the report, as --json writes it', ext: 'json' },
  { id: 'markdown', label: 'Markdown', note: 'a table and the failures', ext: 'md' },
  { id: 'html', label: 'HTML', note: 'one self-contained page', ext: 'html' },
];

/** The report downloads, as the trace's ExportMenu does it: the desktop's save dialog when there is one, else a download. */
function ReportMenu({ run }: { run: ConformanceRun }) {
  const menu = useRef<HTMLDetailsElement>(null);
  const ready = run.status === 'finished';
  // A menu closes when you click elsewhere or press Escape (which must not close the whole view then).
  useEffect(() => {
    const close = (e: Event) => {
      const m = menu.current;
      if (!m?.open) return;
      if (e.type === 'keydown' && (e as KeyboardEvent).key === 'Escape') {
        e.preventDefault();
        m.open = false;
      } else if (e.type === 'click' && !m.contains(e.target as Node)) m.open = false;
    };
    document.addEventListener('click', close);
    document.addEventListener('keydown', close, true);
    return () => {
      document.removeEventListener('click', close);
      document.removeEventListener('keydown', close, true);
    };
  }, []);
  const save = async (e: MouseEvent, f: (typeof FORMATS)[number]) => {
    menu.current?.removeAttribute('open');
    if (!window.studio?.saveFile) return;
    e.preventDefault();
    try {
      const res = await fetch(conformanceApi.reportUrl(run.id, f.id));
      if (!res.ok) throw new Error(`the studio answered ${res.status}`);
      const saved = await window.studio.saveFile({ defaultName: `conformance-${run.profile ?? 'report'}-${run.startedAt.slice(0, 10)}.${f.ext}`, content: await res.text() });
      if (saved.saved) useConformance.setState({ notice: `Saved ${saved.fileName}.` });
    } catch (err) {
      useConformance.setState({ error: `Could not save the report (${(err as Error).message}).` });
    }
  };
  return (
    <details className="menu conf-export" ref={menu}>
      <summary className={`button${ready ? '' : ' disabled'}`} aria-disabled={!ready}>Export report</summary>
      <div className="menu-list" role="group" aria-label="Export the report">
        {!ready && <p className="muted">The report is ready when the run has finished.</p>}
        {ready && FORMATS.map((f) => (
          <a key={f.id} href={conformanceApi.reportUrl(run.id, f.id)} download onClick={(e) => void save(e, f)}>
            <span>{f.label}</span>
            <span className="muted small">{f.note}</span>
          </a>
        ))}
      </div>
    </details>
  );
}

function Summary({ run }: { run: ConformanceRun }) {
  const count = (s: string) => run.results.filter((r) => r.status === s).length;
  const chips = [
    ['SUCCESS', 'passed'], ['FAILURE', 'failed'], ['WARNING', 'warnings'], ['SKIPPED', 'skipped'], ['INFO', 'info'],
  ] as const;
  const total = run.planned.length;
  const headline =
    run.status === 'running' ? (total ? `Running ${Math.min(run.results.length + 1, total)} of ${total}${run.current ? ` — ${run.current}` : ''}` : 'Starting…')
      : run.status === 'finished' ? (run.passed ? 'Finished: no check failed' : 'Finished: some checks failed')
        : run.status === 'cancelled' ? `Cancelled after ${run.results.length} of ${total} checks`
          : `Could not run: ${run.error ?? 'unknown error'}`;
  return (
    <section className={`conf-summary conf-${run.status}${run.passed === false ? ' conf-failed' : ''}`} aria-label="Summary">
      <div className="conf-headline">
        {/* Announced when the run ends, not at every check (a screen reader would read each one). */}
        <p role="status" aria-live={run.status === 'running' ? 'off' : 'polite'}><strong>{headline}</strong></p>
        <p className="muted small">
          {run.request.serviceUrl}
          {run.profile && <> · profile {run.profile} ({SOURCE_LABEL[run.profileSource ?? 'flag']})</>}
        </p>
      </div>
      <ul className="conf-chips" aria-label="Counts">
        {chips.map(([s, label]) => <li key={s} className={`conf-chip conf-chip-${s}`}><b>{count(s)}</b> {label}</li>)}
      </ul>
      <ProblemsToggle />
      <ReportMenu run={run} />
    </section>
  );
}

function ProblemsToggle() {
  const on = useConformance((s) => s.problemsOnly);
  return (
    <button type="button" className="conf-filter" aria-pressed={on} onClick={() => useConformance.setState({ problemsOnly: !on })}
      title="Show only the checks that failed or warned">Problems only</button>
  );
}

/** The checks that wait for the service to trust the runner's issuer, and the line that does it. */
function TrustHint({ run }: { run: ConformanceRun }) {
  const [copied, setCopied] = useState(false);
  const waiting = run.trustLine ? run.results.filter((r) => r.status === 'SKIPPED' && r.message.includes(run.trustLine!)).length : 0;
  if (!waiting || !run.trustLine) return null;
  return (
    <section className="conf-trust" aria-label="Trust the runner">
      <p>
        <strong>{waiting} check{waiting > 1 ? 's' : ''} skipped</strong> until the service trusts the runner's test issuer.
        Add this to the service's config, restart it, and run again:
      </p>
      <code>{run.trustLine}</code>
      <button type="button" className="small-btn" onClick={async () => setCopied(await copyText(run.trustLine!))}>{copied ? 'Copied ✓' : 'Copy'}</button>
    </section>
  );
}

function RunForm({ running }: { running: ConformanceRun | null }) {
  const form = useConformance((s) => s.form);
  const starting = useConformance((s) => s.starting);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void startConformance();
  };
  return (
    <form className="conf-form" onSubmit={submit} aria-label="What to test">
      <label>
        <span>Service URL</span>
        <input type="url" required value={form.serviceUrl} onChange={(e) => setForm({ serviceUrl: e.target.value })} placeholder="http://localhost:8000" />
      </label>
      <label>
        <span>Provider URL <span className="muted">(optional)</span></span>
        <input type="url" value={form.providerUrl} onChange={(e) => setForm({ providerUrl: e.target.value })} placeholder="none: provider checks skipped" />
      </label>
      <label>
        <span>Mailbox URL <span className="muted">(optional)</span></span>
        <input type="url" value={form.mailboxUrl} onChange={(e) => setForm({ mailboxUrl: e.target.value })} placeholder="none: mail checks skipped" />
      </label>
      <label className="conf-profile">
        <span>Profile</span>
        <select value={form.profile} onChange={(e) => setForm({ profile: e.target.value as ConformanceProfileChoice })}>
          {CONFORMANCE_PROFILE_CHOICES.map((p) => <option key={p} value={p}>{PROFILE_LABEL[p]}</option>)}
        </select>
      </label>
      <div className="conf-actions">
        {running ? (
          <button type="button" className="danger" onClick={() => void cancelConformance()}>Cancel run</button>
        ) : (
          <button type="submit" className="primary" disabled={starting}>Run checks</button>
        )}
        <button type="button" className="ghost" onClick={resetToHostUrls} disabled={!!running} title="Fill in this studio's own service, provider and mailbox">This host</button>
      </div>
    </form>
  );
}

/** The view's one entry point, in the studio's header. */
export function TestServiceButton() {
  return <button type="button" onClick={() => void openConformance()} title="Run the conformance checks against a service and provider" aria-label="Test a service">
    <span className="label-long">Test a service</span><span className="label-short" aria-hidden="true">Test</span>
  </button>;
}

export function ConformanceView() {
  const open = useConformance((s) => s.open);
  const run = useConformance((s) => s.run);
  const error = useConformance((s) => s.error);
  const notice = useConformance((s) => s.notice);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  return (
    <dialog ref={ref} className="conf-view" aria-labelledby="conf-title" onClose={closeConformance}>
      {open && (
        <>
          <header className="conf-head">
            <div>
              <h2 id="conf-title">Test a service</h2>
              <p className="muted small">The conformance checks of <code>npm run conformance</code>, run from here over HTTP against any service and provider. The bundled mailbox plays the person.</p>
            </div>
            <button type="button" className="ghost" onClick={closeConformance}>Back to the studio</button>
          </header>
          <RunForm running={run?.status === 'running' ? run : null} />
          {error && (
            <p className="conf-error" role="alert">
              {error} <button type="button" className="small-btn" onClick={dismissError}>Dismiss</button>
            </p>
          )}
          {notice && <p className="conf-notice" role="status">{notice}</p>}
          {run ? (
            <div className="conf-body">
              <Summary run={run} />
              <TrustHint run={run} />
              <ConformanceChecks run={run} />
            </div>
          ) : (
            <div className="conf-empty">
              <p className="empty-title">No run yet</p>
              <p className="muted">Press <b>Run checks</b> to judge the service above: discovery, registration, the resource API's headers, every negative case the lessons teach, bad input, and the provider's tokens. Each check names the spec text it enforces.</p>
            </div>
          )}
        </>
      )}
    </dialog>
  );
}
