import { useState } from 'react';
import type { Exchange } from '../types';
import { ClaimsAcrossDialog } from './ClaimsAcross';
import { JwtView } from './JwtView';

/** Each JWT of the exchange as jwt.io shows it, and the way to compare them across the run. */
export function TokensTab({ e, reveal }: { e: Exchange; reveal: boolean }) {
  const [across, setAcross] = useState(false);
  return (
    <div className="tokens-tab">
      <div className="tokens-bar">
        <span className="muted">{e.jwts.length} JWT{e.jwts.length > 1 ? 's' : ''} decoded</span>
        <button type="button" onClick={() => setAcross(true)} aria-haspopup="dialog">Claims across tokens…</button>
      </div>
      {e.jwts.map((j, i) => <JwtView key={`${j.where}-${i}`} jwt={j} exchange={e} reveal={reveal} />)}
      <ClaimsAcrossDialog open={across} onClose={() => setAcross(false)} />
    </div>
  );
}
