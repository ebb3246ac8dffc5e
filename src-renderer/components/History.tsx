import { useEffect, useRef, useState } from 'react';
import { api } from '../api';
import { deleteTrace, leaveHistory, openHistory } from '../store/actions';
import { toast } from '../store/feedback';
import { useStudio } from '../store/studio';
import type { TraceEntry } from '../types';
import { FLOW_LABEL } from './FlowPicker';
import { useMenuDismiss } from './useMenuDismiss';

/**
 * The run history: every run of this launch (and the ones on disk) keeps its trace; reopen one
 * read-only (diagram, steps, inspector, export), or delete it. Traffic outside any run — before the
 * first, or after one ended (curl against the service) — is its own "Between runs" entry.
 */

const OUTCOME: Record<NonNullable<TraceEntry['outcome']>, string> = { succeeded: 'succeeded', failed: 'failed', stopped: 'stopped midway' };

const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const count = (n: number) => `${n} request${n === 1 ? '' : 's'}`;

/** What the person calls it: "ID-JAG", "Lesson: Consent denied", "Between runs". */
export function entryName(t: TraceEntry, scenarios: { id: string; title: string }[] = []): string {
  if (!t.flow) return t.title === 'Session' ? 'Between runs' : t.title;
  const lesson = t.scenario && scenarios.find((s) => s.id === t.scenario);
  const flow = FLOW_LABEL[t.flow as keyof typeof FLOW_LABEL] ?? t.flow;
  return lesson ? `${flow} · ${lesson.title}` : flow;
}

/** History worth listing: runs that sent something (or the live one), buckets something reached. */
const worthListing = (t: TraceEntry, live: string | undefined) => t.exchangeCount > 0 || t.id === live;

export function HistoryMenu() {
  const menu = useRef<HTMLDetailsElement>(null);
  const [open, setOpen] = useState(false);
  const [list, setList] = useState<TraceEntry[] | null>(null);
  const live = useStudio((s) => s.run?.traceId);
  const status = useStudio((s) => s.run?.status);
  const viewing = useStudio((s) => s.history?.id);
  const between = useStudio((s) => Object.values(s.betweenRuns).reduce((a, b) => a + b, 0));
  const scenarios = useStudio((s) => s.info?.scenarios);

  const refresh = () => api.traces().then((t) => setList([...t.traces].reverse()), (e: Error) => toast(`Could not read the history (${e.message}).`));
  useEffect(() => {
    if (open) void refresh();
  }, [open, status, between]);
  useMenuDismiss(menu);

  const shown = (list ?? []).filter((t) => worthListing(t, live));
  return (
    <details className="menu history-menu" ref={menu} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary className="button" title="Every run keeps its trace: reopen one read-only, or delete it">
        History{between > 0 && <span className="badge-count" aria-label={`${between} new between runs`}>{between}</span>}
      </summary>
      <div className="menu-list history-list" role="group" aria-label="Run history">
        {!list && <p className="muted">Loading…</p>}
        {list && !shown.length && <p className="muted">No runs yet. Each run you start is kept here.</p>}
        <ul>
          {shown.map((t) => {
            const isLive = t.id === live;
            const name = entryName(t, scenarios);
            return (
              <li key={t.id} className={`history-item${t.id === viewing ? ' viewing' : ''}`}>
                <button type="button" className="history-open" aria-current={t.id === viewing ? 'true' : undefined}
                  onClick={() => { menu.current?.removeAttribute('open'); void (isLive ? leaveHistory() : openHistory(t)); }}>
                  <span className="history-name">{name}</span>
                  <span className="muted small">
                    {time(t.startedAt)} · {count(t.exchangeCount)}
                    {isLive ? ' · the current run' : t.outcome ? ` · ${OUTCOME[t.outcome]}` : ''}
                  </span>
                </button>
                {!isLive && (
                  <button type="button" className="ghost small" aria-label={`Delete ${name} (${time(t.startedAt)})`}
                    onClick={() => void deleteTrace(t).then((ok) => { if (ok) void refresh(); })}>
                    Delete
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      </div>
    </details>
  );
}

/** Above the diagram while a past run is open: what it is, that it is read-only, and the way back. */
export function HistoryBanner() {
  const history = useStudio((s) => s.history);
  const scenarios = useStudio((s) => s.info?.scenarios);
  const live = useStudio((s) => s.run?.traceId);
  const counts = useStudio((s) => s.betweenRuns);
  const between = Object.entries(counts).filter(([id, n]) => id !== live && n > 0);
  if (history)
    return (
      <div className="history-banner" role="status">
        <span>
          <strong>{history.flow ? 'Past run' : 'Between runs'}: {entryName(history, scenarios)}</strong>
          {' '}· {time(history.startedAt)} · {history.flow ? 'read-only' : 'traffic outside any run, read-only'}
          {history.outcome ? ` · ${OUTCOME[history.outcome]}` : ''}
        </span>
        <button type="button" className="small" onClick={() => void leaveHistory()}>Back to the live run</button>
      </div>
    );
  if (!between.length) return null;
  const n = between.reduce((a, [, k]) => a + k, 0);
  return (
    <div className="history-banner between" role="status">
      <span>{count(n)} arrived after this run ended: kept <strong>between runs</strong>, not in this run.</span>
      <button type="button" className="small" onClick={() => void api.traces().then((t) => {
        const entry = t.traces.find((x) => x.id === between[between.length - 1][0]);
        if (entry) void openHistory(entry);
      })}>Show them</button>
    </div>
  );
}
