import type { CheckResult, ConformanceExchange, PlannedCheck } from '../../src-servers/protocol/conformance';
import type { ConformanceRun } from '../../src-servers/protocol/studio';
import { inspectCheck, toggleCheck, useConformance } from '../store/conformance';

/** What a row shows: the check's result, or where the run is with it. */
export type RowState = CheckResult['status'] | 'running' | 'pending' | 'not-run';

export const STATE_LABEL: Record<RowState, string> = {
  SUCCESS: 'Pass', FAILURE: 'Fail', WARNING: 'Warn', SKIPPED: 'Skip', INFO: 'Info', running: 'Running', pending: 'To come', 'not-run': 'Not run',
};

const GROUP_TITLE: Record<string, string> = {
  discovery: 'Discovery', registration: 'Registration', resource: 'Resource API', token: 'Token endpoint', 'bad-input': 'Bad input',
  'id-jag': 'ID-JAG verification', revocation: 'Revocation', events: 'Security events', claim: 'Claim ceremony', provider: 'Provider', errors: 'Error codes',
};

const specText = (c: PlannedCheck) => [c.spec.protocol, c.spec.rfc].filter(Boolean).join(' · ');

function rowState(run: ConformanceRun, c: PlannedCheck, result: CheckResult | undefined): RowState {
  if (result) return result.status;
  if (run.current === c.id) return 'running';
  return run.status === 'running' ? 'pending' : 'not-run';
}

/** One request of the evidence: what was sent, what came back (as the Markdown report shows it). */
function Evidence({ ex, onInspect }: { ex: ConformanceExchange; onInspect: () => void }) {
  const answer = ex.error ? `no answer: ${ex.error}` : `${ex.status} ${ex.responseHeaders?.['content-type'] ?? ''}`.trim();
  const www = ex.responseHeaders?.['www-authenticate'];
  const body = (ex.responseBody ?? '').replace(/\s+/g, ' ').slice(0, 300);
  return (
    <li className="conf-ex">
      <div className="conf-ex-head">
        <code className="conf-ex-req"><b>{ex.method}</b> {ex.url}</code>
        <button type="button" className="small-btn" onClick={onInspect} title="Open this request in the studio's diagram and inspector">Inspect</button>
      </div>
      {ex.requestBody && <pre className="conf-pre">{ex.requestBody.slice(0, 300)}</pre>}
      <p className={`conf-ex-answer${ex.error || (ex.status ?? 0) >= 400 ? ' bad' : ''}`}>← {answer}</p>
      {www && <pre className="conf-pre">WWW-Authenticate: {www}</pre>}
      {body && <pre className="conf-pre">{body}</pre>}
    </li>
  );
}

function Detail({ result }: { result: CheckResult }) {
  return (
    <div className="conf-detail" id={`conf-detail-${result.id}`}>
      {result.message !== result.title && <p className="conf-message">{result.message}</p>}
      {result.remedy && <p className="conf-remedy"><strong>What to change:</strong> {result.remedy}</p>}
      <p className="conf-spec-full">Spec: {specText(result)}</p>
      {result.exchanges.length > 0 ? (
        <>
          <div className="conf-detail-bar">
            <h4>Evidence <span className="muted">({result.exchanges.length} request{result.exchanges.length > 1 ? 's' : ''})</span></h4>
            <button type="button" onClick={() => void inspectCheck(result)}>Open in the inspector</button>
          </div>
          <ol className="conf-evidence">
            {result.exchanges.map((ex, i) => <Evidence key={i} ex={ex} onInspect={() => void inspectCheck(result, i)} />)}
          </ol>
        </>
      ) : (
        <p className="muted">No requests of its own: it judged what an earlier check fetched.</p>
      )}
    </div>
  );
}

function Row({ run, check, result }: { run: ConformanceRun; check: PlannedCheck; result?: CheckResult }) {
  const open = useConformance((s) => !!s.expanded[check.id]);
  const state = rowState(run, check, result);
  return (
    <li className={`conf-check st-${state}`} data-check={check.id}>
      <button type="button" className="conf-row" aria-expanded={result ? open : undefined} disabled={!result}
        aria-controls={result && open ? `conf-detail-${check.id}` : undefined} onClick={() => toggleCheck(check.id)}>
        <span className="conf-badge">{STATE_LABEL[state]}</span>
        <span className="conf-main">
          <span className="conf-title">{check.title}</span>
          <span className="conf-sub"><code>{check.id}</code> · {specText(check)}</span>
          {result && result.status !== 'SUCCESS' && !open && <span className="conf-why">{result.message}</span>}
        </span>
        {result && <span className="conf-chevron" aria-hidden="true">{open ? '▾' : '▸'}</span>}
      </button>
      {result && open && <Detail result={result} />}
    </li>
  );
}

/** The run's checks grouped as the runner groups them, each going from grey to its colour as its result comes. */
export function ConformanceChecks({ run }: { run: ConformanceRun }) {
  const problemsOnly = useConformance((s) => s.problemsOnly);
  const byId = new Map(run.results.map((r) => [r.id, r]));
  const isProblem = (c: PlannedCheck) => ['FAILURE', 'WARNING'].includes(byId.get(c.id)?.status ?? '');
  const groups: { group: string; checks: PlannedCheck[] }[] = [];
  for (const c of run.planned) {
    if (problemsOnly && !isProblem(c)) continue;
    const g = groups.find((x) => x.group === c.group);
    if (g) g.checks.push(c);
    else groups.push({ group: c.group, checks: [c] });
  }
  if (problemsOnly && !groups.length) return <p className="conf-none">No check failed or warned{run.status === 'running' ? ' so far' : ''}.</p>;
  return (
    <div className="conf-groups">
      {groups.map(({ group, checks }) => {
        const all = run.planned.filter((c) => c.group === group);
        const failed = all.filter((c) => byId.get(c.id)?.status === 'FAILURE').length;
        const done = all.filter((c) => byId.has(c.id)).length;
        return (
          <section key={group} className="conf-group" aria-labelledby={`conf-g-${group}`}>
            <h3 id={`conf-g-${group}`}>
              {GROUP_TITLE[group] ?? group}
              <span className="muted small"> {done}/{all.length}{failed ? ` · ${failed} failed` : ''}</span>
            </h3>
            <ul>
              {checks.map((c) => <Row key={c.id} run={run} check={c} result={byId.get(c.id)} />)}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
