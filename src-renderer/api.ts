import type { Exchange, FlowId, Mail, StudioInfo, StudioRun, TraceMeta } from './types';

/**
 * The studio API (CONTRACTS.md "Studio API"). The renderer talks to the host over HTTP and SSE
 * only, the same in Electron and in a browser tab (DESIGN.md rule 2).
 */
function studioOrigin(): string {
  const fromQuery = new URLSearchParams(location.search).get('studio');
  if (fromQuery) return fromQuery.replace(/\/$/, '');
  if (window.studio?.studioUrl) return window.studio.studioUrl.replace(/\/$/, '');
  // Served by the studio itself (the usual case): same origin.
  if (location.protocol === 'http:' || location.protocol === 'https:') return '';
  return 'http://127.0.0.1:5178';
}

const ORIGIN = studioOrigin();
export const apiUrl = (path: string) => `${ORIGIN}/studio/api${path}`;

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(apiUrl(path), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? safeJson(text) : null;
  if (!res.ok) {
    const err = (json ?? {}) as { error?: string; message?: string };
    throw new ApiError(res.status, err.error ?? 'error', err.message ?? `The studio answered ${res.status}.`);
  }
  return json as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const run = (id: string, action: string, body: unknown = {}) =>
  call<StudioRun>('POST', `/runs/${encodeURIComponent(id)}/${action}`, body);

export type ExportFormat = 'json' | 'har' | 'mermaid' | 'markdown';

export const api = {
  info: () => call<StudioInfo>('GET', '/info'),
  createRun: (flow: FlowId, scenario: string | undefined, autopilot: boolean) =>
    call<StudioRun>('POST', '/runs', { flow, ...(scenario ? { scenario } : {}), autopilot }),
  currentRun: async (): Promise<StudioRun | null> => {
    try {
      return await call<StudioRun>('GET', '/runs/current');
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  },
  next: (id: string) => run(id, 'next'),
  play: (id: string, delayMs: number) => run(id, 'play', { delayMs }),
  pause: (id: string) => run(id, 'pause'),
  autopilot: (id: string, on: boolean) => run(id, 'autopilot', { on }),
  otp: (id: string, otp: string) => run(id, 'otp', { otp }),
  /** Answer as the person without a page (the verified-email consent question). */
  act: (id: string, choice?: 'once' | 'always' | 'deny') => run(id, 'act', choice ? { choice } : {}),
  traces: () => call<{ current: string; traces: TraceMeta[] }>('GET', '/traces'),
  exchanges: (traceId: string) => call<Exchange[]>('GET', `/traces/${encodeURIComponent(traceId)}/exchanges`),
  exportUrl: (traceId: string, format: ExportFormat) =>
    apiUrl(`/traces/${encodeURIComponent(traceId)}/export?format=${format}`),
  state: () => call<{ service: Record<string, unknown[]>; provider: Record<string, unknown[]> }>('GET', '/state'),
  inbox: () => call<Mail[]>('GET', '/inbox'),
  revokeGrant: (id: string) => call<{ revoked: string }>('POST', `/grants/${encodeURIComponent(id)}/revoke`),
  resetAll: () => call<{ reset: true }>('POST', '/reset'),
  eventsUrl: () => apiUrl('/events'),
};
