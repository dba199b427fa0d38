// Opens one account's cache file: pragmas, migrations, and the key check that makes a wrong
// key fail here, clearly, instead of every row later looking corrupt.
import fs from 'node:fs'
import Database from 'better-sqlite3'
import { CacheCorruptError, CacheKeyError } from './errors'
import { LATEST_VERSION, migrate } from './migrations'
import type { CacheSealer } from './sealing'

const KEY_CHECK = 'key-check'
const KEY_CHECK_VALUE = 'paracord local cache'

export function openDatabase(
  path: string,
  sealer: CacheSealer,
  targetVersion = LATEST_VERSION,
): Database.Database {
  // Created owner-only before SQLite touches it; SQLite gives -wal and -shm the same mode.
  fs.closeSync(fs.openSync(path, 'a', 0o600))
  const db = new Database(path)
  try {
    applyPragmas(db)
    // One transaction, so a crash never leaves a new file migrated but without its key check.
    db.transaction(() => {
      const startVersion = migrate(db, targetVersion)
      checkKey(db, sealer, startVersion === 0)
    })()
    return db
  } catch (error) {
    db.close()
    throw error
  }
}

function applyPragmas(db: Database.Database): void {
  try {
    db.pragma('journal_mode = WAL')
  } catch (error) {
    throw new CacheCorruptError(`not a paracord cache: ${(error as Error).message}`)
  }
  // Deleted rows are overwritten with zeros, so burned bytes do not linger in free pages.
  db.pragma('secure_delete = ON')
  // NORMAL in WAL mode never corrupts the file; a power cut may lose the last commits, which
  // only costs a re-fetch from the server. The outbox, which the server has not seen, raises
  // it to FULL around its own writes.
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
}

/** A fresh cache stores a sealed check value; an existing one must open it with this key. */
function checkKey(db: Database.Database, sealer: CacheSealer, fresh: boolean): void {
  const row = db.prepare('SELECT value FROM meta WHERE name = ?').get(KEY_CHECK) as
    { value: Buffer } | undefined
  if (!row) {
    if (!fresh) throw new CacheCorruptError('the cache has lost its key check value')
    db.prepare('INSERT INTO meta (name, value) VALUES (?, ?)').run(
      KEY_CHECK,
      sealer.sealJson('meta', [KEY_CHECK], KEY_CHECK_VALUE),
    )
    return
  }
  const opened = sealer.openJson('meta', [KEY_CHECK], row.value)
  if (opened?.value !== KEY_CHECK_VALUE)
    throw new CacheKeyError('the cache key does not open this cache (wrong account or key)')
}
