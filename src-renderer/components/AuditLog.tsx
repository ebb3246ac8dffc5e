import { useEffect, useState } from 'react';
import { api } from '../api';
import { useStudio } from '../store/studio';
import type { Exchange, TraceEntry } from '../types';
import { entryName } from './History';

type Rec = Record<string, unknown>;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hourCycle: 'h23' });

function AuditLine({ rec }: { rec: Rec }) {
  const at = Object.values(rec).find((v) => typeof v === 'string' && ISO.test(v)) as string | undefined;
  const rest = Object.entries(rec).filter(([, v]) => v !== at && v !== null && v !== undefined);
  return (
    <li className="audit-line">
      {at && <time dateTime={at}>{clock(at)}</time>}
      <span>{rest.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' · ')}</span>
    </li>
  );
}

/**
 * Which audit rows a run wrote: those about a registration its trace mentions (the service's clock
 * may be a lesson's moved clock, so times alone would mislead), and rows about no registration that
 * fall between the run's start and the next trace's.
 */
function belongsTo(rec: Rec, wire: string, from: number, to: number): boolean {
  const reg = rec.registration_id;
  if (typeof reg === 'string' && reg) return wire.includes(reg);
  const at = typeof rec.at === 'string' ? Date.parse(rec.at) : NaN;
  return at >= from && at < to;
}

const wireText = (list: Exchange[]) => list.map((e) => `${e.url}\n${e.requestBody ?? ''}\n${e.responseBody ?? ''}`).join('\n');

/** The service's audit log, newest first, for every run or one (a select above it). */
export function AuditLog({ rows }: { rows: Rec[] }) {
  const version = useStudio((s) => s.stateVersion);
  const scenarios = useStudio((s) => s.info?.scenarios);
  const [runs, setRuns] = useState<{ entry: TraceEntry; until: number }[]>([]);
  const [pick, setPick] = useState('');
  const [wire, setWire] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    // As the state view does: one read per burst of changes.
    const timer = setTimeout(() => api.traces().then((t) => {
      if (!live) return;
      const all = t.traces;
      const list = all
        .map((entry, i) => ({ entry, until: i + 1 < all.length ? Date.parse(all[i + 1].startedAt) : Infinity }))
        .filter(({ entry }) => entry.flow && entry.exchangeCount > 0);
      setRuns(list.reverse());
    }, () => {}), 150);
    return () => { live = false; clearTimeout(timer); };
  }, [version]);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      if (pick) api.exchanges(pick).then((list) => live && setWire(wireText(list)), () => live && setWire(''));
    }, 150);
    return () => { live = false; clearTimeout(timer); };
  }, [pick, version]);

  const chosen = runs.find((r) => r.entry.id === pick);
  const loading = Boolean(chosen) && wire === null;
  const shown = chosen && wire !== null
    ? rows.filter((r) => belongsTo(r, wire, Date.parse(chosen.entry.startedAt), chosen.until))
    : loading ? [] : rows;
  return (
    <>
      <label className="audit-filter">
        <span className="muted small">Entries of</span>
        <select value={pick} onChange={(e) => { setWire(null); setPick(e.target.value); }} aria-label="Audit entries of">
          <option value="">every run</option>
          {runs.map(({ entry }) => (
            <option key={entry.id} value={entry.id}>{entryName(entry, scenarios)} · {clock(entry.startedAt)}</option>
          ))}
        </select>
      </label>
      {!shown.length ? (
        <p className="muted">{loading ? 'Loading…' : pick ? 'This run wrote nothing to the audit log.' : 'None yet.'}</p>
      ) : (
        <ol className="audit" aria-label="Audit entries">{[...shown].reverse().map((r, i) => <AuditLine key={String(r.id ?? i)} rec={r} />)}</ol>
      )}
    </>
  );
}
