import type { Exchange } from '../types';

/**
 * Two recorded runs of the same flow, one per protocol version, side by side by step (the "What
 * changed" view's real half, beside its static table): what each version put on the wire in each
 * step, from the trace alone (DESIGN.md rule 3). Pure functions, so they are tested without a page.
 */

/** The profile of the service a recorded run talked to (the trace labels each exchange: Exchange.serviceProfile). */
export function profileOfRun(exchanges: readonly Exchange[]): string | undefined {
  return exchanges.find((e) => e.serviceProfile)?.serviceProfile;
}

/** One exchange as a line: who, method, path (its query elided), status. */
export function wireLine(e: Exchange): string {
  const u = new URL(e.url, 'http://x.invalid');
  return `${e.from} → ${e.method} ${u.pathname}${u.search ? '?…' : ''} ${e.status || (e.error ? 'no answer' : '')}`.trim();
}

export interface AlignedStep {
  /** The agent's step name on each side (`register`, `call_api-2`; "" for exchanges outside any step), or null: no step there. */
  v01Step: string | null;
  v06Step: string | null;
  v01: string[];
  v06: string[];
}

/** The step names of a run in the order they first appear on the wire. */
const stepOrder = (list: readonly Exchange[]) => [...new Set(list.map((e) => e.step ?? ''))];

/** The longest run of step names both sequences share, in order (LCS; a run has a few dozen steps at most). */
function sharedSteps(a: string[], b: string[]): string[] {
  const n = a.length;
  const m = b.length;
  const len = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) len[i][j] = a[i] === b[j] ? len[i + 1][j + 1] + 1 : Math.max(len[i + 1][j], len[i][j + 1]);
  const out: string[] = [];
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (a[i] === b[j]) (out.push(a[i]), i++, j++);
    else if (len[i + 1][j] >= len[i][j + 1]) i++;
    else j++;
  }
  return out;
}

/**
 * Align two runs by step: a step both versions take sits on one row; between two shared steps, what
 * each version does instead is paired row by row (v0.1's "You open the email" beside v0.6's "You sign
 * in at the service"), so the two columns tell the same story at the same height.
 */
export function alignByStep(v01: readonly Exchange[], v06: readonly Exchange[]): AlignedStep[] {
  const a = stepOrder(v01);
  const b = stepOrder(v06);
  const lines = (list: readonly Exchange[], step: string | null) =>
    step === null ? [] : list.filter((e) => (e.step ?? '') === step).map(wireLine);
  const row = (x: string | null, y: string | null): AlignedStep => ({ v01Step: x, v06Step: y, v01: lines(v01, x), v06: lines(v06, y) });
  const rows: AlignedStep[] = [];
  let i = 0;
  let j = 0;
  for (const anchor of [...sharedSteps(a, b), null]) {
    const gapA: string[] = [];
    const gapB: string[] = [];
    while (i < a.length && a[i] !== anchor) gapA.push(a[i++]);
    while (j < b.length && b[j] !== anchor) gapB.push(b[j++]);
    for (let k = 0; k < Math.max(gapA.length, gapB.length); k++) rows.push(row(gapA[k] ?? null, gapB[k] ?? null));
    if (anchor === null) break;
    rows.push(row(anchor, anchor));
    i++;
    j++;
  }
  return rows;
}
