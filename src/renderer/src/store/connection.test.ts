import { describe, expect, it } from 'vitest'
import { emptyConnection, retryCountdown, retryCountdownInWords, selectBanner } from './connection'

const base = { ...emptyConnection(), status: 'online' as const }

describe('selectBanner', () => {
  it('shows nothing when online with an empty outbox', () => {
    expect(selectBanner(base)).toEqual({ kind: 'none' })
  })

  it('says offline, and how many messages wait', () => {
    expect(selectBanner({ ...base, status: 'offline', outbox: 3 })).toEqual({
      kind: 'offline',
      text: "You're offline. Messages will send when you're back. · 3 messages waiting to send",
    })
  })

  it('says reconnecting', () => {
    expect(selectBanner({ ...base, status: 'connecting' }).kind).toBe('reconnecting')
  })

  it('counts waiting messages in the singular and plural', () => {
    expect(selectBanner({ ...base, outbox: 1 })).toEqual({
      kind: 'waiting',
      text: '1 message waiting to send',
    })
    expect(selectBanner({ ...base, outbox: 2 })).toEqual({
      kind: 'waiting',
      text: '2 messages waiting to send',
    })
  })

  it('says sending is paused while the server asked to slow down, over the queued count', () => {
    expect(selectBanner({ ...base, outbox: 2, sendingPausedUntil: 5000 })).toEqual({
      kind: 'paused',
      text: 'Sending paused: the server asked to slow down.',
      until: 5000,
    })
  })

  it('puts a lost web host first', () => {
    expect(selectBanner({ ...base, status: 'offline', bridge: 'reconnecting' }).kind).toBe('host')
    expect(selectBanner({ ...base, bridge: 'refused' }).kind).toBe('host')
  })
})

describe('the countdown to the retry', () => {
  it('counts seconds in the last minute and whole minutes before, rounding up', () => {
    expect(retryCountdown(10_000, 6_000)).toBe('Trying again in 4s')
    expect(retryCountdown(10_000, 9_001)).toBe('Trying again in 1s')
    expect(retryCountdown(60_000, 0)).toBe('Trying again in 60s')
    expect(retryCountdown(60_001, 0)).toBe('Trying again in 2m')
    expect(retryCountdown(10_000, 10_000)).toBe('Trying again now')
    expect(retryCountdown(10_000, 12_000)).toBe('Trying again now')
  })

  it('says the same in words', () => {
    expect(retryCountdownInWords(10_000, 6_000)).toBe('Trying again in 4 seconds')
    expect(retryCountdownInWords(1_000, 0)).toBe('Trying again in 1 second')
    expect(retryCountdownInWords(10 * 60_000, 0)).toBe('Trying again in 10 minutes')
    expect(retryCountdownInWords(0, 0)).toBe('Trying again now')
  })
})
