import { useEffect, useRef, type ReactNode } from 'react';
import { resetAllData, resetRun } from '../store/actions';

/** A modal on the native <dialog>: focus is trapped, Escape closes it. */
export function Modal(props: { open: boolean; onClose: () => void; label: string; className?: string; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog ref={ref} className={`modal ${props.className ?? ''}`} aria-label={props.label} onClose={props.onClose}
      onClick={(e) => e.target === ref.current && props.onClose()}>
      {props.open && props.children}
    </dialog>
  );
}

const SHORTCUTS: [string, string][] = [
  ['→  or  N', 'Next step'],
  ['Space', 'Play / pause (in presenter mode: continue where Play waits)'],
  ['A', 'Autopilot on / off'],
  ['P', 'Presenter mode on / off (full screen)'],
  ['R', 'Reset the run'],
  ['?', 'Show these shortcuts'],
  ['Esc', 'Close a dialog; leave full screen (and presenter mode)'],
];

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Modal open={open} onClose={onClose} label="Keyboard shortcuts">
      <h2>Keyboard shortcuts</h2>
      <p className="muted">They work anywhere except while you type in a field.</p>
      <dl className="shortcuts">
        {SHORTCUTS.map(([k, what]) => (
          <div key={k}><dt><kbd>{k}</kbd></dt><dd>{what}</dd></div>
        ))}
      </dl>
      <div className="modal-actions">
        <button type="button" className="primary" onClick={onClose} autoFocus>Close</button>
      </div>
    </Modal>
  );
}

export function ResetAllDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Modal open={open} onClose={onClose} label="Reset all data">
      <h2>Reset all data?</h2>
      <p>This deletes every registration, credential, grant, mail and recorded trace in the service, provider and inbox. The servers keep running on the same addresses.</p>
      <div className="modal-actions">
        <button type="button" onClick={onClose} autoFocus>Cancel</button>
        <button type="button" className="danger" onClick={() => { onClose(); void resetAllData(); }}>Reset all data</button>
      </div>
    </Modal>
  );
}

/** R during a run: starting the flow again throws its progress away, so ask. */
export function ResetRunDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Modal open={open} onClose={onClose} label="Reset the run">
      <h2>Start this run again?</h2>
      <p>The agent stops where it is and the flow starts from its first step. What it already did stays in the trace and the service's records.</p>
      <div className="modal-actions">
        <button type="button" onClick={onClose} autoFocus>Keep going</button>
        <button type="button" className="primary" onClick={() => { onClose(); void resetRun(); }}>Reset the run</button>
      </div>
    </Modal>
  );
}
