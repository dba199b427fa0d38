import { describe, expect, it } from 'vitest'
import { groupSafetyNumber } from './safety-number'

describe('groupSafetyNumber', () => {
  it('shows 60 digits as 12 groups of 5', () => {
    const digits = '0123456789'.repeat(6)
    const groups = groupSafetyNumber(digits)
    expect(groups).toHaveLength(12)
    expect(groups.every((group) => /^\d{5}$/.test(group))).toBe(true)
    expect(groups.join('')).toBe(digits)
  })

  it('ignores spacing the core may already have added', () => {
    expect(groupSafetyNumber('12345 67890')).toEqual(['12345', '67890'])
  })
})
