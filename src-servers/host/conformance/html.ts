import type { RunReport } from './run.js';
import type { CheckResult, Exchange, Status } from './types.js';
import { summaryLine } from './report.js';

/**
 * The self-contained HTML report (issue 18): one file, inline CSS, no script, no external
 * resource, so it opens offline and can be mailed around. Everything it shows came from a peer
 * under test, so every string is escaped, and the page's CSP forbids scripts and fetches besides
 * (a second wall if an escape were ever missed). Evidence folds with <details>, which needs no script.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** HTML-escape text for element content and quoted attributes (HTML Living Standard §13.1.2.6). */
export const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

const COLOR: Record<Status, string> = { SUCCESS: '#1a7f37', FAILURE: '#cf222e', WARNING: '#9a6700', SKIPPED: '#6e7781', INFO: '#0969da' };

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1f2328;background:#fff}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}
.meta{color:#57606a;margin:0 0 1rem}.meta code{word-break:break-all}
.badge{display:inline-block;min-width:4.5rem;text-align:center;border-radius:1rem;padding:.05rem .5rem;color:#fff;font-weight:600;font-size:.8rem}
.counts{display:flex;gap:.5rem;flex-wrap:wrap;margin:.5rem 0 1rem}.counts span{padding:.3rem .7rem;border-radius:.4rem;color:#fff;font-weight:600}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
details.check{border:1px solid #d0d7de;border-radius:.4rem;margin:.5rem 0;padding:.4rem .7rem}
details.check>summary{cursor:pointer;font-weight:600}details.check[data-status=FAILURE]{border-left:.35rem solid #cf222e}
details.check[data-status=WARNING]{border-left:.35rem solid #9a6700}
.remedy{background:#fff8c5;border-radius:.3rem;padding:.4rem .6rem}.note{color:#57606a}
pre{background:#f6f8fa;border-radius:.3rem;padding:.5rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all;font-size:12px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace}`;

function badge(status: Status, baseline?: CheckResult['baseline']): string {
  const label = baseline === 'expected' ? 'FAILURE (expected)' : baseline === 'now-passes' ? `${status} (baseline stale)` : status;
  return `<span class="badge" style="background:${COLOR[status]}">${esc(label)}</span>`;
}

const anchor = (id: string) => `check-${id.replace(/[^A-Za-z0-9_.-]/g, '_')}`;

function headers(h: Record<string, string> | undefined): string {
  return Object.entries(h ?? {}).map(([k, v]) => `${k}: ${v}`).join('\n');
}

/** One exchange as the wire showed it: request line, headers, body; then the answer. */
function exchangeHtml(ex: Exchange, i: number): string {
  const req = [`${ex.method} ${ex.url}`, headers(ex.requestHeaders), ex.requestBody ? `\n${ex.requestBody}` : ''].filter(Boolean).join('\n');
  const res = ex.error ? `no answer: ${ex.error}` : [`${ex.status}`, headers(ex.responseHeaders), ex.responseBody ? `\n${ex.responseBody}` : ''].filter(Boolean).join('\n');
  return `<p class="note">exchange ${i + 1}</p><pre>→ ${esc(req)}</pre><pre>← ${esc(res)}</pre>`;
}

function checkHtml(r: CheckResult): string {
  const open = r.status === 'FAILURE' || r.status === 'WARNING' ? ' open' : '';
  const spec = [r.spec.protocol, r.spec.rfc].filter(Boolean).join('; ');
  const baseline =
    r.baseline === 'expected' ? '<p class="note">In the expected-failures baseline: reported, does not fail the run.</p>'
    : r.baseline === 'now-passes' ? '<p class="note">In the expected-failures baseline but it no longer fails: remove it from the baseline.</p>' : '';
  return `<details class="check" id="${esc(anchor(r.id))}" data-status="${esc(r.status)}"${open}>
<summary>${badge(r.status, r.baseline)} <code>${esc(r.id)}</code> — ${esc(r.title)}</summary>
<p><b>Spec:</b> ${esc(spec)} · <b>target:</b> ${esc(r.target)} · <b>group:</b> ${esc(r.group)}</p>
<p><b>Result:</b> ${esc(r.message)}</p>${r.remedy ? `\n<p class="remedy"><b>What to change:</b> ${esc(r.remedy)}</p>` : ''}${baseline}
${r.exchanges.length ? `<details${open}><summary>Evidence: ${r.exchanges.length} exchange${r.exchanges.length === 1 ? '' : 's'}</summary>${r.exchanges.map(exchangeHtml).join('\n')}</details>` : '<p class="note">No exchanges (judged from earlier evidence or skipped).</p>'}
</details>`;
}

export function toHtml(report: RunReport): string {
  const s = report.summary;
  const counts = (['SUCCESS', 'FAILURE', 'WARNING', 'SKIPPED', 'INFO'] as const).map((k) => `<span style="background:${COLOR[k]}">${esc(k)} ${s[k]}</span>`).join('');
  const rows = report.results
    .map((r) => `<tr><td>${badge(r.status, r.baseline)}</td><td><a href="#${esc(anchor(r.id))}"><code>${esc(r.id)}</code></a></td><td>${esc(r.title)}</td><td>${esc([r.spec.protocol, r.spec.rfc].filter(Boolean).join('; '))}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Agentic registration conformance — ${esc(report.profile)} — ${esc(report.service)}</title>
<style>${CSS}</style></head><body>
<h1>Agentic registration conformance — profile ${esc(report.profile)}</h1>
<p class="meta">Profile ${esc(report.profile)}: ${esc(report.profileSource === 'flag' ? 'chosen with --profile' : report.profileSource === 'detected' ? 'detected from the AS metadata' : 'the default (discovery failed)')}</p>
<p class="meta">Service <code>${esc(report.service)}</code>${report.provider ? ` · provider <code>${esc(report.provider)}</code>` : ''} · runner issuer <code>${esc(report.issuer)}</code><br>
${esc(report.startedAt)} → ${esc(report.finishedAt)} · report schema <code>${esc(report.schema)}</code></p>
<p><b>${esc(summaryLine(report))}</b></p>
<div class="counts">${counts}</div>
<h2>Checks</h2>
<table><thead><tr><th>status</th><th>check</th><th>title</th><th>spec</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Details and evidence</h2>
${report.results.map(checkHtml).join('\n')}
</body></html>
`;
}
