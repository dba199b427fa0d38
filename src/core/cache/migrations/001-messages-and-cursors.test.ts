// Version 0 (a new, empty file) → 1.
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../database'
import { createSealer } from '../sealing'
import { newCacheKey, removeTempFolders, tempCachePath } from '../test-helpers'
import { schemaVersion } from '.'

afterEach(removeTempFolders)

describe('migration 1: messages and cursors', () => {
  it('turns an empty file into version 1 with a key check', async () => {
    const sealer = await createSealer(newCacheKey())
    const db = openDatabase(tempCachePath(), sealer, 1)
    expect(schemaVersion(db)).toBe(1)
    const tables = db
      .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
      .pluck()
      .all()
    expect(tables).toEqual(['cursors', 'messages', 'meta'])
    expect(db.prepare('SELECT name FROM meta').pluck().all()).toEqual(['key-check'])
    // The clear columns are exactly the ones the design allows.
    const columns = db.prepare(`SELECT name FROM pragma_table_info('messages')`).pluck().all()
    expect(columns).toEqual(['id', 'stream', 'seq', 'burn_at', 'body'])
    db.close()
    sealer.wipe()
  })
})
