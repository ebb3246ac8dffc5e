import type { RunReport } from './run.js';
import type { CheckResult, Exchange, Status } from './types.js';

/**
 * Report formats: the terminal lines, Markdown, and (html.ts) a self-contained HTML page. The JSON
 * file is the RunReport itself, schema "agentic-registration-conformance/1", documented field by
 * field in docs/CONFORMANCE-REPORT.md. Credentials the runner was issued are masked.
 */

const MARK: Record<Status, string> = { SUCCESS: 'PASS', FAILURE: 'FAIL', WARNING: 'WARN', SKIPPED: 'SKIP', INFO: 'INFO' };

/** The last line: counts per status, so a person sees the verdict at a glance. */
export function summaryLine(report: RunReport): string {
  const s = report.summary;
  const line = `${s.total} checks: ${s.SUCCESS} passed, ${s.FAILURE} failed, ${s.WARNING} warnings, ${s.SKIPPED} skipped, ${s.INFO} info`;
  if (s.expectedFailures === undefined) return line;
  return `${line} (baseline: ${s.expectedFailures} expected failures, ${s.nowPasses} now pass${s.nowPasses ? ' — remove them from the baseline' : ''})`;
}

const showsEvidence = (r: CheckResult) => r.status === 'FAILURE' || r.status === 'WARNING';

/** The status as a person reads it, with the baseline's verdict when it has one. */
export function statusLabel(r: CheckResult): string {
  if (r.baseline === 'expected') return `${r.status} (expected)`;
  if (r.baseline === 'now-passes') return `${r.status} (expected to fail, now passes: remove it from the baseline)`;
  return r.status;
}

function exchangeText(ex: Exchange): string {
  const req = `${ex.method} ${ex.url}${ex.requestHeaders['content-type'] ? ` (${ex.requestHeaders['content-type']})` : ''}${ex.requestBody ? `\n    ${ex.requestBody.slice(0, 300)}` : ''}`;
  if (ex.error) return `  → ${req}\n  ← no answer: ${ex.error}`;
  const www = ex.responseHeaders?.['www-authenticate'];
  return `  → ${req}\n  ← ${ex.status} ${ex.responseHeaders?.['content-type'] ?? ''}${www ? `\n    WWW-Authenticate: ${www}` : ''}\n    ${(ex.responseBody ?? '').replace(/\s+/g, ' ').slice(0, 400)}`;
}

/** One line per check for the terminal; failures and warnings add what was sent and what came back. */
export function consoleLine(r: CheckResult): string {
  const spec = [r.spec.protocol, r.spec.rfc].filter(Boolean).join('; ');
  const mark = r.baseline === 'expected' ? 'XFAIL' : r.baseline === 'now-passes' ? 'XPASS' : MARK[r.status];
  let out = `${mark}  ${r.id} — ${r.title}${r.message !== r.title ? `\n      ${r.message}` : ''}\n      [${spec}]`;
  if (r.remedy) out += `\n      fix: ${r.remedy}`;
  if (r.baseline) out += `\n      baseline: ${statusLabel(r)}`;
  if (r.status === 'FAILURE' && r.exchanges.length) out += `\n${r.exchanges.slice(-2).map(exchangeText).join('\n')}`;
  return out;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function toMarkdown(report: RunReport): string {
  const lines = [
    `# Agentic registration conformance — profile ${report.profile}`,
    '',
    `Service: ${report.service}${report.provider ? ` · Provider: ${report.provider}` : ''} · runner issuer: ${report.issuer} · ${report.startedAt} · profile ${report.profileSource === 'flag' ? 'from --profile' : report.profileSource === 'detected' ? 'detected from the AS metadata' : 'by default'}`,
    '',
    `**${summaryLine(report)}**`,
    '',
    '| status | check | spec | result |',
    '|---|---|---|---|',
    ...report.results.map((r) => `| ${statusLabel(r)} | \`${r.id}\` ${cell(r.title)} | ${cell([r.spec.protocol, r.spec.rfc].filter(Boolean).join('; '))} | ${cell(r.message)} |`),
  ];
  for (const r of report.results.filter(showsEvidence)) {
    lines.push('', `## ${statusLabel(r)}: \`${r.id}\``, '', r.message, '');
    if (r.remedy) lines.push(`**What to change:** ${r.remedy}`, '');
    lines.push('```', ...r.exchanges.map(exchangeText), '```');
  }
  return `${lines.join('\n')}\n`;
}
