// Someone with the file but not the key edits it: every edit is caught when the row is read,
// the row is dropped and reported, and its content is never shown.
import { afterEach, describe, expect, it } from 'vitest'
import { openCache, type CorruptRow, type LocalCache } from '.'
import { newCacheKey, removeTempFolders, tempCachePath, withRawDatabase } from './test-helpers'

const open: LocalCache[] = []
afterEach(() => {
  for (const cache of open.splice(0)) cache.close()
  removeTempFolders()
})

/** Fills a cache, closes it, lets `tamper` edit the file raw, and reopens it. */
async function tampered(
  fill: (cache: LocalCache) => void,
  tamper: (sql: (q: string) => void) => void,
) {
  const path = tempCachePath()
  const cacheKey = newCacheKey()
  const first = await openCache({ path, cacheKey })
  fill(first)
  first.close()
  withRawDatabase(path, (db) => tamper((q) => db.exec(q)))
  const cache = await openCache({ path, cacheKey })
  open.push(cache)
  const reports: CorruptRow[] = []
  cache.onCorrupt((row) => reports.push(row))
  const rawCount = (table: string) =>
    withRawDatabase(path, (db) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get())
  return { cache, reports, rawCount }
}

const later = Date.now() + 3_600_000

function twoMessages(cache: LocalCache) {
  cache.putMessage({ id: 'm1', stream: 's1', seq: 1, burnAt: later, data: 'one' })
  cache.putMessage({ id: 'm2', stream: 's1', seq: 2, burnAt: later, data: 'two' })
}

describe('tampering with messages on disk', () => {
  it('rejects a message whose burn time was pushed back', async () => {
    const { cache, reports, rawCount } = await tampered(twoMessages, (sql) =>
      sql(`UPDATE messages SET burn_at = burn_at + 86400000 WHERE id = 'm1'`),
    )
    expect(cache.getMessage('m1')).toBeNull()
    expect(reports).toEqual([{ table: 'messages', id: 'm1' }])
    expect(rawCount('messages')).toBe(1)
    expect(cache.getMessage('m2')?.data).toBe('two')
  })

  it('rejects a message whose burn time was removed', async () => {
    const { cache, reports } = await tampered(twoMessages, (sql) =>
      sql(`UPDATE messages SET burn_at = NULL WHERE id = 'm2'`),
    )
    expect(cache.listMessages('s1', { limit: 10 }).map((m) => m.id)).toEqual(['m1'])
    expect(reports).toEqual([{ table: 'messages', id: 'm2' }])
  })

  it('rejects a body moved onto another row', async () => {
    const { cache, reports, rawCount } = await tampered(twoMessages, (sql) =>
      sql(`UPDATE messages SET body = (SELECT body FROM messages WHERE id = 'm1') WHERE id = 'm2'`),
    )
    expect(cache.listMessages('s1', { limit: 10 }).map((m) => m.data)).toEqual(['one'])
    expect(reports).toEqual([{ table: 'messages', id: 'm2' }])
    expect(rawCount('messages')).toBe(1)
  })

  it('rejects a message moved to another stream or seq', async () => {
    const { cache, reports } = await tampered(twoMessages, (sql) =>
      sql(
        `UPDATE messages SET stream = 's2' WHERE id = 'm1';
         UPDATE messages SET seq = 9 WHERE id = 'm2'`,
      ),
    )
    expect(cache.listMessages('s2', { limit: 10 })).toEqual([])
    expect(cache.getMessage('m2')).toBeNull()
    expect(reports.map((r) => r.id).sort()).toEqual(['m1', 'm2'])
  })

  it('still fills a page after dropping a corrupt row in it', async () => {
    const fill = (cache: LocalCache) => {
      for (let seq = 1; seq <= 5; seq++)
        cache.putMessage({ id: `m${seq}`, stream: 's1', seq, burnAt: null, data: seq })
    }
    const { cache } = await tampered(fill, (sql) =>
      sql(`UPDATE messages SET body = (SELECT body FROM messages WHERE id = 'm1') WHERE id = 'm4'`),
    )
    expect(cache.listMessages('s1', { limit: 3 }).map((m) => m.seq)).toEqual([2, 3, 5])
  })
})

describe('tampering with other tables on disk', () => {
  it('rejects a cursor whose seq was edited', async () => {
    const fill = (cache: LocalCache) => {
      cache.setCursor('s1', 10)
      cache.setCursor('s2', 20)
    }
    const { cache, reports } = await tampered(fill, (sql) =>
      sql(`UPDATE cursors SET seq = 500 WHERE stream = 's1'`),
    )
    expect(cache.getCursor('s1')).toBeNull()
    expect(cache.listCursors()).toEqual([{ stream: 's2', seq: 20 }])
    expect(reports).toEqual([{ table: 'cursors', id: 's1' }])
  })

  it('rejects outbox items that were reordered', async () => {
    const fill = (cache: LocalCache) => {
      cache.enqueueOutbox({ id: 'o1', stream: 's1', data: 'first' })
      cache.enqueueOutbox({ id: 'o2', stream: 's1', data: 'second' })
      cache.enqueueOutbox({ id: 'o3', stream: 's1', data: 'third' })
    }
    const { cache, reports } = await tampered(fill, (sql) =>
      sql(`UPDATE outbox SET position = 100 WHERE id = 'o1'`),
    )
    expect(cache.listOutbox().map((item) => item.data)).toEqual(['second', 'third'])
    expect(reports).toEqual([{ table: 'outbox', id: 'o1' }])
    expect(cache.outboxSize()).toBe(2)
  })

  it('rejects a value swapped onto another key', async () => {
    const fill = (cache: LocalCache) => {
      cache.setValue('pinned:alice', 'alice-key')
      cache.setValue('pinned:mallory', 'mallory-key')
    }
    const { cache, reports } = await tampered(fill, (sql) =>
      // alice's row (the first inserted) gets mallory's sealed body.
      sql(`UPDATE client_values SET body = (SELECT body FROM client_values WHERE rowid = 2)
           WHERE rowid = 1`),
    )
    expect(cache.getValue('pinned:alice')).toBeNull()
    expect(reports).toEqual([{ table: 'values', id: 'pinned:alice' }])
    expect(cache.getValue('pinned:mallory')).toBe('mallory-key')
  })
})
