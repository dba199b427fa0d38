import { describe, expect, it } from 'vitest'
import { addressKey, ConcurrencyCount, FailureBackoff, WindowCounter } from './limits'

describe('addressKey', () => {
  it('keeps IPv4 addresses, unwraps IPv4-mapped IPv6, and counts IPv6 by its /64', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9')
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9')
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:0db8:0001:0002:ffff::1%eth0')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(addressKey('::1')).toBe('0:0:0:0::/64')
  })
})

describe('FailureBackoff', () => {
  it('allows the free failures, then doubles the wait up to the cap, and forgets on success', () => {
    let now = 0
    const backoff = new FailureBackoff({ free: 2, baseMs: 1000, maxMs: 4000, now: () => now })
    backoff.failed('h')
    backoff.failed('h')
    expect(backoff.waitMs('h')).toBe(1000)
    now += 1000
    expect(backoff.waitMs('h')).toBe(0)
    backoff.failed('h')
    expect(backoff.waitMs('h')).toBe(2000)
    backoff.failed('h')
    backoff.failed('h')
    backoff.failed('h')
    expect(backoff.waitMs('h')).toBe(4000)
    expect(backoff.waitMs('other')).toBe(0)
    backoff.succeeded('h')
    expect(backoff.waitMs('h')).toBe(0)
  })

  it('forgets failures after a quiet quarter of an hour', () => {
    let now = 0
    const backoff = new FailureBackoff({ free: 1, baseMs: 1000, maxMs: 60_000, now: () => now })
    for (let i = 0; i < 10; i++) backoff.failed('h')
    expect(backoff.waitMs('h')).toBe(60_000)
    now += 15 * 60_000
    expect(backoff.waitMs('h')).toBe(0)
    backoff.failed('h')
    expect(backoff.waitMs('h')).toBe(1000)
  })

  it('holds a bounded number of keys', () => {
    const backoff = new FailureBackoff({
      free: 0,
      baseMs: 1000,
      maxMs: 1000,
      now: () => 0,
      maxKeys: 2,
    })
    for (const key of ['a', 'b', 'c']) backoff.failed(key)
    expect(['a', 'b', 'c'].map((key) => backoff.waitMs(key))).toEqual([0, 1000, 1000])
  })
})

describe('WindowCounter', () => {
  it('allows max events per key in each window and says how long to wait', () => {
    let now = 0
    const counter = new WindowCounter({ max: 2, windowMs: 1000, now: () => now })
    expect([counter.hit('a'), counter.hit('a'), counter.hit('b')]).toEqual([0, 0, 0])
    now = 400
    expect(counter.hit('a')).toBe(600)
    now = 1000
    expect(counter.hit('a')).toBe(0)
  })
})

describe('ConcurrencyCount', () => {
  it('takes units up to the max and gives them back', () => {
    const count = new ConcurrencyCount()
    expect([count.tryAcquire('k', 2), count.tryAcquire('k', 2), count.tryAcquire('k', 2)]).toEqual([
      true,
      true,
      false,
    ])
    count.release('k')
    expect(count.count('k')).toBe(1)
    expect(count.tryAcquire('k', 2)).toBe(true)
  })
})
