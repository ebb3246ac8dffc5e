/** The trace module's public face; its wire types are declared in protocol/trace.ts (DESIGN.md rule 4). */
export { BETWEEN_RUNS_TITLE, createTraceRecorder, SESSION_TRACE_TITLE, TraceInUseError, TraceNotFoundError } from './recorder.js';
export { traceMigrations } from './store.js';
export { explainClaim, EXPLAINED_CLAIMS, tokenKind, type TokenKind } from './claims.js';
export { identifyCaller } from './middleware.js';
export { findJwts, decodeIfJwt } from './jwt.js';
export { markSecrets, redactSecrets, SECRET_FIELDS } from './secrets.js';
export { toHar } from './export/har.js';
export { toJson, parseTraceJson, TRACE_JSON_FORMAT, type TraceExport } from './export/json.js';
export { toMermaid, mermaidText } from './export/mermaid.js';
export { toMarkdown } from './export/markdown.js';
export {
  ACTOR_HEADER, STEP_HEADER, ACTORS, EXPORT_FORMATS, isActor,
  type Actor, type DecodedJwt, type Exchange, type ExportFormat, type TraceMeta, type TraceRecorder,
} from './types.js';
