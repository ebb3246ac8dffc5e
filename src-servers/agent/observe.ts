import type { Exchange } from '../trace/types.js';
import type { UserActionKind } from './types.js';

/**
 * When the person acts in real pages (studio panes, a browser), the agent cannot see it — but
 * the studio's trace can. This reads a recorded exchange as "the person just did X", so the run
 * can show their progress. Only the code (provideOtp) and the provider's answer are ever *used*
 * by the agent; observations merely advance the person's own steps.
 */
export type Observation = UserActionKind | 'provider_activity';

const byPerson = (e: Exchange) => e.from === 'User' || e.from === 'External client';

export function observe(e: Exchange): Observation | undefined {
  // The provider tells the service about a revocation with a logout token (PROTOCOL.md §4: 200) or a SET (PROTOCOL-v0.6.md §4: 202).
  if (e.from === 'Provider' && e.to === 'Service' && e.method === 'POST' && (e.status === 200 || e.status === 202)) return 'revoke_grant';
  if (e.to === 'Provider' && e.method === 'DELETE' && e.status === 204) return 'revoke_grant';
  if (!byPerson(e)) return undefined;
  if (e.to === 'Provider') return 'provider_activity';
  if (e.to === 'Inbox' && e.method === 'GET' && e.status === 200) return 'open_mail';
  if (e.to === 'Service' && e.method === 'GET' && /[?&]token=/.test(e.url)) return 'open_link';
  if (e.to === 'Service' && e.method === 'POST' && e.status === 200 && /"challenge"/.test(e.responseBody ?? '')) return 'reveal_code';
  // v0.6 (PROTOCOL-v0.6.md §3): signed in at the service's /login (302 onward), the code confirmed on its claim page.
  if (e.to === 'Service' && e.method === 'POST' && e.status === 302 && /\/login$/.test(new URL(e.url).pathname)) return 'sign_in_service';
  if (e.to === 'Service' && e.method === 'POST' && e.status === 200 && /\/claim\/complete$/.test(new URL(e.url).pathname)) return 'enter_user_code';
  return undefined;
}
