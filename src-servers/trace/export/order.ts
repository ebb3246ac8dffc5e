/**
 * Wire order. Exchanges are numbered as they complete, so a call made while another was being
 * handled (the service fetching the provider's JWKS during POST /agent/auth) has the lower number.
 * A sequence diagram must show it where it happened: between the outer request and its answer.
 */
import type { Exchange } from '../types.js';

export interface WireEvent { kind: 'request' | 'response'; exchange: Exchange }

const startOf = (e: Exchange) => e.timing?.start ?? Date.parse(e.startedAt);
const endOf = (e: Exchange) => e.timing?.end ?? Date.parse(e.startedAt) + e.durationMs;

/** Every request and every answer, in the order they crossed the wire. */
export function wireEvents(exchanges: Exchange[]): WireEvent[] {
  const events = exchanges.flatMap((exchange) => [
    { kind: 'request' as const, exchange, at: startOf(exchange) },
    { kind: 'response' as const, exchange, at: endOf(exchange) },
  ]);
  // Same instant (old traces with millisecond times): an answer before the next request, then by seq.
  return events
    .sort((a, b) => a.at - b.at || (a.exchange === b.exchange ? (a.kind === 'request' ? -1 : 1) : 0)
      || (a.kind === b.kind ? 0 : a.kind === 'response' ? -1 : 1) || a.exchange.seq - b.exchange.seq)
    .map(({ kind, exchange }) => ({ kind, exchange }));
}

/** Exchanges in the order their requests were sent. */
export function byStart(exchanges: Exchange[]): Exchange[] {
  return [...exchanges].sort((a, b) => startOf(a) - startOf(b) || a.seq - b.seq);
}
