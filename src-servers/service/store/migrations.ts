import type { Migration } from '../../db/sqlite.js';

/**
 * The service's schema. Times are epoch milliseconds. Every secret column holds a SHA-256 hex
 * digest, never the secret (PROTOCOL.md §7).
 */
export const serviceMigrations: Migration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE users (
  id           TEXT PRIMARY KEY,
  email        TEXT UNIQUE,          -- lowercased; stored only once verified
  phone_number TEXT UNIQUE,          -- stored only once verified
  name         TEXT,
  created_at   INTEGER NOT NULL
);

-- PROTOCOL.md §2 user matching: a provider's (iss, sub) maps to one of our users for good.
CREATE TABLE delegations (
  iss        TEXT NOT NULL,
  sub        TEXT NOT NULL,
  user_id    TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (iss, sub)
);

CREATE TABLE registrations (
  id               TEXT PRIMARY KEY,
  kind             TEXT NOT NULL CHECK (kind IN ('anonymous', 'email-verification', 'agent-provider')),
  status           TEXT NOT NULL CHECK (status IN ('pending', 'claimed', 'active', 'expired', 'revoked')),
  credential_type  TEXT NOT NULL CHECK (credential_type IN ('api_key', 'access_token')),
  user_id          TEXT REFERENCES users(id),
  email            TEXT,             -- verified-email: the asserted address
  iss              TEXT,             -- agent-provider: the ID-JAG issuer and subject
  sub              TEXT,
  claim_token_hash TEXT UNIQUE,
  expires_at       INTEGER,          -- an unclaimed registration expires (registrationTtlSeconds)
  created_at       INTEGER NOT NULL,
  claimed_at       INTEGER,
  ended_at         INTEGER
);
CREATE INDEX registrations_by_expiry ON registrations (status, expires_at);
CREATE INDEX registrations_by_delegation ON registrations (iss, sub);

CREATE TABLE credentials (
  id              TEXT PRIMARY KEY,
  registration_id TEXT NOT NULL REFERENCES registrations(id),
  type            TEXT NOT NULL CHECK (type IN ('api_key', 'access_token')),
  token_hash      TEXT NOT NULL UNIQUE,
  hint            TEXT NOT NULL,
  scopes          TEXT NOT NULL,     -- space-separated, read on every request so changes show at once
  expires_at      INTEGER,
  revoked_at      INTEGER,
  created_at      INTEGER NOT NULL
);
CREATE INDEX credentials_by_registration ON credentials (registration_id);

-- PROTOCOL.md §3: one row per /agent/auth/claim (or verified-email registration); the newest open one wins.
CREATE TABLE claim_attempts (
  id              TEXT PRIMARY KEY,
  registration_id TEXT NOT NULL REFERENCES registrations(id),
  token_hash      TEXT NOT NULL UNIQUE,   -- the cv_ token in the emailed link
  email           TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('open', 'superseded', 'completed')),
  link_expires_at INTEGER NOT NULL,
  otp_hash        TEXT,
  otp_expires_at  INTEGER,
  otp_failures    INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL
);
CREATE INDEX claim_attempts_by_registration ON claim_attempts (registration_id, status);

-- PROTOCOL.md §2: every accepted jti, kept until the token could no longer pass the exp check.
CREATE TABLE seen_jtis (
  iss        TEXT NOT NULL,
  jti        TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (iss, jti)
);

CREATE TABLE rate_limits (
  bucket       TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  count        INTEGER NOT NULL,
  PRIMARY KEY (bucket, window_start)
);

