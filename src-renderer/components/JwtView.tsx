import { useEffect, useState } from 'react';
import { explainClaim, tokenKind } from '../../src-servers/trace/claims';
import type { DecodedJwt, Exchange } from '../types';
import { KIND_NAME } from './claimsAcross';
import { compactParts, expiryText } from './jwtParts';

const TIME_CLAIMS = new Set(['iat', 'exp', 'nbf', 'auth_time']);

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The compact token in jwt.io's three colours: header . payload . signature (RFC 7515 §7.1). */
function Compact({ e, jwt, reveal }: { e: Exchange; jwt: DecodedJwt; reveal: boolean }) {
  const parts = compactParts(e, jwt, reveal);
  if (!parts) return null;
  return (
    <div className="jwt-encoded">
      <p className="jwt-compact" role="group" aria-label={`Encoded token${parts.masked ? ' (masked)' : ''}: header, payload and signature`}>
        <span className="jwt-part-header" title="JOSE header (base64url)">{parts.header}</span>.
        <span className="jwt-part-payload" title="Payload: the claims (base64url)">{parts.payload}</span>.
        <span className="jwt-part-signature" title="Signature (base64url)">{parts.signature || '(none)'}</span>
      </p>
      <p className="jwt-legend" aria-hidden="true">
        <span className="jwt-part-header">header</span> · <span className="jwt-part-payload">payload</span> · <span className="jwt-part-signature">signature</span>
        {parts.masked && <span className="muted"> — masked: it is a bearer proof; Reveal secrets to see it whole</span>}
      </p>
    </div>
  );
}

/** "expires in 4 min 12 s", ticking each second; aria-live off so a screen reader is not told every tick. */
function Expiry({ exp }: { exp: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const text = expiryText(exp, now);
  return (
    <p className={`jwt-expiry${text.startsWith('expired') ? ' is-expired' : ''}`} aria-live="off">
      {text}
      <span className="muted"> (exp {new Date(exp * 1000).toLocaleTimeString([], { hourCycle: 'h23' })})</span>
    </p>
  );
}

/** The signature status and, as jwt.io shows, the key that verified it: kid, alg, JWKS URI, public key. */
function Signature({ jwt }: { jwt: DecodedJwt }) {
  const sig = jwt.signature;
  if (sig.status === 'invalid')
    return <p className="sig sig-bad"><span aria-hidden="true">✕</span> Signature invalid: {sig.reason}</p>;
  if (sig.status === 'unverified')
    return <p className="sig sig-unknown"><span aria-hidden="true">?</span> Signature not checked: {sig.reason}</p>;
  const alg = typeof jwt.header.alg === 'string' ? jwt.header.alg : undefined;
  return (
    <div className="sig-block" role="group" aria-label="Verifying key">
      <p className="sig sig-ok">
        <span aria-hidden="true">✓</span> Signature verified{sig.kid ? ` with key ${sig.kid}` : ''}{alg ? ` (${alg})` : ''} from <code>{sig.jwksUri}</code>
      </p>
      {sig.key && (
        <dl className="key-params">
          <div><dt>kty</dt><dd>{sig.key.kty}{sig.key.crv ? ` · ${sig.key.crv}` : ''}</dd></div>
          {sig.key.x && <div><dt>x</dt><dd>{sig.key.x}</dd></div>}
          {sig.key.y && <div><dt>y</dt><dd>{sig.key.y}</dd></div>}
          {sig.key.n && <div><dt>n</dt><dd>{sig.key.n}</dd></div>}
          {sig.key.e && <div><dt>e</dt><dd>{sig.key.e}</dd></div>}
          <div><dt title="RFC 7638 SHA-256 JWK thumbprint">thumbprint</dt><dd>{sig.key.thumbprint}</dd></div>
        </dl>
      )}
    </div>
  );
}

/** One decoded JWT: the colour-split compact form, expiry, JOSE header, signature and key, every claim explained. */
export function JwtView({ jwt, exchange, reveal }: { jwt: DecodedJwt; exchange: Exchange; reveal: boolean }) {
  const typ = typeof jwt.header.typ === 'string' ? jwt.header.typ : 'JWT';
  const kind = tokenKind(jwt.header, jwt.claims);
  const exp = jwt.claims.exp;
  return (
    <article className="jwt" aria-label={`Decoded ${typ} in ${jwt.where}`}>
      <header className="jwt-head">
        <strong>{kind === 'jwt' ? typ : `${KIND_NAME[kind]} (${typ})`}</strong>
        <span className="muted">in {jwt.where}</span>
      </header>
      <Compact e={exchange} jwt={jwt} reveal={reveal} />
      {typeof exp === 'number' && <Expiry exp={exp} />}
      <h3 className="jwt-sub jwt-part-header">Header</h3>
      <div className="jwt-header">
        {Object.entries(jwt.header).map(([k, v]) => (
          <span key={k} className="chip" title={explainClaim(k, kind)}><span className="chip-key">{k}</span> {show(v)}</span>
        ))}
      </div>
      <h3 className="jwt-sub jwt-part-signature">Signature</h3>
      <Signature jwt={jwt} />
      <h3 className="jwt-sub jwt-part-payload">Payload · claims</h3>
      <ul className="claims" aria-label="Claims">
        {Object.entries(jwt.claims).map(([name, value]) => (
          <li key={name} className="claim">
            <div className="claim-line">
              <code className="claim-name">{name}</code>
              <code className="claim-value">{show(value)}</code>
              {TIME_CLAIMS.has(name) && typeof value === 'number' && (
                <span className="muted claim-time">{new Date(value * 1000).toLocaleTimeString([], { hourCycle: 'h23' })}</span>
              )}
            </div>
            <p className="claim-why">{explainClaim(name, kind)}</p>
          </li>
        ))}
      </ul>
    </article>
  );
}
