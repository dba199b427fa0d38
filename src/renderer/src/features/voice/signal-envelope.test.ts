import { describe, expect, it } from 'vitest'
import { answerVerdict, decodeSignal, encodeSignal } from './signal-envelope'

describe('signal envelopes', () => {
  it('round-trips an offer and a candidate', () => {
    const offer = { gen: 17, data: { type: 'offer', sdp: 'v=0' } }
    const candidate = { gen: 17, data: { type: 'candidate', candidate: { candidate: 'c' } } }
    expect(decodeSignal(encodeSignal(offer))).toEqual(offer)
    expect(decodeSignal(encodeSignal(candidate))).toEqual(candidate)
  })

  it.each([
    ['not JSON', '{'],
    ['no generation', '{"data":{"type":"offer"}}'],
    ['a negative generation', '{"gen":-1,"data":{"type":"offer"}}'],
    ['data that is not an object', '{"gen":1,"data":"offer"}'],
    ['an sdp that is not text', '{"gen":1,"data":{"type":"offer","sdp":5}}'],
    ['neither a type nor a candidate', '{"gen":1,"data":{}}'],
  ])('refuses %s', (_, text) => {
    expect(decodeSignal(text)).toBeNull()
  })

  it('follows the initiator to a newer connection and ignores older ones', () => {
    expect(answerVerdict(0, 5)).toBe('use')
    expect(answerVerdict(5, 5)).toBe('use')
    expect(answerVerdict(5, 9)).toBe('restart')
    expect(answerVerdict(9, 5)).toBe('ignore')
  })
})
