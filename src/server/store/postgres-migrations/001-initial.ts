// The first PostgreSQL schema, the same records as SQLite's: base64url TEXT as the wire carries
// it, BIGINT milliseconds. Shards are one plain table, not partitioned on burn_at: a shard id
// must stay unique across all shards and (stream_id, seq) unique per stream, and PostgreSQL
// enforces unique keys across partitions only when they contain the partition key. Burned rows
// go by index-driven DELETEs in small SKIP LOCKED batches instead (docs/OPERATIONS.md).
import type { PostgresMigration } from './migration'

export const migration: PostgresMigration = {
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
  kdf_mem_limit BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_account ON sessions (account_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE challenges (
  id TEXT PRIMARY KEY,
  handle TEXT NOT NULL,
  nonce TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX challenges_by_handle ON challenges (handle);
CREATE INDEX challenges_by_expiry ON challenges (expires_at);

CREATE TABLE enclaves (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('vault', 'identity', 'invite')),
  version INTEGER NOT NULL CHECK (version >= 1),
  owner_key TEXT NOT NULL,
  body TEXT NOT NULL,
  signature TEXT NOT NULL,
  expires_at BIGINT,
  updated_at BIGINT NOT NULL,
  created_by TEXT REFERENCES accounts (id) ON DELETE SET NULL
);
CREATE INDEX enclaves_by_creator ON enclaves (created_by) WHERE created_by IS NOT NULL;
CREATE INDEX enclaves_by_expiry ON enclaves (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE streams (
  id TEXT PRIMARY KEY,
  post_key TEXT,
  read_key TEXT NOT NULL,
  admin_key TEXT NOT NULL,
  permanent BOOLEAN NOT NULL,
  max_burn_seconds INTEGER NOT NULL,
  key_version INTEGER NOT NULL DEFAULT 1,
  head_seq BIGINT NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE stream_key_history (
  stream_id TEXT NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
  key_version INTEGER NOT NULL,
  read_key TEXT NOT NULL,
  until_seq BIGINT NOT NULL,
  PRIMARY KEY (stream_id, key_version)
);

CREATE TABLE shards (
  id TEXT PRIMARY KEY,
  stream_id TEXT NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
  seq BIGINT NOT NULL,
  body TEXT NOT NULL,
  burn_at BIGINT,
  received_at BIGINT NOT NULL,
  signature TEXT,
  UNIQUE (stream_id, seq)
);
CREATE INDEX shards_by_burn ON shards (burn_at) WHERE burn_at IS NOT NULL;
-- BRIN: received_at only grows, so a tiny index finds recent posts (live resync after a lost
-- LISTEN connection) without slowing inserts.
CREATE INDEX shards_by_received ON shards USING brin (received_at);

CREATE TABLE secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
}
