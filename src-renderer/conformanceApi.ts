import type {
  ConformanceInfo, ConformanceReportFormat, ConformanceRun, ConformanceRunRequest,
} from '../src-servers/protocol/studio';
import { apiUrl, call, withTokenParam } from './api';

/** The studio's conformance endpoints (protocol/studio.ts, "Conformance runs"; host/studioConformance.ts). */
export const conformanceApi = {
  info: () => call<ConformanceInfo>('GET', '/conformance/info'),
  /** The latest run (going or done), or null before the first. */
  current: () => call<ConformanceRun | null>('GET', '/conformance/runs/current'),
  start: (request: ConformanceRunRequest) => call<ConformanceRun>('POST', '/conformance/runs', request),
  cancel: (id: string) => call<ConformanceRun>('POST', `/conformance/runs/${encodeURIComponent(id)}/cancel`),
  /** A download link (the token rides in the query: a link cannot send the header). */
  reportUrl: (id: string, format: ConformanceReportFormat) =>
    withTokenParam(apiUrl(`/conformance/runs/${encodeURIComponent(id)}/report?format=${format}`)),
};
