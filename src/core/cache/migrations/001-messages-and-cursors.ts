// Version 1: the key check, messages and per-stream cursors.
// In the clear: ids, stream ids, seq and burn_at (the burn sweep must read it without the key).
// Every other column is sealed, its associated data naming the row (see ../sealing.ts).
export const version = 1
export const name = 'messages-and-cursors'

export const sql = `
CREATE TABLE meta (
  name TEXT PRIMARY KEY,
  value BLOB NOT NULL
) STRICT;

CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  stream TEXT NOT NULL,
  seq INTEGER NOT NULL,
  burn_at INTEGER,
  body BLOB NOT NULL
) STRICT;
CREATE INDEX messages_by_stream_seq ON messages (stream, seq);
CREATE INDEX messages_by_burn_at ON messages (burn_at) WHERE burn_at IS NOT NULL;

-- tag: a sealed empty value whose associated data binds (stream, seq), so an edited seq shows.
CREATE TABLE cursors (
  stream TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  tag BLOB NOT NULL
) STRICT;
`
