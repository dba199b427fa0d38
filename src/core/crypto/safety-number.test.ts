import { beforeAll, describe, expect, it } from 'vitest'
import { toBase64Url } from '../../shared/encoding'
import { safetyNumber, type SafetyParty } from './safety-number'
import { loadSodium, type Sodium } from './sodium'

let sodium: Sodium
let alice: SafetyParty
let bob: SafetyParty

const keyFromSeed = (byte: number) =>
  sodium.crypto_sign_seed_keypair(new Uint8Array(32).fill(byte)).publicKey

beforeAll(async () => {
  sodium = await loadSodium()
  alice = { userId: toBase64Url(new Uint8Array(16).fill(1)), signKey: keyFromSeed(0xa1) }
  bob = { userId: toBase64Url(new Uint8Array(16).fill(2)), signKey: keyFromSeed(0xb2) }
})

describe('safetyNumber', () => {
  it('is the same from both sides', () => {
    expect(safetyNumber(bob, alice)).toEqual(safetyNumber(alice, bob))
  })

  it('is stable: fixed keys give this exact number', () => {
    // Checked against an independent SHA-512 implementation; a change here breaks every
    // comparison users have already made.
    const number = safetyNumber(alice, bob)
    expect(number.digits).toBe('052273613137720421670032894688099059721910034416508026592709')
    expect(number.groups.join(' ')).toBe(
      '05227 36131 37720 42167 00328 94688 09905 97219 10034 41650 80265 92709',
    )
  })

  it('is 60 digits in 12 groups of 5', () => {
    const generated = (byte: number) => ({
      userId: toBase64Url(sodium.randombytes_buf(16)),
      signKey: keyFromSeed(byte),
    })
    const number = safetyNumber(generated(3), generated(4))
    expect(number.digits).toMatch(/^\d{60}$/)
    expect(number.groups).toHaveLength(12)
    expect(number.groups.every((group) => /^\d{5}$/.test(group))).toBe(true)
  })

  it('changes when either party’s key or user id changes', () => {
    const base = safetyNumber(alice, bob).digits
    expect(safetyNumber({ ...alice, signKey: keyFromSeed(0xa2) }, bob).digits).not.toBe(base)
    expect(safetyNumber(alice, { ...bob, signKey: keyFromSeed(0xb3) }).digits).not.toBe(base)
    const otherId = toBase64Url(new Uint8Array(16).fill(9))
    expect(safetyNumber(alice, { ...bob, userId: otherId }).digits).not.toBe(base)
  })

  it('refuses malformed keys or user ids', () => {
    expect(() => safetyNumber({ ...alice, signKey: new Uint8Array(31) }, bob)).toThrow(
      /identity key must be 32 bytes/,
    )
    expect(() => safetyNumber(alice, { ...bob, userId: 'AAAA' })).toThrow(/user id must be 16/)
  })
})
