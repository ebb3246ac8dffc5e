import { tokenKind, type TokenKind } from '../../src-servers/trace/claims';
import type { DecodedJwt, Exchange } from '../types';
import { inWireOrder } from './diagramModel';

/**
 * "Claims across tokens": every JWT a run carried, in the order it first went over the wire, with
 * the claims that tell the story of a delegation — who issued it (`iss`), for whom (`aud`), about
 * whom (`sub`), to which client (`azp` / `client_id`) and until when (`exp`). A learner sees `aud`
 * move from the provider's client (the id_token) to the service (the ID-JAG, the logout token).
 */

export const KIND_NAME: Record<TokenKind, string> = {
  'id-jag': 'ID-JAG', 'service-assertion': 'Service assertion', 'logout-token': 'Logout token',
  'security-event': 'Security event (SET)', 'id-token': 'ID token', jwt: 'JWT',
};

export const COLUMNS = ['iss', 'aud', 'sub', 'client', 'exp'] as const;
export type Column = (typeof COLUMNS)[number];
export const COLUMN_TITLE: Record<Column, string> = { iss: 'iss', aud: 'aud', sub: 'sub', client: 'azp / client_id', exp: 'exp' };

export interface TokenRow {
  key: string;
  kind: TokenKind;
  name: string;
  /** The exchange it was first seen in, and where in it. */
  exchangeId: string;
  where: string;
  cells: Record<Column, string>;
  /** Cells whose value differs from the token before (none for the first). */
  changed: Column[];
}

const text = (v: unknown): string =>
  v === undefined || v === null ? '—' : Array.isArray(v) ? v.map(String).join(', ') : typeof v === 'string' ? v : JSON.stringify(v);

const time = (v: unknown): string =>
  typeof v === 'number' ? new Date(v * 1000).toLocaleTimeString([], { hourCycle: 'h23' }) : '—';

function cellsOf(j: DecodedJwt): Record<Column, string> {
  const c = j.claims;
  // OIDC Core §2: azp names the client an id_token was issued to; an ID-JAG names it in client_id.
  return { iss: text(c.iss), aud: text(c.aud), sub: text(c.sub), client: text(c.azp ?? c.client_id), exp: time(c.exp) };
}

/** One row per distinct token (the same ID-JAG in a response and the next request is one row). */
export function tokensAcross(exchanges: Exchange[]): TokenRow[] {
  const rows: TokenRow[] = [];
  const seen = new Set<string>();
  for (const e of inWireOrder(exchanges)) {
    for (const j of e.jwts) {
      const key = JSON.stringify([j.header, j.claims]);
      if (seen.has(key)) continue;
      seen.add(key);
      const kind = tokenKind(j.header, j.claims);
      const cells = cellsOf(j);
      const prev = rows[rows.length - 1];
      const changed = prev ? COLUMNS.filter((c) => prev.cells[c] !== cells[c]) : [];
      rows.push({ key, kind, name: KIND_NAME[kind], exchangeId: e.id, where: j.where, cells, changed });
    }
  }
  return rows;
}
