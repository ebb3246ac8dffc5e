/**
 * PROTOCOL-v0.6.md §6: every ID-JAG carries `auth_time`, the epoch seconds of the user's last
 * POST /login — so a fresh sign-in is what cures a v0.6 service's 401 login_required, even for an
 * agent still holding an older session. Both minting paths (POST /id-jag, RFC 8693 token exchange).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GRANT_TYPE_TOKEN_EXCHANGE, TOKEN_TYPE_ID_JAG, TOKEN_TYPE_ID_TOKEN } from '../../src-servers/protocol/constants.js';
import { openDatabase } from '../../src-servers/db/sqlite.js';
import { providerMigrations } from '../../src-servers/provider/index.js';
import { sha256 } from '../../src-servers/provider/context.js';
import { AUDIENCE, call, login, startProvider, type RunningProvider } from './helpers.js';

let p: RunningProvider;
beforeEach(async () => {
  p = await startProvider();
});
afterEach(() => p.close());

const mint = async (session: string) => {
  const r = await call('POST', `${p.base}/id-jag`, { bearer: session, json: { audience: AUDIENCE } });
  expect(r.status).toBe(200);
  return decodeJwt(r.json.assertion);
};

const exchange = async (idToken: string) => {
  const r = await call('POST', `${p.base}/oauth2/token`, {
    form: {
      grant_type: GRANT_TYPE_TOKEN_EXCHANGE,
      subject_token: idToken,
      subject_token_type: TOKEN_TYPE_ID_TOKEN,
      requested_token_type: TOKEN_TYPE_ID_JAG,
      audience: AUDIENCE,
    },
  });
  expect(r.status).toBe(200);
  return decodeJwt(r.json.access_token);
};

describe('ID-JAG auth_time (PROTOCOL-v0.6.md §6)', () => {
  it('is the sign-in time, and a later sign-in moves it for ID-JAGs minted on the older session too', async () => {
    const signedInAt = p.clock.seconds;
    const first = await login(p.base, 'alice@example.com');
    await call('POST', `${p.base}/grants`, { bearer: first.session_token, json: { audience: AUDIENCE, mode: 'always' } });

    p.clock.advance(600);
    const early = await mint(first.session_token);
    expect(early.auth_time).toBe(signedInAt);
    expect(early.iat).toBe(signedInAt + 600);

    // Later the user signs in again (the remedy for login_required): every ID-JAG now says so, even
    // one minted on the first session or from its ID token (still within its hour).
    p.clock.advance(1800);
    const again = await login(p.base, 'alice@example.com');
    const resignedAt = p.clock.seconds;
    p.clock.advance(5);
    expect((await mint(again.session_token)).auth_time).toBe(resignedAt);
    expect((await mint(first.session_token)).auth_time).toBe(resignedAt);
    expect((await exchange(first.id_token)).auth_time).toBe(resignedAt);
  });

  it("is one user's own: bob signing in does not freshen alice's", async () => {
    const alice = await login(p.base, 'alice@example.com');
    const aliceAt = p.clock.seconds;
    await call('POST', `${p.base}/grants`, { bearer: alice.session_token, json: { audience: AUDIENCE, mode: 'always' } });
    p.clock.advance(3000);
    await login(p.base, 'bob@example.com');
    const jag = await mint(alice.session_token);
    expect(typeof jag.auth_time).toBe('number');
    expect(jag.auth_time).toBe(aliceAt);
  });
});

describe('migration 2 on an existing provider database', () => {
  it("gives a user who signed in before it their session's time, and the rest the seed time", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prov-auth-time-'));
    const file = join(dir, 'provider.db');
    const signedInBefore = Date.parse('2029-12-31T23:00:00Z');
    try {
      const v1 = openDatabase(file, providerMigrations.filter((m) => m.version === 1));
      v1.prepare('INSERT INTO sessions (id, token_hash, user_id, auth_time, expires_at) VALUES (?, ?, ?, ?, ?)').run(
        'sid_old', sha256('ses_old'), 'usr_alice', signedInBefore, signedInBefore + 86_400_000,
      );
      v1.close();

      await p.close();
      p = await startProvider({ dbFile: file });
      expect(p.db.pragma('user_version', { simple: true })).toBe(2);
      const rows = Object.fromEntries(
        (p.db.prepare('SELECT id, auth_time FROM users').all() as { id: string; auth_time: number }[]).map((r) => [r.id, r.auth_time]),
      );
      expect(rows).toEqual({ usr_alice: signedInBefore, usr_bob: p.clock.ms, usr_carol: p.clock.ms });
      await call('POST', `${p.base}/grants`, { bearer: 'ses_old', json: { audience: AUDIENCE, mode: 'always' } });
      expect((await mint('ses_old')).auth_time).toBe(Math.floor(signedInBefore / 1000));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
