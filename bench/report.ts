/** The machine the numbers came from, and the tables they are printed in. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { RowResult } from './rows.js';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  node: string;
  os: string;
  commit: string | null;
}

export function machineInfo(): Machine {
  let commit: string | null = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    commit = null;
  }
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    commit,
  };
}

const int = (n: number | undefined) => (n === undefined ? '—' : Math.round(n).toLocaleString('en-US'));
const ms = (n: number | undefined) => (n === undefined ? '—' : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : Math.round(n).toString());
const cpu = (n: number | undefined) => (n === undefined ? '—' : n < 1 ? n.toFixed(3) : n < 10 ? n.toFixed(2) : n.toFixed(1));
const mb = (n: number | undefined) => (n === undefined ? '—' : `${Math.round(n / 1024 / 1024)} MB`);
const rssRange = (r: RowResult) =>
  r.hostPeakRssBytes === undefined ? '—' : r.hostIdleRssBytes ? `${Math.round(r.hostIdleRssBytes / 1048576)} → ${mb(r.hostPeakRssBytes)}` : mb(r.hostPeakRssBytes);
const storage = (r: RowResult) => (r.storage === 'memory' ? 'in-memory' : r.storage === 'disk' ? 'on-disk' : '—');

function table(header: string[], rows: string[][], rightAligned: number[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (rightAligned.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (rightAligned.includes(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Markdown tables (they read fine in a terminal too). */
export function formatTables(rows: RowResult[]): string {
  const out: string[] = [];
  const load = rows.filter((r) => r.kind === 'load');
  if (load.length)
    out.push(
      table(
        ['Row', 'Storage', 'req/s', 'p50 ms', 'p99 ms', 'host CPU ms/req', 'host RSS idle → peak', 'notes'],
        load.map((r) => [r.title, storage(r), int(r.requestsPerSec), ms(r.p50Ms), ms(r.p99Ms), cpu(r.hostCpuMsPerRequest), rssRange(r), notes(r)]),
        [2, 3, 4, 5, 6],
      ),
    );
  const flows = rows.filter((r) => r.kind === 'flow');
  if (flows.length)
    out.push(
      table(
        ['Flow (end to end)', 'Storage', 'runs', 'median ms', 'p99 ms', 'host CPU ms/flow', 'host RSS idle → peak', 'notes'],
        flows.map((r) => [r.title, storage(r), r.error && !r.succeeded ? '0' : `${r.succeeded ?? 0}/${r.runs ?? 0}`, ms(r.medianMs), ms(r.p99Ms), cpu(r.hostCpuMsPerRequest), rssRange(r), notes(r)]),
        [2, 3, 4, 5, 6],
      ),
    );
  const floors = rows.filter((r) => r.kind === 'floor');
  if (floors.length)
    out.push(
      table(
        ['Cost floor', 'per second', 'p50 ms', 'p99 ms', 'CPU ms/op', 'RSS idle → peak', 'notes'],
        floors.map((r) => [r.title, int(r.requestsPerSec), ms(r.p50Ms), ms(r.p99Ms), cpu(r.hostCpuMsPerRequest), rssRange(r), notes(r)]),
        [1, 2, 3, 4, 5],
      ),
    );
  return out.join('\n\n');
}

function notes(r: RowResult): string {
  const parts: string[] = [];
  if (r.error) parts.push(`FAILED: ${r.error.split('\n')[0].slice(0, 160)}`);
  if (r.non2xx) {
    const codes = Object.entries(r.statusCodes ?? {})
      .filter(([c]) => !c.startsWith('2'))
      .map(([c, n]) => `${n}×${c}`);
    parts.push(`non-2xx ${codes.join(' ')}`);
  }
  if (r.errors) parts.push(`${r.errors} socket errors`);
  if (r.durationS !== undefined && r.requests !== undefined) parts.push(`${int(r.requests)} in ${r.durationS.toFixed(1)} s`);
  if (r.otherCpuPct !== undefined && r.otherCpuPct >= 5) parts.push(`others used ${r.otherCpuPct.toFixed(0)} % CPU`);
  return parts.join('; ');
}

export function formatMachine(m: Machine): string {
  return `${m.cpuModel}, ${m.cores} cores, ${(m.memoryBytes / 1024 ** 3).toFixed(1)} GB RAM, Node ${m.node}, ${m.os}${m.commit ? `, commit ${m.commit}` : ''}`;
}
