import { useEffect, useState } from 'react';
import { api } from '../api';
import { alignByStep, profileOfRun, type AlignedStep } from '../store/alignRuns';
import { plannedSteps, type ProfileId } from '../store/profile';
import { useStudio } from '../store/studio';
import type { Exchange, FlowId, TraceMeta } from '../types';

type Found = { meta: TraceMeta; exchanges: Exchange[] } | null;

/** How far back to look for a run of each version (the newest traces of the flow). */
const LOOK_BACK = 12;

/** The newest recorded run of `flow` that talked to a `profile` service. */
async function latestRun(traces: TraceMeta[], flow: string, profile: ProfileId): Promise<Found> {
  const candidates = traces.filter((t) => t.flow === flow && t.exchangeCount > 0).reverse().slice(0, LOOK_BACK);
  for (const meta of candidates) {
    const exchanges = await api.exchanges(meta.id);
    if (profileOfRun(exchanges) === profile) return { meta, exchanges };
  }
  return null;
}

/**
 * Two real runs of the same flow, one per version, aligned by the agent's steps — what went over the
 * wire, not what the table says should (DESIGN.md rule 3). Read on demand: it fetches recorded traces only.
 */
export function RecordedRuns({ flows }: { flows: { 'v0.1': string | null; 'v0.6': string | null } }) {
  const info = useStudio((s) => s.info);
  const [runs, setRuns] = useState<{ 'v0.1': Found; 'v0.6': Found } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setRuns(null), [flows]);
  const load = async () => {
    setError(null);
    try {
      const { traces } = await api.traces();
      const [a, b] = await Promise.all([
        flows['v0.1'] ? latestRun(traces, flows['v0.1'], 'v0.1') : null,
        flows['v0.6'] ? latestRun(traces, flows['v0.6'], 'v0.6') : null,
      ]);
      setRuns({ 'v0.1': a, 'v0.6': b });
    } catch (err) {
      setError(`Could not read the recorded runs (${(err as Error).message}).`);
    }
  };
  const titles = new Map<string, string>();
  for (const p of ['v0.1', 'v0.6'] as const)
    if (flows[p]) for (const s of plannedSteps(info, flows[p] as FlowId, p)) if (!titles.has(s.name)) titles.set(s.name, s.title);
  const name = (step: string) => (step ? (titles.get(step) ?? titles.get(step.replace(/-\d+$/, '')) ?? step.replace(/[_-]/g, ' ')) : 'Outside any step');
  const title = (r: AlignedStep) => {
    const [a, b] = [r.v01Step, r.v06Step].map((s) => (s === null ? null : name(s)));
    return a === b || !b ? a! : !a ? b : `${a} · ${b}`;
  };
  const rows = runs?.['v0.1'] && runs['v0.6'] ? alignByStep(runs['v0.1'].exchanges, runs['v0.6'].exchanges) : null;

  return (
    <section className="wc-recorded" aria-label="Your recorded runs, side by side">
      <div className="wc-recorded-head">
        <h3>Your runs, side by side</h3>
        <button type="button" className="small" onClick={() => void load()}>{runs ? 'Refresh' : 'Compare my last runs'}</button>
      </div>
      {error && <p className="error-text">{error}</p>}
      {runs && !rows && (
        <p className="muted">
          {(['v0.1', 'v0.6'] as const).filter((p) => !runs[p]).map((p) => `No recorded ${p} run of this flow yet.`).join(' ')}{' '}
          Run it on both versions (the buttons below), then compare.
        </p>
      )}
      {rows && (
        <table className="wc-table wc-runs">
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">v0.1 <span className="muted">{runs!['v0.1']!.meta.title}</span></th>
              <th scope="col">v0.6 <span className="muted">{runs!['v0.6']!.meta.title}</span></th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.v01Step}|${r.v06Step}`}>
                <th scope="row"><span className="wc-step">{title(r)}</span></th>
                {[r.v01, r.v06].map((lines, i) => (
                  <td key={i}>{lines.length ? lines.map((l, j) => <code key={j} className="wire-call">{l}</code>) : <span className="muted no-step">—</span>}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
