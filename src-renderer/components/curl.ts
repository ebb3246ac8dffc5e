import type { Exchange } from '../types';

/** Headers a person would type; the rest (hop-by-hop, browser noise, our studio headers) are left out. */
const KEEP = new Set(['content-type', 'authorization', 'accept', 'cookie', 'dpop']);

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The request headers a replay sends (curl, fetch and Python alike). */
export function replayHeaders(e: Exchange): [string, string][] {
  return Object.entries(e.requestHeaders).filter(([name]) => KEEP.has(name.toLowerCase()));
}

/** A curl command that replays the request exactly (real secrets included: it is meant to be run). */
export function curlCommand(e: Exchange): string | null {
  if (e.method === 'SMTP') return null;
  const parts = ['curl -i'];
  if (e.method !== 'GET' || e.requestBody) parts.push(`-X ${e.method}`);
  parts.push(quote(e.url));
  for (const [name, value] of replayHeaders(e)) parts.push(`-H ${quote(`${name}: ${value}`)}`);
  if (e.requestBody) parts.push(`--data-raw ${quote(e.requestBody)}`);
  return parts.join(' \\\n  ');
}

/** Copy text; falls back to a hidden textarea where the async clipboard is not allowed. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}
