/** One-line labels for an exchange, shared by the Mermaid diagram and the Markdown table. */
import { STATUS_CODES } from 'node:http';
import { headerValue, parseBody } from '../body.js';
import type { Exchange } from '../types.js';

/** The protocol error code an answer carries: the JSON `error` field, or RFC 6750 §3's WWW-Authenticate error. */
export function errorCode(e: Exchange): string | undefined {
  const parsed = parseBody(e.responseBody, headerValue(e.responseHeaders, 'content-type'));
  if (parsed.kind === 'json' && parsed.value && typeof parsed.value === 'object') {
    const code = (parsed.value as { error?: unknown }).error;
    if (typeof code === 'string' && code) return code;
  }
  const challenge = headerValue(e.responseHeaders, 'www-authenticate');
  return challenge ? /error="([^"]+)"/.exec(challenge)?.[1] : undefined;
}

/** "METHOD path": the query is left out (it may hold a claim link's token) and marked with "?…". */
export function requestLabel(e: Exchange): string {
  if (e.method === 'SMTP') {
    const firstLine = (e.requestBody ?? '').split(/\r?\n/).find((l) => l.trim()) ?? '';
    return `SMTP mail${firstLine ? ` "${firstLine.trim().slice(0, 48)}"` : ''}`;
  }
  try {
    const u = new URL(e.url);
    return `${e.method} ${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return `${e.method} ${e.url}`;
  }
}

export function statusText(status: number, method?: string): string {
  if (method === 'SMTP') return status === 250 ? 'OK' : '';
  return STATUS_CODES[status] ?? '';
}

/** "status + short summary": the error code when there is one, else the status text. */
export function responseSummary(e: Exchange): string {
  if (e.status === 0) return `no answer${e.error ? `: ${e.error}` : ''}`;
  const code = errorCode(e);
  return `${e.status} ${code ?? statusText(e.status, e.method)}`.trim();
}

/** The lifeline name with its label, e.g. "External client (curl/8.5.0)". */
export function actorLabel(actor: string, label?: string): string {
  return label ? `${actor} (${label})` : actor;
}

/**
 * The Service lifeline named by the profile that answered (DESIGN.md rule 8: the host runs one
 * service per profile, PROTOCOL-v0.6.md §9), e.g. "Service (v0.6)"; other lifelines as actorLabel.
 */
export function sideLabel(e: Exchange, side: 'from' | 'to'): string {
  const actor = e[side];
  if (actor === 'Service' && e.serviceProfile) return `Service (${e.serviceProfile})`;
  return actorLabel(actor, side === 'from' ? e.fromLabel : e.toLabel);
}

/** The profiles of the services that answered in a trace, in order (one for a run: its profile). */
export function traceProfiles(exchanges: Exchange[]): string[] {
  return [...new Set(exchanges.flatMap((e) => (e.serviceProfile ? [e.serviceProfile] : [])))].sort();
}
