import fs from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import {
  CacheClosedError,
  CacheCorruptError,
  CacheKeyError,
  CacheVersionError,
  openCache,
  type LocalCache,
} from '.'
import { newCacheKey, removeTempFolders, tempCachePath, withRawDatabase } from './test-helpers'

const open: LocalCache[] = []
async function cacheAt(path = tempCachePath(), cacheKey = newCacheKey()) {
  const cache = await openCache({ path, cacheKey })
  open.push(cache)
  return { cache, path, cacheKey }
}

afterEach(() => {
  for (const cache of open.splice(0)) cache.close()
  removeTempFolders()
})

describe('messages', () => {
  it('round-trips a message and replaces it on edit', async () => {
    const { cache } = await cacheAt()
    const message = { id: 'm1', stream: 's1', seq: 4, burnAt: null, data: { text: 'hello' } }
    expect(cache.putMessage(message)).toBe(true)
    expect(cache.getMessage('m1')).toEqual(message)
    cache.putMessage({ ...message, data: { text: 'hello, edited', edited: true } })
    expect(cache.getMessage('m1')?.data).toEqual({ text: 'hello, edited', edited: true })
    expect(cache.countMessages('s1')).toBe(1)
    expect(cache.getMessage('missing')).toBeNull()
  })

  it('keeps a future burn time with the message', async () => {
    const { cache } = await cacheAt()
    const burnAt = Date.now() + 60_000
    cache.putMessage({ id: 'm1', stream: 's1', seq: 1, burnAt, data: 'x' })
    expect(cache.getMessage('m1')?.burnAt).toBe(burnAt)
  })

  it('deletes a message and says whether there was one', async () => {
    const { cache } = await cacheAt()
    cache.putMessage({ id: 'm1', stream: 's1', seq: 1, burnAt: null, data: 'x' })
    expect(cache.deleteMessage('m1')).toBe(true)
    expect(cache.deleteMessage('m1')).toBe(false)
    expect(cache.getMessage('m1')).toBeNull()
    expect(cache.countMessages('s1')).toBe(0)
  })

  it('lists the newest page oldest-first and pages back with beforeSeq', async () => {
    const { cache } = await cacheAt()
    // Inserted out of order, with another stream interleaved.
    for (const seq of [5, 1, 9, 3, 7, 2, 8, 4, 6, 10]) {
      cache.putMessage({ id: `a${seq}`, stream: 'a', seq, burnAt: null, data: seq })
      cache.putMessage({ id: `b${seq}`, stream: 'b', seq, burnAt: null, data: -seq })
    }
    const seqs = (page: { seq: number }[]) => page.map((m) => m.seq)
    const newest = cache.listMessages('a', { limit: 4 })
    expect(seqs(newest)).toEqual([7, 8, 9, 10])
    const older = cache.listMessages('a', { beforeSeq: newest[0]!.seq, limit: 4 })
    expect(seqs(older)).toEqual([3, 4, 5, 6])
    const oldest = cache.listMessages('a', { beforeSeq: older[0]!.seq, limit: 4 })
    expect(seqs(oldest)).toEqual([1, 2])
    expect(cache.listMessages('a', { beforeSeq: 1, limit: 4 })).toEqual([])
    expect(cache.listMessages('b', { limit: 2 }).map((m) => m.data)).toEqual([-9, -10])
    expect(cache.listMessages('none', { limit: 5 })).toEqual([])
    expect(cache.countMessages('a')).toBe(10)
  })

  it('rejects bad arguments clearly and stores nothing', async () => {
    const { cache } = await cacheAt()
    const good = { id: 'm1', stream: 's1', seq: 1, burnAt: null, data: 'x' }
    expect(() => cache.putMessage({ ...good, id: '' })).toThrow(/message id/)
    expect(() => cache.putMessage({ ...good, stream: 'x'.repeat(513) })).toThrow(/stream id/)
    expect(() => cache.putMessage({ ...good, seq: -1 })).toThrow(/seq/)
    expect(() => cache.putMessage({ ...good, seq: 1.5 })).toThrow(/seq/)
    expect(() => cache.putMessage({ ...good, burnAt: Number.NaN })).toThrow(/burnAt/)
    expect(() => cache.putMessage({ ...good, data: undefined })).toThrow(/JSON-serialisable/)
    expect(cache.countMessages('s1')).toBe(0)
    expect(() => cache.listMessages('s1', { limit: 0 })).toThrow(/limit/)
    expect(() => cache.listMessages('s1', { limit: 1001 })).toThrow(/limit/)
    expect(() => cache.listMessages('s1', { beforeSeq: -3, limit: 5 })).toThrow(/beforeSeq/)
    expect(() => cache.getMessage(42 as unknown as string)).toThrow(/message id/)
  })
})

