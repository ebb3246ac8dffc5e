import { useRef, type MouseEvent } from 'react';
import { api } from '../api';
import { toast } from '../store/feedback';
import { useStudio } from '../store/studio';
import type { ExportFormat } from '../types';
import { useMenuDismiss } from './useMenuDismiss';

const FORMATS: { id: ExportFormat; label: string; note: string; ext: string }[] = [
  { id: 'json', label: 'JSON', note: 'every exchange, as recorded', ext: 'json' },
  { id: 'har', label: 'HAR', note: 'open in browser dev tools', ext: 'har' },
  { id: 'mermaid', label: 'Mermaid', note: 'sequence diagram source', ext: 'mmd' },
  { id: 'markdown', label: 'Markdown', note: 'a readable write-up', ext: 'md' },
];

/** Download the current trace. In the desktop app the preload may offer a native save dialog. */
export function ExportMenu() {
  const traceId = useStudio((s) => s.traceId);
  const menu = useRef<HTMLDetailsElement>(null);
  useMenuDismiss(menu);

  const save = async (e: MouseEvent, f: (typeof FORMATS)[number]) => {
    menu.current?.removeAttribute('open');
    if (!window.studio?.saveFile || !traceId) return;
    e.preventDefault();
    try {
      const res = await fetch(api.exportUrl(traceId, f.id));
      const result = await window.studio.saveFile({ defaultName: `trace-${traceId}.${f.ext}`, content: await res.text() });
      if (result?.saved) toast(`Saved ${result.fileName ?? 'the trace'}.`, 'info');
    } catch (err) {
      toast(`Could not save the export (${(err as Error).message}).`);
    }
  };

  return (
    <details className="menu" ref={menu}>
      <summary className={`button${traceId ? '' : ' disabled'}`} aria-disabled={!traceId}>Export</summary>
      <div className="menu-list" role="group" aria-label="Export the trace">
        {!traceId && <p className="muted">Nothing recorded yet.</p>}
        {traceId && FORMATS.map((f) => (
          <a key={f.id} href={api.exportUrl(traceId, f.id)} download={`trace-${traceId}.${f.ext}`} onClick={(e) => void save(e, f)}>
            <span>{f.label}</span>
            <span className="muted small">{f.note}</span>
          </a>
        ))}
      </div>
    </details>
  );
}
