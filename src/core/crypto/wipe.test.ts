import { beforeAll, describe, expect, it } from 'vitest'
import { randomKey } from './derive'
import { loadSodium } from './sodium'
import { wipe } from './wipe'

beforeAll(loadSodium)

describe('wipe', () => {
  it('zeroes every buffer given, in place, and skips missing ones', () => {
    const a = randomKey()
    const b = new Uint8Array([1, 2, 3])
    const view = a.subarray(4, 8)
    wipe(a, null, b, undefined)
    expect(a.every((byte) => byte === 0)).toBe(true)
    expect(b).toEqual(new Uint8Array(3))
    expect(view).toEqual(new Uint8Array(4))
  })
})
