import type { Router } from 'express';
import { PROVIDER_PATHS } from '../protocol/constants.js';
import type { RevokeGrantResult } from '../protocol/studio.js';
import type { Host } from './host.js';
import { StudioError } from './studioRuns.js';

/** The studio API's acts of the person (protocol/studio.ts): reading their inbox, revoking a grant at their provider. */
export function userRoutes(api: Router, host: Host, userFetch: () => typeof fetch): void {
  // The person's inbox, read as the User (a recorded request, as if their mail client fetched it).
  api.get('/inbox', async (_req, res) => {
    let r: globalThis.Response;
    try {
      r = await userFetch()(`${host.urls.mailbox}/messages`);
    } catch {
      throw new StudioError(502, 'mailbox_unavailable', 'The inbox did not answer; try again in a moment.');
    }
    res.status(r.status).type('application/json').send(await r.text());
  });

  // Revoking at the provider is the user's act: log in as the grant's user, DELETE the grant;
  // the provider then sends the logout token to the service (PROTOCOL.md §6, §4).
  api.post('/grants/:id/revoke', async (req, res) => {
    const id = String(req.params.id);
    const { grants, users } = host.provider.inspect() as { grants: Record<string, unknown>[]; users: Record<string, unknown>[] };
    const grant = grants.find((g) => g.id === id);
    if (!grant) throw new StudioError(404, 'not_found', `No grant ${id}.`);
    if (grant.status === 'revoked') throw new StudioError(409, 'already_revoked', `Grant ${id} is already revoked.`);
    // inspect() names the grant's user by email (or by id when the user is gone).
    const who = String(grant.user ?? '');
    const email = who.includes('@') ? who : (users.find((u) => u.id === who)?.email as string | undefined);
    if (!email) throw new StudioError(409, 'unknown_user', `Cannot tell which user holds grant ${id}.`);
    const f = userFetch();
    const login = await f(`${host.urls.provider}${PROVIDER_PATHS.login}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }),
    });
    if (!login.ok) throw new StudioError(502, 'provider_error', `Login as ${email} failed (${login.status}).`);
    const { session_token } = (await login.json()) as { session_token: string };
    const del = await f(`${host.urls.provider}${PROVIDER_PATHS.grants}/${encodeURIComponent(id)}`, {
      method: 'DELETE', headers: { authorization: `Bearer ${session_token}` },
    });
    if (!del.ok) {
      const text = await del.text();
      res.status(del.status).type('application/json').send(text || JSON.stringify({ error: 'provider_error', message: `DELETE answered ${del.status}` }));
      return;
    }
    res.json({ revoked: id } satisfies RevokeGrantResult);
  });
}
