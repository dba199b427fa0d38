import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { DEFAULT_BACKOFF, backoffCeiling, backoffDelay } from './backoff'

describe('backoffCeiling', () => {
  it('doubles from 500 ms and stops at 2 s, so a returning backend is found within 2 s', () => {
    const ceilings = Array.from({ length: 6 }, (_, attempt) => backoffCeiling(attempt))
    expect(ceilings).toEqual([500, 1000, 2000, 2000, 2000, 2000])
  })

  it('stays at the cap for huge attempt counts', () => {
    expect(backoffCeiling(10_000)).toBe(2000)
    expect(backoffCeiling(Number.MAX_SAFE_INTEGER)).toBe(2000)
  })

  it('refuses a negative, fractional or non-number attempt', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => backoffCeiling(bad)).toThrow(RangeError)
  })
})

describe('backoffDelay', () => {
  it('spans the whole range below the ceiling (full jitter)', () => {
    expect(backoffDelay(1, () => 0)).toBe(0)
    expect(backoffDelay(1, () => 0.5)).toBe(500)
    expect(backoffDelay(1, () => 0.999_999)).toBe(999)
  })

  it('is always within [0, ceiling) and never above the cap', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 200 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const delay = backoffDelay(attempt, () => r)
          expect(Number.isInteger(delay)).toBe(true)
          expect(delay).toBeGreaterThanOrEqual(0)
          expect(delay).toBeLessThan(backoffCeiling(attempt))
          expect(delay).toBeLessThan(DEFAULT_BACKOFF.capMs)
        },
      ),
    )
  })

  it('clamps a faulty random source instead of producing a bad delay', () => {
    expect(backoffDelay(2, () => -5)).toBe(0)
    expect(backoffDelay(2, () => Number.NaN)).toBe(0)
    expect(backoffDelay(2, () => 1)).toBe(1999)
    expect(backoffDelay(2, () => 42)).toBe(1999)
  })

  it('follows a custom policy', () => {
    const policy = { baseMs: 10, capMs: 100 }
    expect(backoffDelay(0, () => 0.5, policy)).toBe(5)
    expect(backoffDelay(20, () => 0.5, policy)).toBe(50)
  })
})
