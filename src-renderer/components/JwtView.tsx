import { explainClaim, tokenKind, type TokenKind } from '../../src-servers/trace/claims';
import type { DecodedJwt } from '../types';

const TIME_CLAIMS = new Set(['iat', 'exp', 'nbf', 'auth_time']);

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function Signature({ sig }: { sig: DecodedJwt['signature'] }) {
  if (sig.status === 'verified')
    return (
      <p className="sig sig-ok">
        <span aria-hidden="true">✓</span> Signature verified{sig.kid ? ` with key ${sig.kid}` : ''} from <code>{sig.jwksUri}</code>
      </p>
    );
  if (sig.status === 'invalid')
    return <p className="sig sig-bad"><span aria-hidden="true">✕</span> Signature invalid: {sig.reason}</p>;
  return <p className="sig sig-unknown"><span aria-hidden="true">?</span> Signature not checked: {sig.reason}</p>;
}

/** One decoded JWT: its JOSE header, every claim explained in one line, and the signature status. */
const KIND_NAME: Record<TokenKind, string> = {
  'id-jag': 'ID-JAG', 'service-assertion': 'Service assertion', 'logout-token': 'Logout token',
  'security-event': 'Security event (SET)', 'id-token': 'ID token', jwt: 'JWT',
};

export function JwtView({ jwt }: { jwt: DecodedJwt }) {
  const typ = typeof jwt.header.typ === 'string' ? jwt.header.typ : 'JWT';
  const kind = tokenKind(jwt.header, jwt.claims);
  return (
    <article className="jwt" aria-label={`Decoded ${typ} in ${jwt.where}`}>
      <header className="jwt-head">
        <strong>{kind === 'jwt' ? typ : `${KIND_NAME[kind]} (${typ})`}</strong>
        <span className="muted">in {jwt.where}</span>
      </header>
      <div className="jwt-header">
        {Object.entries(jwt.header).map(([k, v]) => (
          <span key={k} className="chip" title={explainClaim(k, kind)}><span className="chip-key">{k}</span> {show(v)}</span>
        ))}
      </div>
      <Signature sig={jwt.signature} />
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
