// Version 2: the outbox (messages composed offline) and sealed key/value client state.
export const version = 2
export const name = 'outbox-and-values'

export const sql = `
-- position: insertion order, bound into the body's associated data so it cannot be reordered.
CREATE TABLE outbox (
  position INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  stream TEXT NOT NULL,
  body BLOB NOT NULL
) STRICT;

-- key_hash: keyed BLAKE2b of the key name, so even the names of stored values leak nothing.
CREATE TABLE client_values (
  key_hash BLOB PRIMARY KEY,
  body BLOB NOT NULL
) STRICT;
`
