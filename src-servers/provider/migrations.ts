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
];
