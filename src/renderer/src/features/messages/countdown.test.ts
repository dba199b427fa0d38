import { describe, expect, it } from 'vitest'
import { burnUrgency, describeCountdown, formatCountdown, urgencyThresholdMs } from './countdown'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

describe('formatCountdown', () => {
  it('shows the largest whole unit left', () => {
    expect(formatCountdown(3 * DAY + 5 * HOUR)).toBe('3d')
    expect(formatCountdown(5 * HOUR + 59 * MINUTE)).toBe('5h')
    expect(formatCountdown(12 * MINUTE + 30 * SECOND)).toBe('12m')
    expect(formatCountdown(9 * SECOND)).toBe('9s')
  })

  it('rounds seconds up so a live message never reads 0s', () => {
    expect(formatCountdown(200)).toBe('1s')
    expect(formatCountdown(59_001)).toBe('60s')
    expect(formatCountdown(0)).toBe('0s')
    expect(formatCountdown(-500)).toBe('0s')
  })

  it('says the same in words', () => {
    expect(describeCountdown(1 * DAY)).toBe('Burns in 1 day')
    expect(describeCountdown(2 * HOUR + 1)).toBe('Burns in 2 hours')
    expect(describeCountdown(1500)).toBe('Burns in 2 seconds')
    expect(describeCountdown(0)).toBe('Burning now')
  })
})

describe('burn urgency', () => {
  it('turns urgent in the last fifth of a short life', () => {
    const sentAt = 0
    const burnAt = 60 * SECOND
    expect(burnUrgency(sentAt, burnAt, 47 * SECOND)).toBe('calm')
    expect(burnUrgency(sentAt, burnAt, 48 * SECOND)).toBe('urgent')
  })

  it('never turns urgent earlier than a minute before burning', () => {
    expect(urgencyThresholdMs(DAY)).toBe(MINUTE)
    expect(burnUrgency(0, DAY, DAY - 2 * MINUTE)).toBe('calm')
    expect(burnUrgency(0, DAY, DAY - 30 * SECOND)).toBe('urgent')
  })

  it('always gives at least five seconds of warning', () => {
    expect(urgencyThresholdMs(5 * SECOND)).toBe(5 * SECOND)
    expect(burnUrgency(0, 5 * SECOND, 0)).toBe('urgent')
    expect(burnUrgency(0, 10 * SECOND, 4 * SECOND)).toBe('calm')
    expect(burnUrgency(0, 10 * SECOND, 5 * SECOND)).toBe('urgent')
  })
})
