// What the files on disk hold: someone who copies the .db and -wal files without the key
// finds ids, seq and burn times, never content; and burned content leaves both files.
import { afterEach, describe, expect, it } from 'vitest'
import { openCache, type LocalCache } from '.'
import {
  manualClock,
  newCacheKey,
  readCacheFiles,
  removeTempFolders,
  tempCachePath,
  withRawDatabase,
} from './test-helpers'

const open: LocalCache[] = []
afterEach(() => {
  for (const cache of open.splice(0)) cache.close()
  removeTempFolders()
})

const SECRET = 'OKAPI-PLAINTEXT-5c1e9d'
const CONTROL_ID = 'CONTROL-ID-8b2f47'

function expectAbsent(files: { db: Buffer; wal: Buffer }, bytes: Uint8Array | string) {
  const needle = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes)
  expect(files.db.includes(needle)).toBe(false)
  expect(files.wal.includes(needle)).toBe(false)
}

const foundIn = (files: { db: Buffer; wal: Buffer }, bytes: Uint8Array | string) =>
  Buffer.concat([files.db, files.wal]).includes(Buffer.from(bytes))

function fillWithSecrets(cache: LocalCache) {
  cache.putMessage({
    id: CONTROL_ID,
    stream: 'stream-1',
    seq: 1,
    burnAt: null,
    data: { text: `${SECRET} in a message`, long: SECRET.repeat(400) },
  })
  cache.putMessage({ id: 'm2', stream: 'stream-1', seq: 2, burnAt: null, data: SECRET })
  cache.enqueueOutbox({ id: 'o1', stream: 'stream-1', data: { text: `${SECRET} queued` } })
  cache.setValue(`draft:${SECRET}`, `${SECRET} drafted`)
}

describe('bytes on disk', () => {
  it('holds no plaintext in the .db or -wal file while open, nor after close', async () => {
    const path = tempCachePath()
    const cacheKey = newCacheKey()
    const cache = await openCache({ path, cacheKey })
    fillWithSecrets(cache)
    const whileOpen = readCacheFiles(path)
    expect(foundIn(whileOpen, CONTROL_ID)).toBe(true)
    expectAbsent(whileOpen, SECRET)
    cache.close()
    const afterClose = readCacheFiles(path)
    expect(afterClose.db.includes(Buffer.from(CONTROL_ID))).toBe(true)
    expectAbsent(afterClose, SECRET)
    expectAbsent(afterClose, cacheKey)
  })

  it('removes burned bytes from both files, checkpointed or still in the WAL', async () => {
    const clock = manualClock()
    const path = tempCachePath()
    const cacheKey = newCacheKey()
    const burnAt = clock.now() + 1_000
    const big = 'burning '.repeat(2_000) // spills onto overflow pages

    // 1. One message checkpointed into the .db file (closing checkpoints), one only in the WAL.
    const first = await openCache({ path, cacheKey, now: clock.now })
    first.putMessage({ id: 'in-db', stream: 's1', seq: 1, burnAt, data: big })
    first.close()
    const cache = await openCache({ path, cacheKey, now: clock.now })
    open.push(cache)
    cache.putMessage({ id: 'in-wal', stream: 's1', seq: 2, burnAt, data: 'short-lived' })
    cache.putMessage({ id: 'stays', stream: 's1', seq: 3, burnAt: null, data: 'permanent' })
    const blobs = withRawDatabase(path, (db) =>
      db.prepare(`SELECT id, body FROM messages WHERE id != 'stays' ORDER BY id`).all(),
    ) as { id: string; body: Buffer }[]
    expect(blobs.map((b) => b.id)).toEqual(['in-db', 'in-wal'])
    const [inDb, inWal] = blobs.map((b) => b.body) as [Buffer, Buffer]
    // Controls: before the burn, the bytes are where the test expects them.
    const before = readCacheFiles(path)
    expect(before.db.includes(inDb.subarray(0, 64))).toBe(true)
    expect(before.db.includes(inDb.subarray(-64))).toBe(true)
    expect(foundIn(before, inWal)).toBe(true)

    // 2. Burn.
    const burned: string[][] = []
    cache.onBurn((ids) => burned.push(ids))
    clock.advance(1_000)
    await cache.sweepNow()
    expect(burned.map((ids) => [...ids].sort())).toEqual([['in-db', 'in-wal']])

    // 3. No 16-byte window of either sealed blob remains in either file.
    const after = readCacheFiles(path)
    for (const blob of [inDb, inWal])
      for (let offset = 0; offset + 16 <= blob.length; offset += 16)
        expectAbsent(after, blob.subarray(offset, offset + 16))
    expect(cache.getMessage('stays')?.data).toBe('permanent')
  })
})
