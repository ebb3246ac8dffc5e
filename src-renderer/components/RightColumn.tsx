import { setRightTab } from '../store/selection';
import { useStudio, type RightTab } from '../store/studio';
import { nextHint } from './hints';
import { Inspector } from './Inspector';
import { StatePane } from './StatePane';

const TABS: { id: RightTab; label: string }[] = [
  { id: 'inspector', label: 'Inspector' },
  { id: 'service', label: 'Service' },
  { id: 'provider', label: 'Provider' },
];

/** The right column: the inspector and the roles' state, as tabs; `onHide` collapses it (the diagram takes the width). */
export function RightColumn({ onHide }: { onHide?: () => void }) {
  const tab = useStudio((s) => s.rightTab);
  const wantsProvider = useStudio((s) => nextHint(s).pane === 'provider');
  return (
    <div className="right" id="studio-right">
      <div className="right-head">
        <div className="tabs" role="tablist" aria-label="Details">
          {TABS.map((t) => (
            <button key={t.id} type="button" role="tab" id={`tab-${t.id}`} aria-selected={tab === t.id} aria-controls={`panel-${t.id}`}
              className={t.id === 'provider' && wantsProvider && tab !== t.id ? 'attention' : ''} onClick={() => setRightTab(t.id)}>
              {t.label}
            </button>
          ))}
        </div>
        {onHide && (
          <button type="button" className="ghost icon collapse-btn" onClick={onHide} aria-label="Hide the details column" title="Hide the details column (the diagram takes the width)">
            <span aria-hidden="true">»</span>
          </button>
        )}
      </div>
      <div className="tab-panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'inspector' ? <Inspector /> : <StatePane key={tab} role={tab} />}
      </div>
    </div>
  );
}