describe('cursors', () => {
  it('round-trips, overwrites and lists cursors', async () => {
    const { cache } = await cacheAt()
    expect(cache.getCursor('s1')).toBeNull()
    cache.setCursor('s1', 10)
    cache.setCursor('s2', 3)
    cache.setCursor('s1', 12)
    expect(cache.getCursor('s1')).toBe(12)
    expect(cache.listCursors()).toEqual([
      { stream: 's1', seq: 12 },
      { stream: 's2', seq: 3 },
    ])
    expect(() => cache.setCursor('s1', -1)).toThrow(/seq/)
    expect(cache.getCursor('s1')).toBe(12)
  })
})

describe('outbox', () => {
  it('is idempotent on id and keeps insertion order', async () => {
    const { cache } = await cacheAt()
    expect(cache.enqueueOutbox({ id: 'o2', stream: 's1', data: { text: 'first' } })).toBe(true)
    expect(cache.enqueueOutbox({ id: 'o1', stream: 's2', data: { text: 'second' } })).toBe(true)
    expect(cache.enqueueOutbox({ id: 'o2', stream: 's1', data: { text: 'again' } })).toBe(false)
    expect(cache.enqueueOutbox({ id: 'o3', stream: 's1', data: { text: 'third' } })).toBe(true)
    expect(cache.outboxSize()).toBe(3)
    expect(cache.listOutbox()).toEqual([
      { id: 'o2', stream: 's1', data: { text: 'first' } },
      { id: 'o1', stream: 's2', data: { text: 'second' } },
      { id: 'o3', stream: 's1', data: { text: 'third' } },
    ])
    expect(cache.removeOutbox('o1')).toBe(true)
    expect(cache.removeOutbox('o1')).toBe(false)
    cache.enqueueOutbox({ id: 'o4', stream: 's1', data: { text: 'fourth' } })
    expect(cache.listOutbox().map((item) => item.id)).toEqual(['o2', 'o3', 'o4'])
    expect(cache.outboxSize()).toBe(3)
  })

  it('rejects bad items and queues nothing', async () => {
    const { cache } = await cacheAt()
    expect(() => cache.enqueueOutbox({ id: '', stream: 's1', data: 1 })).toThrow(/outbox id/)
    expect(() => cache.enqueueOutbox({ id: 'o1', stream: 's1', data: undefined })).toThrow(
      /JSON-serialisable/,
    )
    expect(cache.outboxSize()).toBe(0)
  })
})

describe('values', () => {
  it('round-trips, overwrites and deletes sealed values', async () => {
    const { cache } = await cacheAt()
    expect(cache.getValue('settings')).toBeNull()
    cache.setValue('settings', { relayCalls: true })
    cache.setValue('draft:s1', 'half a thought')
    cache.setValue('settings', { relayCalls: false })
    expect(cache.getValue('settings')).toEqual({ relayCalls: false })
    expect(cache.getValue<string>('draft:s1')).toBe('half a thought')
    expect(cache.deleteValue('draft:s1')).toBe(true)
    expect(cache.deleteValue('draft:s1')).toBe(false)
    expect(cache.getValue('draft:s1')).toBeNull()
    expect(() => cache.setValue('', 1)).toThrow(/value key/)
  })

  it('stores key names only as keyed hashes', async () => {
    const { cache, path } = await cacheAt()
    cache.setValue('pinned:alice', 'key')
    const stored = withRawDatabase(path, (db) =>
      db.prepare('SELECT key_hash FROM client_values').pluck().all(),
    ) as Buffer[]
    expect(stored).toHaveLength(1)
    expect(stored[0]!.length).toBe(32)
    expect(stored[0]!.includes(Buffer.from('alice'))).toBe(false)
  })
})

