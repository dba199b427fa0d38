import { describe, expect, it } from 'vitest'
import { emptyConnection, selectBanner } from './connection'

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

  it('puts a lost web host first', () => {
    expect(selectBanner({ ...base, status: 'offline', bridge: 'reconnecting' }).kind).toBe('host')
    expect(selectBanner({ ...base, bridge: 'refused' }).kind).toBe('host')
  })
})
