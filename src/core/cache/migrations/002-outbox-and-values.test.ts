// Version 1 → 2, on a version-1 cache that already holds data.
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../database'
import { openCache } from '../local-cache'
import { MessageStore } from '../messages'
import { CursorStore } from '../cursors'
import { createSealer } from '../sealing'
import { newCacheKey, removeTempFolders, tempCachePath, withRawDatabase } from '../test-helpers'

afterEach(removeTempFolders)

describe('migration 2: outbox and values', () => {
  it('upgrades a version-1 cache and keeps its messages and cursors', async () => {
    const path = tempCachePath()
    const cacheKey = newCacheKey()

    // 1. A cache as version 1 wrote it.
    const sealer = await createSealer(cacheKey)
    const db = openDatabase(path, sealer, 1)
    const context = { db, sealer, now: Date.now, reportCorrupt: () => {} }
    new MessageStore(context).put({
      id: 'm1',
      stream: 's1',
      seq: 3,
      burnAt: null,
      data: { text: 'from version 1' },
    })
    new CursorStore(context).set('s1', 3)
    db.close()
    sealer.wipe()
    expect(withRawDatabase(path, (raw) => raw.pragma('user_version', { simple: true }))).toBe(1)

    // 2. Opening it now upgrades it; old rows still open and the new tables work.
    const cache = await openCache({ path, cacheKey })
    expect(cache.getMessage('m1')?.data).toEqual({ text: 'from version 1' })
    expect(cache.getCursor('s1')).toBe(3)
    expect(cache.enqueueOutbox({ id: 'o1', stream: 's1', data: 'queued' })).toBe(true)
    cache.setValue('settings', { ok: true })
    expect(cache.listOutbox()).toEqual([{ id: 'o1', stream: 's1', data: 'queued' }])
    expect(cache.getValue('settings')).toEqual({ ok: true })
    cache.close()
    expect(withRawDatabase(path, (raw) => raw.pragma('user_version', { simple: true }))).toBe(2)
  })
})
