import { startRun } from '../store/actions';
import { flowsFor, liveProfile, scenarioMark, scenarioProfiles } from '../store/profile';
import { useStudio } from '../store/studio';
import type { FlowId } from '../types';
import { ProfileSwitch } from './ProfileSwitch';

/** Short names for the flow buttons; the long titles and summaries come from the agent's FlowInfo. */
export const FLOW_LABEL: Record<FlowId, string> = {
  'id-jag': 'ID-JAG',
  'verified-email': 'Verified email',
  'service-auth': 'Service auth',
  anonymous: 'Anonymous',
  revocation: 'Revocation',
};
const label = (id: string) => FLOW_LABEL[id as FlowId] ?? id;

/**
 * The flows the live protocol version has (PROTOCOL-v0.6.md §11: v0.6 has service auth where v0.1 has
 * verified email), and every failure lesson grouped by flow, marked where it applies to one version
 * only (and greyed out on the other). Choosing one starts a fresh run.
 */
export function FlowPicker() {
  const info = useStudio((s) => s.info);
  const profile = useStudio(liveProfile);
  const flow = useStudio((s) => s.run?.flow ?? s.pendingFlow);
  const scenario = useStudio((s) => (s.run ? s.run.scenario : s.pendingScenario));
  const flows = flowsFor(info, profile);
  const scenarios = info?.scenarios ?? [];
  // One group per flow, and beside it one per version a lesson is limited to ("Anonymous — v0.1 only"):
  // the option keeps the lesson's own title, and the lessons of the other version are greyed out.
  const groups = flows.flatMap((f) => {
    const of = scenarios.filter((s) => s.flow === f.id);
    const marks = [...new Set(of.map(scenarioMark))].sort();
    return marks.map((mark) => ({ key: `${f.id}:${mark}`, label: mark ? `${label(f.id)} — ${mark}` : label(f.id), items: of.filter((s) => scenarioMark(s) === mark) }));
  });

  return (
    <div className="flow-picker">
      <ProfileSwitch />
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
            {label(f.id)}
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
          <optgroup key={g.key} label={g.label}>
            {g.items.map((s) => (
              <option key={s.id} value={s.id} disabled={!scenarioProfiles(s).includes(profile)}>{s.title}</option>
            ))}
          </optgroup>
        ))}
      </select>
    </div>
  );
}
