/**
 * The trace as a Mermaid sequence diagram (https://mermaid.js.org/syntax/sequenceDiagram.html):
 * one solid arrow per request, one dashed arrow per answer (in wire order, so calls made while
 * handling a request sit inside it), a note when the flow's step changes.
 * Drawn only from what was recorded (DESIGN.md rule 3).
 */
import { ACTORS, type Actor, type Exchange } from '../types.js';
import { wireEvents } from './order.js';
import { requestLabel, responseSummary, traceProfiles } from './summary.js';

/** Mermaid ids cannot hold spaces; the lifeline keeps its full name as the alias. */
const IDS: Record<Actor, string> = {
  User: 'User', Agent: 'Agent', Provider: 'Provider', Service: 'Service', Inbox: 'Inbox', 'External client': 'External',
};
const MAX_TEXT = 90;

/**
 * Message text that Mermaid takes literally: it ends a message at `;`, `#` and newlines, reads `%%`
 * as a comment and `<br>` as a line break, so those become Mermaid's entity codes (`#35;` …).
 */
export function mermaidText(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const short = oneLine.length > MAX_TEXT ? `${oneLine.slice(0, MAX_TEXT - 1)}…` : oneLine;
  const escaped = short.replace(/[#;:"'%<>]/g, (c) => `#${c.codePointAt(0)};`);
  return escaped || ' ';
}

export function toMermaid(exchanges: Exchange[]): string {
  const present = new Set(exchanges.flatMap((e) => [e.from, e.to]));
  // The five roles always, in a fixed order, so every diagram reads the same way; outsiders when they came.
  const lifelines = ACTORS.filter((a) => a !== 'External client' || present.has(a));
  // The Service is named by the profile that answered ("Service (v0.6)", DESIGN.md rule 8); a trace
  // that reached both services side by side (PROTOCOL-v0.6.md §9) gets one Service lifeline per profile.
  const profiles = traceProfiles(exchanges);
  const serviceId = (profile: string | undefined) => (profiles.length > 1 && profile ? `Service_${profile.replace(/\W/g, '_')}` : 'Service');
  const id = (a: Actor, e: Exchange) => (a === 'Service' ? serviceId(e.serviceProfile) : IDS[a]);
  const lines = ['sequenceDiagram'];
  const ids: string[] = [];
  for (const a of lifelines) {
    if (a === 'User') lines.push('  actor User');
    else if (a === 'Service' && profiles.length) {
      const plain = exchanges.some((e) => (e.from === 'Service' || e.to === 'Service') && !e.serviceProfile);
      if (plain && profiles.length > 1) lines.push('  participant Service');
      for (const p of profiles) lines.push(`  participant ${serviceId(p)} as ${mermaidText(`Service (${p})`)}`);
      if (plain && profiles.length > 1) ids.push('Service');
      ids.push(...profiles.map(serviceId));
      continue;
    } else lines.push(IDS[a] === a ? `  participant ${a}` : `  participant ${IDS[a]} as ${a}`);
    ids.push(IDS[a]);
  }
  const span = `${ids[0]},${ids[ids.length - 1]}`;

  let step: string | undefined;
  // Requests and answers in wire order: a nested call sits between its caller's request and answer.
  for (const { kind, exchange: e } of wireEvents(exchanges)) {
    const from = id(e.from, e);
    const to = id(e.to, e);
    if (kind === 'request') {
      if (e.step && e.step !== step) lines.push(`  Note over ${span}: ${mermaidText(`step: ${e.step}`)}`);
      step = e.step ?? step;
      const who = e.from === 'External client' && e.fromLabel ? ` (${e.fromLabel})` : '';
      const where = e.to === 'External client' && e.toLabel ? ` (${e.toLabel})` : '';
      lines.push(`  ${from}->>${to}: ${mermaidText(`${requestLabel(e)}${who}${where}`)}`);
    } else {
      // No answer at all (connection refused, timeout): a dashed cross instead of a dashed arrow.
      lines.push(`  ${to}${e.status === 0 ? '--x' : '-->>'}${from}: ${mermaidText(responseSummary(e))}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
