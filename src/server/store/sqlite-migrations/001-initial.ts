// The first schema. Keys, ids, bodies and signatures are stored as the base64url TEXT the wire
// carries: no re-encoding on the hot path, and rows read back byte-for-byte as they were given.
// Times are integer milliseconds since the Unix epoch. Tables are STRICT so a wrong type fails
// loudly instead of being coerced.
import type { SqliteMigration } from '../../../shared/sqlite-migrations'

export const migration: SqliteMigration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  handle TEXT NOT NULL UNIQUE,
  login_public_key TEXT NOT NULL,
  salt TEXT NOT NULL,
  kdf_alg TEXT NOT NULL,
  kdf_ops_limit INTEGER NOT NULL,
  kdf_mem_limit INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_by_account ON sessions (account_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE challenges (
  id TEXT PRIMARY KEY,
  handle TEXT NOT NULL,
  nonce TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX challenges_by_handle ON challenges (handle);
CREATE INDEX challenges_by_expiry ON challenges (expires_at);

-- created_by goes to NULL with its account, so a surviving invite keeps no link to it.
CREATE TABLE enclaves (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('vault', 'identity', 'invite')),
  version INTEGER NOT NULL CHECK (version >= 1),
  owner_key TEXT NOT NULL,
  body TEXT NOT NULL,
  signature TEXT NOT NULL,
  expires_at INTEGER,
  updated_at INTEGER NOT NULL,
  created_by TEXT REFERENCES accounts (id) ON DELETE SET NULL
) STRICT;
CREATE INDEX enclaves_by_creator ON enclaves (created_by) WHERE created_by IS NOT NULL;
CREATE INDEX enclaves_by_expiry ON enclaves (expires_at) WHERE expires_at IS NOT NULL;

-- created_by is not a foreign key: a stream outlives the account that created it.
CREATE TABLE streams (
  id TEXT PRIMARY KEY,
  post_key TEXT,
  read_key TEXT NOT NULL,
  admin_key TEXT NOT NULL,
  permanent INTEGER NOT NULL CHECK (permanent IN (0, 1)),
  max_burn_seconds INTEGER NOT NULL,
  key_version INTEGER NOT NULL DEFAULT 1,
  head_seq INTEGER NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE stream_key_history (
  stream_id TEXT NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
  key_version INTEGER NOT NULL,
  read_key TEXT NOT NULL,
  until_seq INTEGER NOT NULL,
  PRIMARY KEY (stream_id, key_version)
) STRICT, WITHOUT ROWID;

CREATE TABLE shards (
  id TEXT PRIMARY KEY,
  stream_id TEXT NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  body TEXT NOT NULL,
  burn_at INTEGER,
  received_at INTEGER NOT NULL,
  signature TEXT
) STRICT;
CREATE UNIQUE INDEX shards_by_stream_seq ON shards (stream_id, seq);
CREATE INDEX shards_by_burn ON shards (burn_at) WHERE burn_at IS NOT NULL;

CREATE TABLE secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
`,
}
