import { useEffect } from 'react';
import { useStudio } from '../store/studio';

/** One short message at a time: errors stay until dismissed or replaced, notes fade after a few seconds. */
export function Toast() {
  const toast = useStudio((s) => s.toast);
  useEffect(() => {
    if (!toast || toast.kind === 'error') return;
    const t = setTimeout(() => useStudio.setState({ toast: null }), 5000);
    return () => clearTimeout(t);
  }, [toast]);
  return (
    <div className="toast-area" aria-live="polite">
      {toast && (
        <div className={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
          <span>{toast.text}</span>
          <button type="button" className="ghost small" onClick={() => useStudio.setState({ toast: null })} aria-label="Dismiss">✕</button>
        </div>
      )}
    </div>
  );
}
