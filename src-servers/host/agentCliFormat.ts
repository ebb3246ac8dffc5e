import type { Exchange } from '../trace/types.js';
import { AGENT_FLOWS, SCENARIOS, type RunState, type StepState } from '../agent/index.js';
import { peek, findJwts } from '../agent/tokens.js';

/**
 * The CLI's human-readable printout: each step with its explanation, its requests and status
 * codes, and the tokens on the wire decoded. Colour only on a terminal, and modest.
 */

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  ok(s: string): string;
  bad(s: string): string;
  warn(s: string): string;
}

export function makeStyle(colour: boolean): Style {
  const wrap = (open: number, close: number) => (s: string) => (colour ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { bold: wrap(1, 22), dim: wrap(2, 22), ok: wrap(32, 39), bad: wrap(31, 39), warn: wrap(33, 39) };
}

const WIDTH = 96;

function wrapText(text: string, indent: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && (indent + line + ' ' + w).length > WIDTH) {
      lines.push(indent + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

const STATUS_MARK: Record<StepState['status'], string> = {
  pending: '·', active: '…', waiting: '⏸', done: '✓', failed: '✗', skipped: '–',
};

function statusText(st: Style, s: StepState['status']): string {
  const mark = `${STATUS_MARK[s]} ${s}`;
  return s === 'done' ? st.ok(mark) : s === 'failed' ? st.bad(mark) : s === 'waiting' ? st.warn(mark) : st.dim(mark);
}

function httpStatus(st: Style, status: number): string {
  const t = String(status || 'no answer');
  return status >= 200 && status < 300 ? st.ok(t) : status >= 400 || !status ? st.bad(t) : st.warn(t);
}

/** Tokens on the wire: the trace's decoding when it has one, else our own (wrapper-recorded exchanges). */
function tokensOf(e: Exchange): { where: string; header: Record<string, unknown>; claims: Record<string, unknown>; signature?: string }[] {
  if (e.jwts?.length)
    return e.jwts.map((j) => ({ where: j.where, header: j.header, claims: j.claims, signature: j.signature?.status }));
  const texts: [string, string | null | undefined][] = [
    ['request', e.requestBody], ['response', e.responseBody], ['authorization', e.requestHeaders?.authorization],
  ];
  return texts.flatMap(([where, text]) =>
    findJwts(text).flatMap((t) => {
      const d = peek(t);
      return d ? [{ where, ...d }] : [];
    }),
  );
}

/** Times as ISO too, so a learner can read iat/exp at a glance. */
function claimValue(key: string, v: unknown): string {
  const json = JSON.stringify(v);
  return ['iat', 'exp', 'nbf', 'auth_time'].includes(key) && typeof v === 'number' ? `${json}  (${new Date(v * 1000).toISOString()})` : json;
}

export function formatStep(st: Style, index: number, step: StepState, exchanges: Exchange[], said: string[]): string {
  const out: string[] = [];
  out.push(`${st.bold(`${String(index + 1).padStart(2)}. ${step.title}`)}  ${statusText(st, step.status)}  ${st.dim(`(${step.name})`)}`);
  out.push(st.dim(wrapText(step.explanation, '    ')));
  for (const e of exchanges) {
    const who = `${e.from} → ${e.to === 'External client' ? new URL(e.url).host : e.to}`;
    out.push(`    ${st.dim(who.padEnd(20))} ${e.method.padEnd(6)} ${e.url}  ${httpStatus(st, e.status)}`);
    for (const t of tokensOf(e)) {
      out.push(`      ${st.warn('JWT')} in ${t.where}${t.signature ? ` (signature ${t.signature})` : ''}`);
      out.push(`        header ${JSON.stringify(t.header)}`);
      out.push('        claims');
      for (const [k, v] of Object.entries(t.claims)) out.push(`          ${k.padEnd(16)} ${claimValue(k, v)}`);
    }
  }
  for (const line of said) out.push(wrapText(`“${line}”`, '    '));
  if (step.detail) out.push(`    ${st.dim('→')} ${step.detail}`);
  return out.join('\n');
}

export function formatOutcome(st: Style, s: RunState): string {
  const lines: string[] = [];
  // DESIGN.md rule 8: which protocol the service spoke, as its metadata said.
  if (s.profile) lines.push(st.bold(`Profile: ${s.profile}`) + ' (read from the authorization server metadata)');
  if (s.decision) {
    lines.push(st.bold(`Decision: ${s.decision.method}`));
    for (const why of s.decision.why) lines.push(`  - ${why}`);
  }
  const ok = s.outcome?.ok;
  lines.push(ok ? st.ok(st.bold('Outcome: success')) : st.bad(st.bold('Outcome: failure')));
  lines.push(wrapText(s.outcome?.summary ?? '(no outcome)', '  '));
  return lines.join('\n');
}

export function formatList(): string {
  const lines = ['Flows:'];
  for (const f of AGENT_FLOWS) {
    lines.push(`  ${f.id.padEnd(16)} ${f.title} [${Object.keys(f.profiles).join(', ')}]`);
    lines.push(wrapText(f.summary, '                   '));
  }
  lines.push('', 'Scenarios (--scenario NAME; the flow follows from the scenario):');
  for (const s of SCENARIOS) {
    lines.push(`  ${s.id.padEnd(20)} [${s.flow}; ${s.profiles.join(', ')}] ${s.title}`);
    lines.push(wrapText(`Expected: ${s.expected} Remedy: ${s.remedy}`, '                       '));
  }
  return lines.join('\n');
}
