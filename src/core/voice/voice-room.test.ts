import { describe, expect, it } from 'vitest'
import { parseVoiceItem, type VoiceItem } from './voice-items'
import { VoiceRoom } from './voice-room'

const id = (name: string) => name.padEnd(16, '0')
const [ANN, BEN, CAT] = [id('ann'), id('ben'), id('cat')]
const S = (n: number) => id(`session${n}`)
const TIMEOUT = 15_000

const join = (session: string, at: number): VoiceItem => ({ type: 'join', session, at })
const beat = (session: string, at: number): VoiceItem => ({ type: 'heartbeat', session, at })
const leave = (session: string, at: number): VoiceItem => ({ type: 'leave', session, at })
const signal = (session: string, to: string, toSession: string): VoiceItem => ({
  type: 'signal',
  session,
  to,
  toSession,
  signal: '{"type":"offer"}',
  at: 0,
})

function room(max = 8) {
  return new VoiceRoom({ maxParticipants: max, timeoutMs: TIMEOUT })
}
const who = (r: VoiceRoom) => r.participants().map((p) => p.userId)

describe('presence', () => {
  it('lists participants in the order they joined and drops one who leaves', () => {
    const r = room()
    expect(r.apply(BEN, join(S(1), 0), 1, 0, null).changed).toBe(true)
    r.apply(ANN, join(S(2), 0), 2, 0, null)
    expect(who(r)).toEqual([BEN, ANN])
    expect(r.apply(BEN, leave(S(1), 10), 3, 10, null).changed).toBe(true)
    expect(who(r)).toEqual([ANN])
  })

  it('ignores a leave of an older session after the user joined again', () => {
    const r = room()
    r.apply(ANN, join(S(1), 0), 1, 0, null)
    r.apply(ANN, join(S(2), 5), 2, 5, null)
    expect(r.apply(ANN, leave(S(1), 6), 3, 6, null).changed).toBe(false)
    expect(r.participants()).toMatchObject([{ userId: ANN, sessionId: S(2) }])
  })

  it('drops a participant whose heartbeats stop, and keeps one who keeps beating', () => {
    const r = room()
    r.apply(ANN, join(S(1), 0), 1, 0, null)
    r.apply(BEN, join(S(2), 0), 2, 0, null)
    for (let t = 5000, seq = 3; t <= 20_000; t += 5000, seq++)
      r.apply(ANN, beat(S(1), t), seq, t, null)
    expect(r.expire(14_000)).toBe(false)
    expect(r.expire(20_000)).toBe(true)
    expect(who(r)).toEqual([ANN])
    expect(r.nextExpiry()).toBe(20_000 + TIMEOUT + 1)
  })

  it('counts a heartbeat of someone whose join already burned, but ignores stale presence', () => {
    const r = room()
    r.apply(ANN, beat(S(1), 50_000), 7, 52_000, null)
    expect(who(r)).toEqual([ANN])
    expect(r.apply(BEN, join(S(2), 1000), 8, 52_000, null).changed).toBe(false)
    expect(who(r)).toEqual([ANN])
  })

  it('does not let a heartbeat of an old session replace the current one', () => {
    const r = room()
    r.apply(ANN, join(S(2), 0), 1, 0, null)
    r.apply(ANN, beat(S(1), 1), 2, 1, null)
    expect(r.participants()).toMatchObject([{ sessionId: S(2) }])
  })

  it('gives everyone the full timeout again after this device was cut off', () => {
    const r = room()
    r.apply(ANN, join(S(1), 0), 1, 0, null)
    r.refresh(60_000)
    expect(r.expire(60_000 + TIMEOUT)).toBe(false)
    expect(r.expire(60_001 + TIMEOUT)).toBe(true)
  })

  it('never trusts a clock ahead of its own', () => {
    const r = room()
    r.apply(ANN, join(S(1), 10_000_000), 1, 0, null)
    expect(r.expire(TIMEOUT + 1)).toBe(true)
  })
})

describe('admission', () => {
  it('admits the first eight by seq and tells the ninth it is not in', () => {
    const r = room(8)
    const users = Array.from({ length: 9 }, (_, i) => id(`user${i}`))
    users.forEach((user, i) => r.apply(user, join(S(i), 0), i + 1, 0, null))
    expect(who(r)).toEqual(users.slice(0, 8))
    expect(r.isAdmitted(users[8]!, S(8))).toBe(false)
    expect(r.isPresent(users[8]!, S(8))).toBe(true)
    // Once someone leaves, the one waiting moves up.
    r.apply(users[0]!, leave(S(0), 1), 10, 1, null)
    expect(r.isAdmitted(users[8]!, S(8))).toBe(true)
  })
})

describe('signals', () => {
  const me = { userId: ANN, sessionId: S(1) }
  function callOfTwo() {
    const r = room()
    r.apply(ANN, join(S(1), 0), 1, 0, me)
    r.apply(BEN, join(S(2), 0), 2, 0, me)
    return r
  }

  it('delivers a signal addressed to this session from a participant', () => {
    const outcome = callOfTwo().apply(BEN, signal(S(2), ANN, S(1)), 3, 0, me)
    expect(outcome.signal).toEqual({ from: BEN, fromSession: S(2), signal: '{"type":"offer"}' })
  })

  it('drops signals for another user, an older session, or from a non-participant', () => {
    const r = callOfTwo()
    expect(r.apply(BEN, signal(S(2), CAT, S(1)), 3, 0, me).signal).toBeNull()
    expect(r.apply(BEN, signal(S(2), ANN, S(9)), 4, 0, me).signal).toBeNull()
    expect(r.apply(BEN, signal(S(7), ANN, S(1)), 5, 0, me).signal).toBeNull()
    expect(r.apply(CAT, signal(S(3), ANN, S(1)), 6, 0, me).signal).toBeNull()
    expect(r.apply(BEN, signal(S(2), ANN, S(1)), 7, 0, null).signal).toBeNull()
  })
})

describe('parseVoiceItem', () => {
  it('accepts each item kind with exactly its fields', () => {
    expect(parseVoiceItem({ type: 'join', session: S(1), at: 5 })).toEqual(join(S(1), 5))
    expect(parseVoiceItem(signal(S(1), BEN, S(2)))).toEqual(signal(S(1), BEN, S(2)))
  })

  it.each([
    ['an unknown type', { type: 'mute', session: S(1), at: 5 }],
    ['an extra field', { type: 'join', session: S(1), at: 5, name: 'x' }],
    ['a short session id', { type: 'leave', session: 'abc', at: 5 }],
    ['a negative time', { type: 'heartbeat', session: S(1), at: -1 }],
    ['a signal that is too long', { ...signal(S(1), BEN, S(2)), signal: 'x'.repeat(20_000) }],
    ['a signal without an address', { type: 'signal', session: S(1), signal: '{}', at: 1 }],
    ['not an object', 'join'],
  ])('refuses %s', (_, payload) => {
    expect(parseVoiceItem(payload)).toBeNull()
  })
})
