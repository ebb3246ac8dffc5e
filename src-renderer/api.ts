import { STUDIO_API_PATH, STUDIO_TOKEN_HEADER, STUDIO_TOKEN_META, STUDIO_TOKEN_PARAM } from '../src-servers/protocol/studio';
import type {
  ActRequest, AutopilotRequest, CreateRunRequest, DeleteTraceResult, OtpRequest, PlayRequest, ResetResult, RevokeGrantResult, RoleTables,
  StudioErrorBody, StudioTraces,
} from '../src-servers/protocol/studio';
import type {
  ConsentChoice, Exchange, ExportFormat, FlowId, Mail, StudioEventName, StudioEvents, StudioInfo, StudioRun,
} from './types';
import type { ProfileId } from '../src-servers/protocol/profiles';

/**
 * The studio API (src-servers/protocol/studio.ts). The renderer talks to the host over HTTP and
 * SSE only, the same in Electron and in a browser tab (DESIGN.md rule 2).
 */
function studioOrigin(): string {
  const fromQuery = new URLSearchParams(location.search).get('studio');
  if (fromQuery) return fromQuery.replace(/\/$/, '');
  // Served by the studio itself (the usual case, the desktop window included): same origin.
  if (location.protocol === 'http:' || location.protocol === 'https:') return '';
  return 'http://127.0.0.1:5178';
}

const ORIGIN = studioOrigin();
export const apiUrl = (path: string) => `${ORIGIN}${STUDIO_API_PATH}${path}`;

/** This launch's secret, written into the page by the studio (host/studioGuard.ts); the API answers nothing without it. */
const TOKEN = document.querySelector<HTMLMetaElement>(`meta[name="${STUDIO_TOKEN_META}"]`)?.content ?? '';
/** For URLs the browser fetches by itself (EventSource, a download link), which cannot carry the header. */
export const withTokenParam = (url: string) => `${url}${url.includes('?') ? '&' : '?'}${STUDIO_TOKEN_PARAM}=${encodeURIComponent(TOKEN)}`;

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(apiUrl(path), {
    method,
    headers: { [STUDIO_TOKEN_HEADER]: TOKEN, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? safeJson(text) : null;
  if (!res.ok) {
    const err = (json ?? {}) as Partial<StudioErrorBody>;
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

const run = (id: string, action: string, body: PlayRequest | AutopilotRequest | OtpRequest | ActRequest = {}) =>
  call<StudioRun>('POST', `/runs/${encodeURIComponent(id)}/${action}`, body);

export const api = {
  info: () => call<StudioInfo>('GET', '/info'),
  createRun: (flow: FlowId, scenario: string | undefined, autopilot: boolean, profile?: ProfileId) =>
    call<StudioRun>('POST', '/runs', { flow, ...(scenario ? { scenario } : {}), autopilot, ...(profile ? { profile } : {}) } satisfies CreateRunRequest),
  /** The studio's current run, or null before the first one (or after a reset). */
  currentRun: () => call<StudioRun | null>('GET', '/runs/current'),
  next: (id: string) => run(id, 'next'),
  /** `holdAtMoments`: stop after each key moment (the presenter's pace, protocol/studio.ts PlayRequest). */
  play: (id: string, delayMs: number, holdAtMoments = false) => run(id, 'play', { delayMs, ...(holdAtMoments ? { holdAtMoments } : {}) } satisfies PlayRequest),
  pause: (id: string) => run(id, 'pause'),
  autopilot: (id: string, on: boolean) => run(id, 'autopilot', { on } satisfies AutopilotRequest),
  otp: (id: string, otp: string) => run(id, 'otp', { otp } satisfies OtpRequest),
  /** Answer as the person without a page (the verified-email consent question). */
  act: (id: string, choice?: ConsentChoice) => run(id, 'act', (choice ? { choice } : {}) satisfies ActRequest),
  traces: () => call<StudioTraces>('GET', '/traces'),
  exchanges: (traceId: string) => call<Exchange[]>('GET', `/traces/${encodeURIComponent(traceId)}/exchanges`),
  deleteTrace: (traceId: string) => call<DeleteTraceResult>('DELETE', `/traces/${encodeURIComponent(traceId)}`),
  exportUrl: (traceId: string, format: ExportFormat) =>
    withTokenParam(apiUrl(`/traces/${encodeURIComponent(traceId)}/export?format=${format}`)),
  /** The roles' tables; the service's is that of `profile`'s service (default: the primary). */
  state: (profile?: ProfileId) => call<RoleTables>('GET', `/state${profile ? `?profile=${encodeURIComponent(profile)}` : ''}`),
  inbox: () => call<Mail[]>('GET', '/inbox'),
  revokeGrant: (id: string) => call<RevokeGrantResult>('POST', `/grants/${encodeURIComponent(id)}/revoke`),
  resetAll: () => call<ResetResult>('POST', '/reset'),
  eventsUrl: () => withTokenParam(apiUrl('/events')),
};

/** One handler per studio SSE event (protocol/studio.ts StudioEvents): leaving one out does not compile. */
export type StudioEventHandlers = { [K in StudioEventName]: (data: StudioEvents[K]) => void };

/** Listen to every studio SSE event on `source`, each event's JSON data parsed into its type. */
export function onStudioEvents(source: EventSource, handlers: StudioEventHandlers): void {
  for (const name of Object.keys(handlers) as StudioEventName[]) {
    const handle = handlers[name] as (data: unknown) => void;
    source.addEventListener(name, (e) => handle(JSON.parse((e as MessageEvent<string>).data)));
  }
}
