/**
 * Setting the stage for a row, over plain HTTP like any client (not measured): credentials for the
 * resource rows, and pending claims whose OTP we already know for the claim/complete row.
 * The bench knows the protocol's paths (PROTOCOL.md); it is a load generator, not an agent.
 */
import { MAILBOX_PATHS, SERVICE_PATHS, TOKEN_TYPE_ID_JAG } from '../src-servers/protocol/constants.js';

async function postJson(url: string, body: unknown, expect = 200): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== expect) throw new Error(`POST ${url} → ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Run `fn` over 0..count-1 with at most `limit` in flight. */
export async function mapLimit<T>(count: number, limit: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return out;
}

export const ANONYMOUS_BODY = JSON.stringify({ type: 'anonymous', requested_credential_type: 'api_key' });

export async function registerAnonymous(service: string): Promise<{ credential: string; claim_token: string }> {
  return postJson(`${service}${SERVICE_PATHS.register}`, JSON.parse(ANONYMOUS_BODY));
}

export function idJagBody(assertion: string, credentialType: 'access_token' | 'api_key' = 'access_token'): string {
  return JSON.stringify({
    type: 'identity_assertion',
    assertion_type: TOKEN_TYPE_ID_JAG,
    assertion,
    requested_credential_type: credentialType,
  });
}

export async function registerWithIdJag(service: string, assertion: string): Promise<{ credential: string }> {
  return postJson(`${service}${SERVICE_PATHS.register}`, JSON.parse(idJagBody(assertion, 'access_token')));
}

export function verifiedEmailBody(email: string): string {
  return JSON.stringify({
    type: 'identity_assertion',
    assertion_type: 'verified_email',
    assertion: email,
    requested_credential_type: 'api_key',
  });
}

export interface PendingClaim {
  claim_token: string;
  otp: string;
}

const CLAIM_LINK_TOKEN = /[?&]token=(cv_[A-Za-z0-9_\-.~%]+)/;
const BENCH_ADDRESS = /claim-[a-z0-9]+-\d+@bench\.example/i;

/** Read the claim links the service mailed, by recipient; empties the mailbox afterwards. */
async function collectClaimLinks(mailbox: string, wanted: Set<string>): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let attempt = 0; attempt < 50 && found.size < wanted.size; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(`${mailbox}${MAILBOX_PATHS.messages}`);
    if (!res.ok) throw new Error(`GET ${mailbox}${MAILBOX_PATHS.messages} → ${res.status}`);
    const messages = (await res.json()) as { to: unknown; text?: string; html?: string }[];
    for (const m of messages) {
      const to = JSON.stringify(m.to).match(BENCH_ADDRESS)?.[0]?.toLowerCase();
      const token = (m.text ?? m.html ?? '').match(CLAIM_LINK_TOKEN)?.[1];
      if (to && token && wanted.has(to) && !found.has(to)) found.set(to, decodeURIComponent(token));
    }
  }
  if (found.size < wanted.size) throw new Error(`only ${found.size} of ${wanted.size} claim mails arrived in the mailbox`);
  await fetch(`${mailbox}${MAILBOX_PATHS.messages}`, { method: 'DELETE' });
  return found;
}

/**
 * `count` anonymous registrations, each with a claim in flight and a fresh OTP minted by the
 * challenge endpoint (what the person's claim page does) — ready for exactly one /claim/complete.
 */
export async function preparePendingClaims(
  urls: { service: string; mailbox: string },
  count: number,
  opts: { deadline?: number; onProgress?: (done: number) => void } = {},
): Promise<PendingClaim[]> {
  const tag = Math.random().toString(36).slice(2, 8);
  const out: PendingClaim[] = [];
  // Wide: every claim mail waits ~100 ms for the SMTP greeting (latency, not CPU), so many in flight.
  const batch = 150; // small enough that the deadline is checked often
  const inFlight = 48;
  // Stop at the deadline (performance.now() ms) even short of `count`: each claim costs a mail.
  for (let start = 0; start < count && !(opts.deadline && performance.now() > opts.deadline); start += batch) {
    const n = Math.min(batch, count - start);
    const started = await mapLimit(n, inFlight, async (k) => {
      const email = `claim-${tag}-${start + k}@bench.example`;
      const reg = await registerAnonymous(urls.service);
      await postJson(`${urls.service}${SERVICE_PATHS.claim}`, { claim_token: reg.claim_token, email });
      return { email, claim_token: reg.claim_token };
    });
    const links = await collectClaimLinks(urls.mailbox, new Set(started.map((s) => s.email)));
    const ready = await mapLimit(n, inFlight, async (k) => {
      const s = started[k];
      const challenge = await postJson(`${urls.service}${SERVICE_PATHS.claimChallenge}`, {
        claim_attempt_token: links.get(s.email),
      });
      return { claim_token: s.claim_token, otp: String(challenge.challenge) };
    });
    out.push(...ready);
    opts.onProgress?.(out.length);
  }
  return out;
}
