import { useEffect, useState } from 'react';
import { api } from '../api';
import { revokeGrant } from '../store/actions';
import { liveProfile } from '../store/profile';
import { AuditLog } from './AuditLog';
import { useStudio } from '../store/studio';

/** Read-only views of what the service and provider hold now (their inspect() snapshots). */

type Rec = Record<string, unknown>;
type Snapshot = Record<string, unknown[]>;

const TITLES: Record<string, string> = {
  registrations: 'Registrations', credentials: 'Credentials', audit: 'Audit log',
  grants: 'Grants', users: 'Users', consentRequests: 'Consent requests',
};
/** What a learner looks for first: the credential, then how it came to be. */
const ORDER = ['credentials', 'registrations', 'audit', 'grants', 'consentRequests', 'users'];
const rank = (k: string) => (ORDER.includes(k) ? ORDER.indexOf(k) : ORDER.length);
const ID_KEYS = ['id', 'registration_id', 'grant_id', 'request_id', 'credential_id', 'email'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

function Value({ v }: { v: unknown }) {
  if (v === null || v === undefined || v === '') return <span className="muted">—</span>;
  if (Array.isArray(v)) return <span className="chips">{v.map((x, i) => <span key={i} className="chip">{typeof x === 'string' ? x : JSON.stringify(x)}</span>)}</span>;
  if (typeof v === 'boolean') return <span className={v ? 'yes' : 'no'}>{v ? 'yes' : 'no'}</span>;
  if (typeof v === 'string' && ISO.test(v)) return <time dateTime={v} title={v}>{new Date(v).toLocaleTimeString([], { hourCycle: 'h23' })}</time>;
  const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return <span title={text.length > 60 ? text : undefined}>{text.length > 60 ? `${text.slice(0, 59)}…` : text}</span>;
}

function Card({ rec, onRevoke }: { rec: Rec; onRevoke?: () => void }) {
  const idKey = ID_KEYS.find((k) => typeof rec[k] === 'string');
  // Empty fields (not yet claimed, never revoked…) would only push the interesting ones down.
  const fields = Object.entries(rec).filter(([k, v]) => k !== idKey && v !== null && v !== undefined && v !== '');
  return (
    <li className="card">
      <div className="card-head">
        <code>{idKey ? String(rec[idKey]) : 'record'}</code>
        {onRevoke && <button type="button" className="danger small" onClick={onRevoke}>Revoke</button>}
      </div>
      <dl className="fields">
        {fields.map(([k, v]) => (
          <div key={k}><dt>{k}</dt><dd><Value v={v} /></dd></div>
        ))}
      </dl>
    </li>
  );
}

export function StatePane({ role }: { role: 'service' | 'provider' }) {
  const version = useStudio((s) => s.stateVersion);
  // The service tab shows the service of the live protocol version (one per profile runs).
  const profile = useStudio(liveProfile);
  const [snap, setSnap] = useState<Snapshot | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      api.state(profile).then(
        (s) => live && (setSnap(s[role] as Snapshot), setError(null)),
        (e: Error) => live && setError(e.message),
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [version, role, profile]);

  return (
    // WCAG 2.1.1: the pane scrolls, and it may hold nothing focusable (no grant to revoke): focusable itself, so the keys scroll it.
    <section className="state-pane" tabIndex={0} aria-label={role === 'service' ? 'Service state' : 'Provider state'}>
      {error && <p className="error-text">{error}</p>}
      {!snap && !error && <p className="muted">Loading…</p>}
      {snap && Object.entries(snap).sort(([a], [b]) => rank(a) - rank(b)).map(([key, list]) => (
        <section key={key} className="state-section" aria-label={TITLES[key] ?? key}>
          <h3>{TITLES[key] ?? key} <span className="count">{list.length}</span></h3>
          {key === 'audit' ? (
            <AuditLog rows={list as Rec[]} />
          ) : !list.length ? (
            <p className="muted">None yet.</p>
          ) : (
            <ul className="cards">
              {list.map((r, i) => {
                const rec = r as Rec;
                const id = String(rec.id ?? rec.grant_id ?? '');
                return <Card key={id || i} rec={rec} onRevoke={key === 'grants' && id && rec.status !== 'revoked' ? () => void revokeGrant(id) : undefined} />;
              })}
            </ul>
          )}
        </section>
      ))}
    </section>
  );
}
