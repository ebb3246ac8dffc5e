import { GRANT_TYPE_CLAIM } from '../../../protocol/v0.6/constants.js';
import { errorCode, type HttpResult } from '../../http.js';

/**
 * Polling the claim grant (PROTOCOL-v0.6.md §5), the RFC 8628 §3.4–3.5 way: no faster than
 * `interval`, five seconds slower after each slow_down, stop at expired_token or when the code's
 * lifetime is spent. A pure loop over a `post` and a `sleep`, so its pacing can be checked without a clock.
 */

export interface PollOptions {
  tokenEndpoint: string;
  claimToken: string;
  /** Seconds between polls, as the ceremony block said. */
  interval: number;
  /** Seconds the user_code lives: past this, polling on is pointless. */
  expiresIn: number;
  /** When the last poll was sent (ms since the epoch): the first poll waits out the rest of the interval. */
  lastPollAt?: number;
  /** At most this many polls (a lesson's "poll once now"). */
  maxPolls?: number;
  post(url: string, form: Record<string, string>): Promise<HttpResult>;
  sleep(ms: number): Promise<void>;
  now?: () => number;
  /** Told each answer that means "not yet", with the interval now in force. */
  onPending?(code: 'authorization_pending' | 'slow_down', interval: number, answer: HttpResult): void;
}

export type PollOutcome =
  | { kind: 'granted'; answer: HttpResult; polls: number }
  | { kind: 'pending'; answer: HttpResult; polls: number; interval: number }
  | { kind: 'expired'; answer: HttpResult; polls: number }
  | { kind: 'error'; answer: HttpResult; polls: number }
  | { kind: 'timed_out'; polls: number; interval: number };

/** RFC 8628 §3.5 — slow_down: the interval grows by 5 seconds for this and every later request. */
export const SLOW_DOWN_SECONDS = 5;

export async function pollClaimGrant(o: PollOptions): Promise<PollOutcome> {
  const now = o.now ?? Date.now;
  let interval = Math.max(1, o.interval);
  let waited = 0;
  let last = o.lastPollAt;
  let answer: HttpResult | undefined;
  for (let polls = 0; ; ) {
    if (o.maxPolls !== undefined && polls >= o.maxPolls) return { kind: 'pending', answer: answer!, polls, interval };
    // RFC 8628 §3.5: "the client MUST wait at least the number of seconds specified by interval".
    const rest = last === undefined ? 0 : Math.max(0, interval * 1000 - (now() - last));
    if (waited + rest > o.expiresIn * 1000) return { kind: 'timed_out', polls, interval };
    if (rest > 0) {
      await o.sleep(rest);
      waited += rest;
    }
    answer = await o.post(o.tokenEndpoint, { grant_type: GRANT_TYPE_CLAIM, claim_token: o.claimToken });
    last = now();
    polls++;
    if (answer.status === 200 && typeof answer.json?.access_token === 'string') return { kind: 'granted', answer, polls };
    const code = errorCode(answer);
    if (code === 'authorization_pending' || code === 'slow_down') {
      if (code === 'slow_down') interval += SLOW_DOWN_SECONDS;
      o.onPending?.(code, interval, answer);
      continue;
    }
    if (code === 'expired_token') return { kind: 'expired', answer, polls };
    return { kind: 'error', answer, polls };
  }
}
