import { afterEach, describe, expect, it } from 'vitest'
import { openCache, type LocalCache } from '.'
import {
  manualClock,
  newCacheKey,
  removeTempFolders,
  tempCachePath,
  withRawDatabase,
} from './test-helpers'

const open: LocalCache[] = []
afterEach(() => {
  for (const cache of open.splice(0)) cache.close()
  removeTempFolders()
})

async function cacheAt(options: { path?: string; cacheKey?: Uint8Array; now?: () => number }) {
  const path = options.path ?? tempCachePath()
  const cacheKey = options.cacheKey ?? newCacheKey()
  const cache = await openCache({ path, cacheKey, now: options.now })
  open.push(cache)
  const rawIds = () =>
    withRawDatabase(path, (db) => db.prepare('SELECT id FROM messages ORDER BY id').pluck().all())
  return { cache, path, cacheKey, rawIds }
}

describe('burning', () => {
  it('burns a message at its time and tells the listener which one', async () => {
    const { cache, rawIds } = await cacheAt({})
    const burned = new Promise<string[]>((resolve) => cache.onBurn(resolve))
    cache.putMessage({ id: 'soon', stream: 's1', seq: 1, burnAt: Date.now() + 300, data: 'x' })
    cache.putMessage({ id: 'kept', stream: 's1', seq: 2, burnAt: null, data: 'y' })
    expect(cache.getMessage('soon')).not.toBeNull()
    expect(await burned).toEqual(['soon'])
    expect(cache.getMessage('soon')).toBeNull()
    expect(cache.listMessages('s1', { limit: 10 }).map((m) => m.id)).toEqual(['kept'])
    expect(rawIds()).toEqual(['kept'])
  })

  it('hides a message from every getter once its time has passed, before the sweep', async () => {
    const clock = manualClock()
    const { cache, rawIds } = await cacheAt({ now: clock.now })
    const burns: string[][] = []
    cache.onBurn((ids) => burns.push(ids))
    cache.putMessage({ id: 'm1', stream: 's1', seq: 1, burnAt: clock.now() + 10_000, data: 'x' })
    cache.putMessage({ id: 'm2', stream: 's1', seq: 2, burnAt: clock.now() + 20_000, data: 'y' })
    clock.advance(10_000)
    expect(cache.getMessage('m1')).toBeNull()
    expect(cache.listMessages('s1', { limit: 10 }).map((m) => m.id)).toEqual(['m2'])
    expect(cache.countMessages('s1')).toBe(1)
    expect(rawIds()).toEqual(['m1', 'm2'])
    expect(burns).toEqual([])
    await cache.sweepNow()
    expect(burns).toEqual([['m1']])
    expect(rawIds()).toEqual(['m2'])
  })

  it('stores nothing for a message that has already burned', async () => {
    const clock = manualClock()
    const { cache, rawIds } = await cacheAt({ now: clock.now })
    expect(
      cache.putMessage({ id: 'late', stream: 's1', seq: 1, burnAt: clock.now() - 1, data: 'x' }),
    ).toBe(false)
    expect(
      cache.putMessage({ id: 'edge', stream: 's1', seq: 2, burnAt: clock.now(), data: 'x' }),
    ).toBe(false)
    expect(rawIds()).toEqual([])
    expect(cache.getMessage('late')).toBeNull()
  })

  it('burns a cached copy when an update says the message already burned', async () => {
    const clock = manualClock()
    const { cache, rawIds } = await cacheAt({ now: clock.now })
    const burns: string[][] = []
    cache.onBurn((ids) => burns.push(ids))
    cache.putMessage({ id: 'm1', stream: 's1', seq: 1, burnAt: clock.now() + 60_000, data: 'x' })
    cache.putMessage({ id: 'm1', stream: 's1', seq: 1, burnAt: clock.now() - 5, data: 'x2' })
    expect(rawIds()).toEqual([])
    expect(burns).toEqual([['m1']])
  })

  it('burns what came due while the cache was closed, on open', async () => {
    const clock = manualClock()
    const { cache, path, cacheKey } = await cacheAt({ now: clock.now })
    cache.putMessage({ id: 'm1', stream: 's1', seq: 1, burnAt: clock.now() + 1_000, data: 'x' })
    cache.putMessage({ id: 'm2', stream: 's1', seq: 2, burnAt: clock.now() + 99_000, data: 'y' })
    cache.close()
    clock.advance(5_000)
    const { cache: again, rawIds } = await cacheAt({ path, cacheKey, now: clock.now })
    expect(rawIds()).toEqual(['m2'])
    expect(again.getMessage('m2')?.data).toBe('y')
  })

  it('keeps burning after a listener throws, and reports the error', async () => {
    const clock = manualClock()
    const errors: unknown[] = []
    const path = tempCachePath()
    const cache = await openCache({
      path,
      cacheKey: newCacheKey(),
      now: clock.now,
      onError: (error) => errors.push(error),
    })
    open.push(cache)
    const burns: string[][] = []
    cache.onBurn(() => {
      throw new Error('listener broke')
    })
    cache.onBurn((ids) => burns.push(ids))
    cache.putMessage({ id: 'm1', stream: 's1', seq: 1, burnAt: clock.now() + 1, data: 'x' })
    clock.advance(1)
    await cache.sweepNow()
    expect(burns).toEqual([['m1']])
    expect(errors).toHaveLength(1)
  })

  it('stops telling a listener once it unsubscribed', async () => {
    const clock = manualClock()
    const { cache } = await cacheAt({ now: clock.now })
    const burns: string[][] = []
    const unsubscribe = cache.onBurn((ids) => burns.push(ids))
    unsubscribe()
    cache.putMessage({ id: 'm1', stream: 's1', seq: 1, burnAt: clock.now() + 1, data: 'x' })
    clock.advance(1)
    await cache.sweepNow()
    expect(burns).toEqual([])
    expect(cache.getMessage('m1')).toBeNull()
  })
})
