import { describe, expect, it } from 'vitest'
import { ReadThroughCache } from './read-through-cache'

/** A record source whose reads can be held open, as a networked store's are. */
class SlowSource {
  readonly records = new Map<string, number>()
  reads = 0
  private held: (() => void)[] = []
  holding = false

  load = async (key: string): Promise<number | null> => {
    this.reads += 1
    const value = this.records.get(key) ?? null
    if (this.holding) await new Promise<void>((resolve) => this.held.push(resolve))
    return value
  }

  release(): void {
    for (const resolve of this.held.splice(0)) resolve()
  }
}

function cacheOver(source: SlowSource, clock = { now: 0 }, maxEntries = 100) {
  return new ReadThroughCache(source.load, { maxEntries, maxAgeMs: 1000, now: () => clock.now })
}

describe('ReadThroughCache', () => {
  it('reads a record once and serves it from memory until it is invalidated', async () => {
    const source = new SlowSource()
    source.records.set('a', 1)
    const cache = cacheOver(source)
    expect(await cache.get('a')).toBe(1)
    source.records.set('a', 2)
    expect(await cache.get('a')).toBe(1)
    expect(source.reads).toBe(1)
    cache.delete('a')
    expect(await cache.get('a')).toBe(2)
  })

  it('does not keep a value read before an invalidation that landed during the read', async () => {
    const source = new SlowSource()
    source.records.set('a', 1)
    const cache = cacheOver(source)
    source.holding = true
    const pending = cache.get('a')
    // The record changes and is invalidated while the old value is on its way back.
    source.records.set('a', 2)
    cache.delete('a')
    source.release()
    expect(await pending).toBe(1)
    source.holding = false
    expect(await cache.get('a')).toBe(2)
  })

  it('never remembers a missing record', async () => {
    const source = new SlowSource()
    const cache = cacheOver(source)
    expect(await cache.get('a')).toBeNull()
    source.records.set('a', 7)
    expect(await cache.get('a')).toBe(7)
  })

  it('reads again after the age limit, and drops the oldest entry beyond its size', async () => {
    const source = new SlowSource()
    const clock = { now: 0 }
    const cache = cacheOver(source, clock, 2)
    for (const key of ['a', 'b', 'c']) source.records.set(key, key.charCodeAt(0))
    await cache.get('a')
    await cache.get('b')
    await cache.get('c')
    expect(cache.size).toBe(2)
    const before = source.reads
    await cache.get('c')
    expect(source.reads).toBe(before)
    await cache.get('a')
    expect(source.reads).toBe(before + 1)
    clock.now = 1000
    await cache.get('a')
    expect(source.reads).toBe(before + 2)
  })

  it('drops the entries that match, and everything on clear', async () => {
    const source = new SlowSource()
    for (const key of ['a1', 'a2', 'b1']) source.records.set(key, 1)
    const cache = cacheOver(source)
    for (const key of ['a1', 'a2', 'b1']) await cache.get(key)
    cache.deleteWhere((_value, key) => key.startsWith('a'))
    expect(cache.size).toBe(1)
    cache.clear()
    expect(cache.size).toBe(0)
  })
})
