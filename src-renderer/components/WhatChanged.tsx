import { useEffect, useState } from 'react';
import { startRun, switchProfile } from '../store/actions';
import { flowsFor, type ProfileId } from '../store/profile';
import { useStudio } from '../store/studio';
import type { FlowId } from '../types';
import { comparisonForFlow, WHAT_CHANGED, type WireStep } from '../whatChanged';
import { Modal } from './Dialogs';
import { FLOW_LABEL } from './FlowPicker';
import { RecordedRuns } from './RecordedRuns';

function Side({ s }: { s: WireStep | null }) {
  if (!s) return <p className="muted no-step">No such step</p>;
  return (
    <>
      <code className="wire-call">{s.call}</code>
      {s.body && <code className="wire-body">{s.body}</code>}
      <p className="wire-answer">{s.answer}</p>
    </>
  );
}

/**
 * v0.1 and v0.6 side by side for one flow, step by step (PROTOCOL-v0.6.md §11), from the one data
 * table in ../whatChanged.ts; the account-takeover row stands out. "Run on …" starts the same flow
 * against that profile's service, so both can be watched on the wire.
 */
export function WhatChanged({ open, onClose }: { open: boolean; onClose: () => void }) {
  const flow = useStudio((s) => s.run?.flow ?? s.pendingFlow);
  const info = useStudio((s) => s.info);
  const [id, setId] = useState(() => comparisonForFlow(flow).id);
  useEffect(() => {
    if (open) setId(comparisonForFlow(flow).id);
  }, [open]); // eslint-disable-line react-hooks/exhaustive-deps -- opened on the flow on screen, then the person picks
  const c = WHAT_CHANGED.find((x) => x.id === id) ?? WHAT_CHANGED[0];
  const runOn = async (profile: ProfileId) => {
    const target = c.flows[profile];
    if (!target) return;
    onClose();
    await switchProfile(profile, { start: false });
    await startRun(target as FlowId);
  };
  const canRun = (p: ProfileId) => Boolean(c.flows[p] && flowsFor(info, p).some((f) => f.id === c.flows[p]));

  return (
    <Modal open={open} onClose={onClose} label="What changed from v0.1 to v0.6" className="what-changed">
      <div className="wc-head">
        <h2>What changed from v0.1 to v0.6</h2>
        <button type="button" className="ghost icon" onClick={onClose} aria-label="Close">✕</button>
      </div>
      <p className="muted">The same flow on both protocol versions, step by step (PROTOCOL-v0.6.md §11). Each side shows the request and what the service answers.</p>
      <div className="wc-tabs" role="tablist" aria-label="Flow">
        {WHAT_CHANGED.map((x) => (
          <button key={x.id} type="button" role="tab" aria-selected={x.id === c.id} onClick={() => setId(x.id)}>{x.title}</button>
        ))}
      </div>
      <div className="wc-scroll" role="tabpanel" aria-label={c.title}>
        <table className="wc-table">
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">v0.1 <span className="muted">PROTOCOL.md</span></th>
              <th scope="col">v0.6 <span className="muted">PROTOCOL-v0.6.md</span></th>
            </tr>
          </thead>
          <tbody>
            {c.rows.map((r) => (
              <tr key={r.step} className={r.takeover ? 'takeover' : undefined}>
                <th scope="row">
                  <span className="wc-step">{r.step}</span>
                  {r.takeover && <span className="takeover-badge">Account takeover — closed in v0.5</span>}
                  {r.why && <span className="wc-why">{r.why}</span>}
                  <span className="wc-refs">§ {r.refs}</span>
                </th>
                <td><Side s={r.v01} /></td>
                <td><Side s={r.v06} /></td>
              </tr>
            ))}
          </tbody>
        </table>
        {(c.flows['v0.1'] || c.flows['v0.6']) && <RecordedRuns flows={c.flows} />}
      </div>
      <div className="modal-actions">
        {(['v0.1', 'v0.6'] as const).map((p) => (
          <button key={p} type="button" disabled={!canRun(p)} onClick={() => void runOn(p)}>
            Run {c.flows[p] ? (FLOW_LABEL[c.flows[p] as FlowId] ?? c.flows[p]) : 'it'} on {p}
          </button>
        ))}
        <button type="button" className="primary" onClick={onClose}>Close</button>
      </div>
    </Modal>
  );
}