CREATE TABLE audit_events (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  at              INTEGER NOT NULL,
  type            TEXT NOT NULL,
  registration_id TEXT,
  detail          TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_by_registration ON audit_events (registration_id);
`,
  },
  {
    version: 2,
    sql: `
-- PROTOCOL.md §4: the last revocation of each delegation; ID-JAGs of it issued before then are refused.
CREATE TABLE revoked_delegations (
  iss        TEXT NOT NULL,
  sub        TEXT NOT NULL,
  aud        TEXT NOT NULL,
  revoked_at INTEGER NOT NULL,
  PRIMARY KEY (iss, sub, aud)
);
`,
  },
  {
    version: 3,
    sql: `
-- PROTOCOL-v0.6.md (a v0.6 service). Tables of their own, so one data dir may be opened by either
-- profile without one reading the other's rows; users and delegations are shared (§2 user matching).

-- §2: one row per registration; an ID-JAG row is per (iss, sub, aud), its id derived from the triple.
CREATE TABLE v06_registrations (
  id               TEXT PRIMARY KEY,
  type             TEXT NOT NULL CHECK (type IN ('anonymous', 'service_auth', 'identity_assertion')),
  status           TEXT NOT NULL CHECK (status IN ('pending', 'claimed', 'expired')),
  user_id          TEXT REFERENCES users(id),
  login_hint       TEXT,             -- service_auth: the hint; ID-JAG step-up: the matched account's email
  iss              TEXT,
  sub              TEXT,
  aud              TEXT,
  claims           TEXT,             -- ID-JAG: {email, email_verified, amr}, copied into service assertions
  claim_token_hash TEXT UNIQUE,      -- NULL once a SET took the claim handle away (§4 effect 2)
  expires_at       INTEGER,          -- the outer claim window; NULL once bound
  revoked_at       INTEGER,          -- the last SET for its triple (§4 beyond)
  created_at       INTEGER NOT NULL,
  claimed_at       INTEGER,
  ended_at         INTEGER
);
CREATE INDEX v06_registrations_by_triple ON v06_registrations (iss, sub, aud);
CREATE INDEX v06_registrations_by_expiry ON v06_registrations (status, expires_at);

-- §3: the ceremony; every start or restart supersedes the open attempt.
CREATE TABLE v06_claim_attempts (
  id              TEXT PRIMARY KEY,
  registration_id TEXT NOT NULL REFERENCES v06_registrations(id),
  token_hash      TEXT NOT NULL UNIQUE,   -- the cvt_ attempt token in verification_uri
  email           TEXT NOT NULL,          -- the hint the signed-in account must match
  user_code_hash  TEXT NOT NULL,
  code_expires_at INTEGER NOT NULL,
  link_expires_at INTEGER NOT NULL,
  failures        INTEGER NOT NULL DEFAULT 0,
  status          TEXT NOT NULL CHECK (status IN ('open', 'superseded', 'completed')),
  created_at      INTEGER NOT NULL
);
CREATE INDEX v06_claim_attempts_by_registration ON v06_claim_attempts (registration_id, status);

-- §5: at_ access tokens (hashes only, §7).
CREATE TABLE v06_access_tokens (
  id              TEXT PRIMARY KEY,
  registration_id TEXT NOT NULL REFERENCES v06_registrations(id),
  token_hash      TEXT NOT NULL UNIQUE,
  hint            TEXT NOT NULL,
  scopes          TEXT NOT NULL,
  expires_at      INTEGER NOT NULL,
  revoked_at      INTEGER,
  created_at      INTEGER NOT NULL
);
CREATE INDEX v06_access_tokens_by_registration ON v06_access_tokens (registration_id);

-- §2: every service assertion issued, so one issued before its registration's last SET never exchanges (§4 beyond).
CREATE TABLE v06_assertions (
  jti             TEXT PRIMARY KEY,
  registration_id TEXT NOT NULL REFERENCES v06_registrations(id),
  issued_at       INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL
);

-- §2, §7: the ES256 key that signs service assertions (this file is 0600, like the provider's key file).
CREATE TABLE service_signing_keys (
  kid         TEXT PRIMARY KEY,      -- RFC 7638 thumbprint
  private_jwk TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);

-- §9: per-data-dir secrets (the session cookie's signing key).
CREATE TABLE service_secrets (
  name       TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

-- §3: /login sessions; the cookie carries the id, the table its hash.
CREATE TABLE v06_sessions (
  id_hash    TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id),
  expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
`,
  },
];
