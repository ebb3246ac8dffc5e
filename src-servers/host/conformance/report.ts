import type { RunReport } from './run.js';
import type { CheckResult, Exchange, Status } from './types.js';

/**
 * Report formats. The JSON file is the RunReport itself (schema "agentic-registration-conformance/1"):
 * `{schema, profile, service, provider?, issuer, startedAt, finishedAt, summary: {total, SUCCESS,
 * FAILURE, WARNING, SKIPPED, INFO}, results: [{id, title, group, target, spec: {protocol, rfc?},
 * status, message, remedy?, exchanges: [{method, url, requestHeaders, requestBody?, status?,
 * responseHeaders?, responseBody?, error?}]}]}`. Credentials the runner was issued are masked.
 */

const MARK: Record<Status, string> = { SUCCESS: 'PASS', FAILURE: 'FAIL', WARNING: 'WARN', SKIPPED: 'SKIP', INFO: 'INFO' };

/** The last line: counts per status, so a person sees the verdict at a glance. */
export function summaryLine(report: RunReport): string {
  const s = report.summary;
  return `${s.total} checks: ${s.SUCCESS} passed, ${s.FAILURE} failed, ${s.WARNING} warnings, ${s.SKIPPED} skipped, ${s.INFO} info`;
}

const showsEvidence = (r: CheckResult) => r.status === 'FAILURE' || r.status === 'WARNING';

function exchangeText(ex: Exchange): string {
  const req = `${ex.method} ${ex.url}${ex.requestHeaders['content-type'] ? ` (${ex.requestHeaders['content-type']})` : ''}${ex.requestBody ? `\n    ${ex.requestBody.slice(0, 300)}` : ''}`;
  if (ex.error) return `  → ${req}\n  ← no answer: ${ex.error}`;
  const www = ex.responseHeaders?.['www-authenticate'];
  return `  → ${req}\n  ← ${ex.status} ${ex.responseHeaders?.['content-type'] ?? ''}${www ? `\n    WWW-Authenticate: ${www}` : ''}\n    ${(ex.responseBody ?? '').replace(/\s+/g, ' ').slice(0, 400)}`;
}

/** One line per check for the terminal; failures and warnings add what was sent and what came back. */
export function consoleLine(r: CheckResult): string {
  const spec = [r.spec.protocol, r.spec.rfc].filter(Boolean).join('; ');
  let out = `${MARK[r.status]}  ${r.id} — ${r.title}${r.message !== r.title ? `\n      ${r.message}` : ''}\n      [${spec}]`;
  if (r.remedy) out += `\n      fix: ${r.remedy}`;
  if (r.status === 'FAILURE' && r.exchanges.length) out += `\n${r.exchanges.slice(-2).map(exchangeText).join('\n')}`;
  return out;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function toMarkdown(report: RunReport): string {
  const lines = [
    `# Agentic registration conformance — profile ${report.profile}`,
    '',
    `Service: ${report.service}${report.provider ? ` · Provider: ${report.provider}` : ''} · runner issuer: ${report.issuer} · ${report.startedAt}`,
    '',
    `**${summaryLine(report)}**`,
    '',
    '| status | check | spec | result |',
    '|---|---|---|---|',
    ...report.results.map((r) => `| ${r.status} | \`${r.id}\` ${cell(r.title)} | ${cell([r.spec.protocol, r.spec.rfc].filter(Boolean).join('; '))} | ${cell(r.message)} |`),
  ];
  for (const r of report.results.filter(showsEvidence)) {
    lines.push('', `## ${r.status}: \`${r.id}\``, '', r.message, '');
    if (r.remedy) lines.push(`**What to change:** ${r.remedy}`, '');
    lines.push('```', ...r.exchanges.map(exchangeText), '```');
  }
  return `${lines.join('\n')}\n`;
}
