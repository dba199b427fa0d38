import { describe, expect, it } from 'vitest'
import * as contract from '../../../../shared/api'
import {
  BURN_PRESETS,
  BURN_SECONDS_MAX,
  BURN_SECONDS_MIN,
  formatBurnLong,
  formatBurnShort,
  parseBurn,
  splitBurn,
} from './burn-time'

describe('burn time', () => {
  it('matches the range the API accepts', () => {
    expect(BURN_SECONDS_MIN).toBe(contract.BURN_SECONDS_MIN)
    expect(BURN_SECONDS_MAX).toBe(contract.BURN_SECONDS_MAX)
  })

  it('reads compactly in the channel list', () => {
    expect(formatBurnShort(10)).toBe('10s')
    expect(formatBurnShort(300)).toBe('5m')
    expect(formatBurnShort(8 * 3600)).toBe('8h')
    expect(formatBurnShort(86_400)).toBe('1d')
    expect(formatBurnShort(14 * 86_400)).toBe('14d')
  })

  it('never rounds: a time that is not a whole unit keeps the smaller unit', () => {
    expect(formatBurnShort(90)).toBe('90s')
    expect(formatBurnShort(36 * 3600)).toBe('36h')
  })

  it('reads in words with singular and plural', () => {
    expect(formatBurnLong(86_400)).toBe('1 day')
    expect(formatBurnLong(5)).toBe('5 seconds')
    expect(formatBurnLong(3600)).toBe('1 hour')
    expect(formatBurnLong(7 * 86_400)).toBe('7 days')
  })

  it('offers presets from the shortest to the longest burn time', () => {
    const seconds = BURN_PRESETS.map((preset) => preset.seconds)
    expect(seconds[0]).toBe(BURN_SECONDS_MIN)
    expect(seconds[seconds.length - 1]).toBe(BURN_SECONDS_MAX)
    expect([...seconds].sort((a, b) => a - b)).toEqual(seconds)
    expect(BURN_PRESETS.find((preset) => preset.seconds === 86_400)?.label).toBe('1d')
  })

  it('accepts a custom time inside the range', () => {
    expect(parseBurn('3', 'days')).toEqual({ ok: true, seconds: 3 * 86_400 })
    expect(parseBurn(' 45 ', 'minutes')).toEqual({ ok: true, seconds: 2700 })
  })

  it('explains why a custom time is refused', () => {
    expect(parseBurn('4', 'seconds')).toEqual({
      ok: false,
      error: 'The shortest burn time is 5 seconds.',
    })
    expect(parseBurn('15', 'days')).toEqual({
      ok: false,
      error: 'The longest burn time is 14 days.',
    })
    expect(parseBurn('1.5', 'hours')).toEqual({ ok: false, error: 'Enter a whole number.' })
    expect(parseBurn('', 'hours')).toEqual({ ok: false, error: 'Enter a whole number.' })
    expect(parseBurn('-3', 'hours')).toEqual({ ok: false, error: 'Enter a whole number.' })
  })

  it('splits a time back into the amount and unit the picker shows', () => {
    expect(splitBurn(2 * 86_400)).toEqual({ amount: '2', unit: 'days' })
    expect(splitBurn(90)).toEqual({ amount: '90', unit: 'seconds' })
    expect(splitBurn(7200)).toEqual({ amount: '2', unit: 'hours' })
  })
})