describe('opening and closing', () => {
  it('preserves everything across a reopen with the same key', async () => {
    const { cache, path, cacheKey } = await cacheAt()
    cache.putMessage({ id: 'm1', stream: 's1', seq: 1, burnAt: null, data: { text: 'kept' } })
    cache.setCursor('s1', 1)
    cache.enqueueOutbox({ id: 'o1', stream: 's1', data: 'queued' })
    cache.setValue('settings', { theme: 'dark' })
    cache.close()
    const { cache: again } = await cacheAt(path, cacheKey)
    expect(again.getMessage('m1')?.data).toEqual({ text: 'kept' })
    expect(again.listCursors()).toEqual([{ stream: 's1', seq: 1 }])
    expect(again.listOutbox()).toEqual([{ id: 'o1', stream: 's1', data: 'queued' }])
    expect(again.getValue('settings')).toEqual({ theme: 'dark' })
  })

  it('fails clearly with the wrong key and leaves the cache intact', async () => {
    const { cache, path, cacheKey } = await cacheAt()
    cache.putMessage({ id: 'm1', stream: 's1', seq: 1, burnAt: null, data: 'x' })
    cache.close()
    await expect(openCache({ path, cacheKey: newCacheKey() })).rejects.toThrow(CacheKeyError)
    const { cache: again } = await cacheAt(path, cacheKey)
    expect(again.getMessage('m1')?.data).toBe('x')
  })

  it('refuses a key of the wrong length', async () => {
    await expect(
      openCache({ path: tempCachePath(), cacheKey: new Uint8Array(31) }),
    ).rejects.toThrow(/32 bytes/)
  })

  it('refuses a file that is not a cache and leaves it untouched', async () => {
    const path = tempCachePath()
    const contents = Buffer.from('these are someone else’s notes, not a database'.repeat(50))
    fs.writeFileSync(path, contents)
    await expect(openCache({ path, cacheKey: newCacheKey() })).rejects.toThrow(CacheCorruptError)
    expect(fs.readFileSync(path).equals(contents)).toBe(true)
  })

  it('refuses a cache whose key check was removed', async () => {
    const { cache, path, cacheKey } = await cacheAt()
    cache.close()
    withRawDatabase(path, (db) => db.exec('DELETE FROM meta'))
    await expect(openCache({ path, cacheKey })).rejects.toThrow(CacheCorruptError)
  })

  it('refuses a cache written by a newer version without changing it', async () => {
    const { cache, path, cacheKey } = await cacheAt()
    cache.close()
    withRawDatabase(path, (db) => db.pragma('user_version = 99'))
    await expect(openCache({ path, cacheKey })).rejects.toThrow(CacheVersionError)
    expect(withRawDatabase(path, (db) => db.pragma('user_version', { simple: true }))).toBe(99)
  })

  it('creates the file readable by its owner only', async () => {
    if (process.platform === 'win32') return
    const { path } = await cacheAt()
    expect(fs.statSync(path).mode & 0o077).toBe(0)
  })

  it('throws on use after close, and close twice is harmless', async () => {
    const { cache } = await cacheAt()
    cache.close()
    cache.close()
    expect(() => cache.getMessage('m1')).toThrow(CacheClosedError)
    expect(() => cache.setValue('k', 1)).toThrow(CacheClosedError)
    await expect(cache.sweepNow()).rejects.toThrow(CacheClosedError)
  })
})
