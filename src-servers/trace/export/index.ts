import type { Exchange, ExportFormat, TraceMeta } from '../types.js';
import { toHar } from './har.js';
import { toJson } from './json.js';
import { toMarkdown } from './markdown.js';
import { toMermaid } from './mermaid.js';

/** A trace in one of the export formats (the studio's Export menu, GET /studio/api/traces/:id/export). */
export function exportAs(format: ExportFormat, meta: TraceMeta, list: Exchange[]): string {
  switch (format) {
    case 'json': return toJson(meta, list);
    case 'har': return toHar(meta, list);
    case 'mermaid': return toMermaid(list);
    case 'markdown': return toMarkdown(meta, list);
    default: throw new Error(`Unknown export format "${String(format)}": use json, har, mermaid or markdown.`);
  }
}
