import { useMemo } from 'react';
import { selectExchange } from '../store/selection';
import { useStudio } from '../store/studio';
import { COLUMN_TITLE, COLUMNS, tokensAcross } from './claimsAcross';
import { Modal } from './Dialogs';

/** Every JWT of the shown run, one row each, the cells that changed from the token before marked. */
export function ClaimsAcrossDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const exchanges = useStudio((s) => s.exchanges);
  const rows = useMemo(() => tokensAcross(exchanges), [exchanges]);
  return (
    <Modal open={open} onClose={onClose} label="Claims across tokens" className="claims-across-modal">
      <h2>Claims across tokens</h2>
      <p className="muted">Every JWT this run carried, in the order it went over the wire. <mark className="changed-key">Marked</mark> cells changed from the token before: watch <code>aud</code> move from the agent (the id_token&apos;s client) to the service.</p>
      {rows.length === 0 ? <p>No JWT in this run yet.</p> : (
        <div className="claims-across-scroll">
          <table className="claims-across">
            <caption className="sr-only">Claims across tokens; changed cells are marked “changed”.</caption>
            <thead>
              <tr><th scope="col">#</th><th scope="col">Token</th>{COLUMNS.map((c) => <th key={c} scope="col">{COLUMN_TITLE[c]}</th>)}</tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={r.key}>
                  <td>{i + 1}</td>
                  <th scope="row">
                    <button type="button" className="link-btn" title={`Show the exchange that carried it (${r.where})`}
                      onClick={() => { selectExchange(r.exchangeId); onClose(); }}>{r.name}</button>
                  </th>
                  {COLUMNS.map((c) => {
                    const changed = r.changed.includes(c);
                    return (
                      <td key={c} className={`col-${c}${changed ? ' changed' : ''}`}>
                        <code>{r.cells[c]}</code>{changed && <span className="sr-only"> (changed)</span>}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="modal-actions">
        <button type="button" className="primary" onClick={onClose} autoFocus>Close</button>
      </div>
    </Modal>
  );
}
