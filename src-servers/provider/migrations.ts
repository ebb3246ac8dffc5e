import type { Migration } from '../db/sqlite.js';

/**
 * The provider's own tables (DESIGN.md rule 5). Times are epoch milliseconds from `deps.now`.
 * Session tokens are stored only as SHA-256 hashes (PROTOCOL.md §7 spirit: plaintext leaves once).
 */
export const providerMigrations: Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE users (
        id             TEXT PRIMARY KEY,
        email          TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name           TEXT NOT NULL,
        email_verified INTEGER NOT NULL,
        amr            TEXT NOT NULL            -- JSON array, RFC 8176 values
      );
      -- PROTOCOL.md §6 — the seeded users.
      INSERT INTO users (id, email, name, email_verified, amr) VALUES
        ('usr_alice', 'alice@example.com', 'Alice Example', 1, '["mfa"]'),
        ('usr_bob',   'bob@example.com',   'Bob Example',   1, '["pwd"]'),
        ('usr_carol', 'carol@example.com', 'Carol Example', 0, '["pwd"]');

      CREATE TABLE sessions (
        id         TEXT PRIMARY KEY,            -- the OIDC "sid"; not a secret
        token_hash TEXT NOT NULL UNIQUE,        -- SHA-256 of the bearer session_token
        user_id    TEXT NOT NULL REFERENCES users(id),
        auth_time  INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );

      CREATE TABLE grants (
        id                TEXT PRIMARY KEY,
        user_id           TEXT NOT NULL REFERENCES users(id),
        audience          TEXT NOT NULL,
        mode              TEXT NOT NULL CHECK (mode IN ('once', 'always')),
        revocation_uri    TEXT,
        created_at        INTEGER NOT NULL,
        consumed_at       INTEGER,
        revoked_at        INTEGER,
        revocation_result TEXT                  -- JSON: what the service answered to the logout token
      );
      CREATE INDEX grants_by_user_audience ON grants (user_id, audience);

      CREATE TABLE consent_requests (
        id             TEXT PRIMARY KEY,
        user_id        TEXT NOT NULL REFERENCES users(id),
        audience       TEXT NOT NULL,
        resource_name  TEXT,
        revocation_uri TEXT,
        mode           TEXT CHECK (mode IN ('once', 'always')),
        status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied')),
        grant_id       TEXT REFERENCES grants(id),
        created_at     INTEGER NOT NULL,
        decided_at     INTEGER
      );
    `,
  },
  {
    version: 2,
    sql: `
      -- PROTOCOL-v0.6.md §6 — every ID-JAG carries auth_time: the user's last POST /login (epoch ms here).
      -- A user who signed in before this migration keeps that time; the rest get the seed time when the
      -- provider next starts (users.ts seedAuthTimes), since SQL here has no access to the provider's clock.
      ALTER TABLE users ADD COLUMN auth_time INTEGER;
      UPDATE users SET auth_time = (SELECT MAX(s.auth_time) FROM sessions s WHERE s.user_id = users.id);

      -- PROTOCOL-v0.6.md §6 — a v0.6 service's events_endpoint: revocation is a SET (RFC 8417) pushed there
      -- (RFC 8935), where a v0.1 grant's revocation_uri gets a logout token. At most one of the two is set.
      ALTER TABLE grants ADD COLUMN events_uri TEXT;
      ALTER TABLE consent_requests ADD COLUMN events_uri TEXT;
    `,
  },
];
