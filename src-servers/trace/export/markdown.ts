/** The trace as Markdown for a write-up or a bug report: title, the diagram, a table of exchanges, the tokens. */
import type { Exchange, TraceMeta } from '../types.js';
import { toMermaid } from './mermaid.js';
import { byStart } from './order.js';
import { requestLabel, responseSummary, sideLabel, traceProfiles } from './summary.js';

/** A table cell: one line, pipes escaped (GFM tables). */
function cell(text: string | number | undefined): string {
  return String(text ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
}

function claim(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function toMarkdown(trace: TraceMeta, exchanges: Exchange[]): string {
  const profiles = traceProfiles(exchanges);
  const facts = [
    // The protocol version the run spoke (DESIGN.md rule 8): a v0.1 and a v0.6 trace read alike otherwise.
    profiles.length && `Profile: ${profiles.map((p) => `\`${p}\``).join(', ')}`,
    trace.flow && `Flow: \`${trace.flow}\``,
    trace.scenario && `Scenario: \`${trace.scenario}\``,
    `Started: ${trace.startedAt}`,
    `Exchanges: ${exchanges.length}`,
  ].filter(Boolean);
  const out = [`# ${trace.title}`, '', facts.join(' · '), '', '```mermaid', toMermaid(exchanges).trimEnd(), '```', ''];

  out.push('## Exchanges', '', '| # | Step | From | To | Request | Response | Time |', '|---|---|---|---|---|---|---|');
  for (const e of byStart(exchanges)) {
    out.push(`| ${[
      e.seq, e.step, sideLabel(e, 'from'), sideLabel(e, 'to'), requestLabel(e), responseSummary(e), `${e.durationMs} ms`,
    ].map(cell).join(' | ')} |`);
  }

  const tokens = exchanges.flatMap((e) => e.jwts.map((j) => ({ seq: e.seq, ...j })));
  if (tokens.length) {
    out.push('', '## Tokens', '', '| # | Where | typ | iss | sub | aud | Signature |', '|---|---|---|---|---|---|---|');
    for (const t of tokens) {
      const sig = t.signature.status === 'verified' ? `verified (kid ${t.signature.kid ?? '?'})` : `${t.signature.status}: ${t.signature.reason}`;
      out.push(`| ${[t.seq, t.where, claim(t.header.typ), claim(t.claims.iss), claim(t.claims.sub), claim(t.claims.aud), sig].map(cell).join(' | ')} |`);
    }
  }
  return `${out.join('\n')}\n`;
}
