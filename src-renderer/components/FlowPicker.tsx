import { startRun } from '../store/actions';
import { useStudio } from '../store/studio';
import type { FlowId } from '../types';

/** Short names for the flow buttons; the long titles and summaries come from the agent's FlowInfo. */
export const FLOW_LABEL: Record<FlowId, string> = {
  'id-jag': 'ID-JAG',
  'verified-email': 'Verified email',
  anonymous: 'Anonymous',
  revocation: 'Revocation',
};

/** The three flows, revocation, and every failure scenario (grouped by flow). Choosing one starts a fresh run. */
export function FlowPicker() {
  const info = useStudio((s) => s.info);
  const flow = useStudio((s) => s.run?.flow ?? s.pendingFlow);
  const scenario = useStudio((s) => (s.run ? s.run.scenario : s.pendingScenario));
  const flows = info?.flows ?? [];
  const scenarios = info?.scenarios ?? [];
  const groups = flows.map((f) => ({ flow: f, items: scenarios.filter((s) => s.flow === f.id) })).filter((g) => g.items.length);

  return (
    <div className="flow-picker">
      <h2 className="side-title" id="flow-title">Flow</h2>
      <div className="flow-grid" role="group" aria-labelledby="flow-title">
        {flows.map((f) => (
          <button
            key={f.id}
            type="button"
            className="flow-btn"
            aria-pressed={flow === f.id}
            title={`${f.title}. ${f.summary}`}
            onClick={() => void startRun(f.id)}
          >
            {FLOW_LABEL[f.id]}
          </button>
        ))}
      </div>
      <label className="side-title" htmlFor="scenario-select">Failure scenario</label>
      <select
        id="scenario-select"
        value={scenario ?? ''}
        onChange={(e) => {
          const id = e.target.value;
          const s = scenarios.find((x) => x.id === id);
          void startRun(s ? s.flow : flow, s?.id);
        }}
      >
        <option value="">None (the flow as designed)</option>
        {groups.map((g) => (
          <optgroup key={g.flow.id} label={FLOW_LABEL[g.flow.id]}>
            {g.items.map((s) => <option key={s.id} value={s.id}>{s.title}</option>)}
          </optgroup>
        ))}
      </select>
    </div>
  );
}
