import { describe, expect, it } from 'vitest'
import { createSealer } from './sealing'
import { newCacheKey } from './test-helpers'

describe('cache sealer', () => {
  it('opens what it sealed for the same row, nothing for another row or key', async () => {
    const key = newCacheKey()
    const sealer = await createSealer(key)
    const blob = sealer.sealJson('messages', ['m1', 's1', 1, null], { text: 'hi' })
    expect(sealer.openJson('messages', ['m1', 's1', 1, null], blob)).toEqual({
      value: { text: 'hi' },
    })
    expect(sealer.openJson('messages', ['m2', 's1', 1, null], blob)).toBeNull()
    expect(sealer.openJson('messages', ['m1', 's1', 1, 5], blob)).toBeNull()
    expect(sealer.openJson('outbox', ['m1', 's1', 1, null], blob)).toBeNull()
    const other = await createSealer(newCacheKey())
    expect(other.openJson('messages', ['m1', 's1', 1, null], blob)).toBeNull()
  })

  it('uses a fresh nonce each time, so equal values do not look equal on disk', async () => {
    const sealer = await createSealer(newCacheKey())
    const a = sealer.sealJson('values', ['k'], 'same')
    const b = sealer.sealJson('values', ['k'], 'same')
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false)
  })

  it('rejects truncated and flipped blobs instead of returning garbage', async () => {
    const sealer = await createSealer(newCacheKey())
    const blob = sealer.sealJson('values', ['k'], 'v')
    expect(sealer.openJson('values', ['k'], blob.subarray(0, 30))).toBeNull()
    const flipped = Uint8Array.from(blob)
    flipped[flipped.length - 1]! ^= 1
    expect(sealer.openJson('values', ['k'], flipped)).toBeNull()
  })

  it('tags authenticate the row fields alone', async () => {
    const sealer = await createSealer(newCacheKey())
    const tag = sealer.tag('cursors', ['s1', 7])
    expect(sealer.checkTag('cursors', ['s1', 7], tag)).toBe(true)
    expect(sealer.checkTag('cursors', ['s1', 8], tag)).toBe(false)
  })

  it('hashes names with the key: stable for one key, unrelated across keys', async () => {
    const key = newCacheKey()
    const a = await createSealer(key)
    const b = await createSealer(key)
    const c = await createSealer(newCacheKey())
    expect(a.hashName('draft:s1')).toEqual(b.hashName('draft:s1'))
    expect(a.hashName('draft:s1')).not.toEqual(a.hashName('draft:s2'))
    expect(a.hashName('draft:s1')).not.toEqual(c.hashName('draft:s1'))
  })

  it('refuses keys of the wrong length and values JSON cannot hold', async () => {
    await expect(createSealer(new Uint8Array(16))).rejects.toThrow(/32 bytes/)
    const sealer = await createSealer(newCacheKey())
    expect(() => sealer.sealJson('values', ['k'], undefined)).toThrow(/JSON-serialisable/)
  })

  it('cannot be used after it was wiped', async () => {
    const sealer = await createSealer(newCacheKey())
    sealer.wipe()
    expect(() => sealer.sealJson('values', ['k'], 1)).toThrow(/wiped/)
    expect(() => sealer.hashName('k')).toThrow(/wiped/)
  })
})
