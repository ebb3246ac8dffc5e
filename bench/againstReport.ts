/** The `--against` table (bench/against.ts): per row, ours beside the other service, and the ratios. */

/** One measured window of one service. */
export interface TargetRound {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  /** server CPU ms per 2xx answer, from /proc/<pid>/stat (absent without the pid) */
  cpuMsPerRequest?: number;
}

/** A service's figures for a row: best round's req/s and p99, median round's CPU ms/req. */
export interface TargetSummary {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerRequest?: number;
  non2xx: number;
  rounds: TargetRound[];
}

export interface AgainstRow {
  id: string;
  title: string;
  ours: TargetSummary;
  /** in the order of AgainstReport.others */
  others: TargetSummary[];
}

export interface AgainstReport {
  others: { url: string; pid: number | null }[];
  issuer: string;
  connections: number;
  rounds: number;
  secondsPerWindow: number;
  pinned: boolean;
  rows: AgainstRow[];
  warmupS: number;
  memory: { oursIdleRssBytes: number; oursPeakRssBytes: number; oursPeakHeapBytes?: number; others: ({ rssBytes: number; peakRssBytes: number } | null)[] };
  studio?: { ok: boolean; detail: string };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : Math.round(n).toString());
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? '—' : `${(a / b).toFixed(2)}×`);
const cpu = (n: number | undefined) => (n === undefined ? '—' : n.toFixed(3));
const mb = (n: number | undefined) => (n === undefined ? '—' : `${Math.round(n / 1048576)} MB`);

/** One table per other service: ours beside it, from the same interleaved rounds. */
export function formatAgainst(r: AgainstReport): string {
  const header = ['Row', 'ours req/s', 'other req/s', 'ratio', 'p99 ms ours / other', 'CPU ms/req ours / other', 'CPU ratio'];
  const tables = r.others.map((other, k) => {
    const lines = r.rows.map((row) => {
      const them = row.others[k];
      return [
        row.title + (row.ours.non2xx || them.non2xx ? ` (non-2xx: ours ${row.ours.non2xx}, other ${them.non2xx})` : ''),
        int(row.ours.requestsPerSec),
        int(them.requestsPerSec),
        ratio(row.ours.requestsPerSec, them.requestsPerSec),
        `${ms(row.ours.p99Ms)} / ${ms(them.p99Ms)}`,
        `${cpu(row.ours.cpuMsPerRequest)} / ${cpu(them.cpuMsPerRequest)}`,
        ratio(row.ours.cpuMsPerRequest, them.cpuMsPerRequest),
      ];
    });
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
    const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
    const mem = r.memory.others[k];
    return [
      `Ours against ${other.url}${other.pid ? ` (pid ${other.pid})` : ''}:`,
      '',
      [line(header), rule, ...lines.map(line)].join('\n'),
      ...(mem ? ['', `Its RSS: ${mb(mem.rssBytes)} at the end, ${mb(mem.peakRssBytes)} peak (its whole life).`] : []),
    ].join('\n');
  });
  return [
    `Ours (on disk, trace on) beside ${r.others.length} other service(s): ${r.rounds} interleaved round(s), ${r.warmupS} s warm-up and ${r.secondsPerWindow.toFixed(1)} s measured per row and service, ${r.connections} connections${r.pinned ? ', every server pinned to the same core' : ''}. ID-JAGs from ${r.issuer}.`,
    'req/s and p99: best round; CPU ms/req (server process, /proc): median round; ratio = ours / other.',
    '',
    tables.join('\n\n'),
    '',
    `Our host's RSS: ${mb(r.memory.oursIdleRssBytes)} idle → ${mb(r.memory.oursPeakRssBytes)} peak${r.memory.oursPeakHeapBytes ? ` (V8 heap at most ${mb(r.memory.oursPeakHeapBytes)})` : ''}.`,
    ...(r.studio ? [`Studio under load: ${r.studio.ok ? 'OK' : 'FAILED'} — ${r.studio.detail}`] : []),
  ].join('\n');
}
