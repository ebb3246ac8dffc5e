/**
 * How stable are the numbers? Compare several bench-results JSON files row by row.
 *
 *   npx tsx bench/spread.ts run1.json run2.json run3.json [--markdown]
 *
 * For each row: the headline number of each run (requests/s; median ms for flows) and the host's
 * CPU ms per request, each with its spread = the largest deviation from the median of the runs,
 * in percent. Rows whose headline is beyond ±15 % are flagged. The speed column is the host core's
 * (bench/cores.ts) in the round that counted; for runs made unpinned, the bench process's.
 */
import { readFileSync } from 'node:fs';
import type { RowResult } from './rows.js';

const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const markdown = process.argv.includes('--markdown');
if (files.length < 2) {
  process.stderr.write('usage: npx tsx bench/spread.ts run1.json run2.json [run3.json …] [--markdown]\n');
  process.exit(2);
}

const runs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as { rows: RowResult[] });
const headline = (r: RowResult | undefined) => (r ? (r.kind === 'flow' ? r.medianMs : r.requestsPerSec) : undefined);
const ids = runs[0].rows.map((r) => r.id);

function spreadOf(values: number[]): { median: number; spread: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return { median, spread: median ? Math.max(...values.map((v) => Math.abs(v - median) / median)) * 100 : NaN };
}
const positive = (xs: (number | undefined)[]) => xs.filter((v): v is number => typeof v === 'number' && v > 0);
const fmt = (v: number) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v >= 10 ? v.toFixed(1) : v.toFixed(2));

const lines: string[][] = [];
let unstable = 0;
for (const id of ids) {
  const rows = runs.map((run) => run.rows.find((r) => r.id === id));
  const values = positive(rows.map(headline));
  const cpu = positive(rows.map((r) => r?.hostCpuMsPerRequest));
  const h = spreadOf(values);
  const c = spreadOf(cpu);
  const peakRss = rows.map((r) => (r?.hostPeakRssBytes ? `${Math.round(r.hostPeakRssBytes / 1048576)}` : '—')).join(' / ');
  if (!(h.spread <= 15)) unstable++;
  const first = rows[0]!;
  const unit = first.kind === 'flow' ? 'ms' : '/s';
  lines.push([
    `${first.title}${first.storage ? ` (${first.storage === 'memory' ? 'in-memory' : 'on-disk'})` : ''}`,
    `${values.map(fmt).join(' / ')} ${unit}`,
    `±${h.spread.toFixed(1)} %${h.spread > 15 ? ' ⚠' : ''}`,
    cpu.length ? `${cpu.map(fmt).join(' / ')}` : '—',
    cpu.length ? `±${c.spread.toFixed(1)} %` : '—',
    `${peakRss} MB`,
    rows.map((r) => (r?.otherCpuPct !== undefined ? `${r.otherCpuPct.toFixed(0)}` : '—')).join(' / ') + ' %',
    rows.map((r) => (r?.hostCore !== undefined ? `${Math.round(r.coreSpeeds![r.hostCore])} (core ${r.hostCore})` : r?.cpuSpeed !== undefined ? `${Math.round(r.cpuSpeed)}` : '—')).join(' / '),
    rows.map((r) => (r?.diskSyncMs !== undefined ? r.diskSyncMs.toFixed(2) : '—')).join(' / '),
  ]);
}

const header = ['Row', 'per run', 'spread', 'host CPU ms/req per run', 'spread', 'peak RSS per run', 'others\' CPU per run', 'host core speed per run', 'disk sync ms per run'];
if (markdown) {
  process.stdout.write(`| ${header.join(' | ')} |\n|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|\n`);
  for (const l of lines) process.stdout.write(`| ${l.join(' | ')} |\n`);
} else {
  const w = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  for (const l of [header, ...lines]) process.stdout.write(`${l.map((c, i) => c.padEnd(w[i])).join('  ')}\n`);
}
process.stdout.write(`\n${unstable} of ${lines.length} rows outside ±15 % (spread = largest deviation from the median of the runs)\n`);
