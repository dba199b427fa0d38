import { describe, expect, it } from 'vitest'
import { levelOf, SPEAKING_HOLD_MS, SpeakingDetector } from './speaking'

describe('speaking', () => {
  it('measures silence as 0 and a full-scale square wave as 1', () => {
    expect(levelOf(new Uint8Array(64).fill(128))).toBe(0)
    expect(levelOf(Uint8Array.from({ length: 64 }, (_, i) => (i % 2 ? 0 : 256 - 1)))).toBeCloseTo(
      1,
      1,
    )
  })

  it('holds speaking through a short pause, then lets go', () => {
    const detector = new SpeakingDetector()
    expect(detector.update(0, 0)).toBe(false)
    expect(detector.update(0.3, 100)).toBe(true)
    expect(detector.update(0, 100 + SPEAKING_HOLD_MS)).toBe(true)
    expect(detector.update(0, 101 + SPEAKING_HOLD_MS)).toBe(false)
  })
})
