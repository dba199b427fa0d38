import { beforeAll, describe, expect, it } from 'vitest'
import { fromBase64Url, toBase64Url, utf8 } from '../../shared/encoding'
import { InvalidInputError, WrongPasswordError } from './errors'
import { randomKey } from './derive'
import { loginHandle } from './handle'
import { loadSodium } from './sodium'
import { openVault, sealVault } from './vault'

beforeAll(loadSodium)

describe('vault', () => {
  const plain = utf8('{"identity":"…","channels":[]}')

  it('opens with the key and handle it was sealed under', () => {
    const key = randomKey()
    const handle = loginHandle('alice')
    const body = sealVault(plain, key, handle, 1)
    expect(openVault(body, key, handle, 1)).toEqual(plain)
  })

  it('uses a fresh nonce each time', () => {
    const key = randomKey()
    const handle = loginHandle('alice')
    expect(sealVault(plain, key, handle, 1)).not.toBe(sealVault(plain, key, handle, 1))
  })

  it('refuses another account’s handle (a swapped vault)', () => {
    const key = randomKey()
    const body = sealVault(plain, key, loginHandle('alice'), 1)
    expect(() => openVault(body, key, loginHandle('mallory'), 1)).toThrow(WrongPasswordError)
  })

  it('opens only as the version it was sealed for (an old vault relabelled is caught)', () => {
    const key = randomKey()
    const handle = loginHandle('alice')
    const body = sealVault(plain, key, handle, 2)
    expect(openVault(body, key, handle, 2)).toEqual(plain)
    for (const claimed of [1, 3, 1000])
      expect(() => openVault(body, key, handle, claimed)).toThrow(WrongPasswordError)
  })

  it('refuses a wrong key', () => {
    const body = sealVault(plain, randomKey(), loginHandle('alice'), 1)
    expect(() => openVault(body, randomKey(), loginHandle('alice'), 1)).toThrow(WrongPasswordError)
  })

  it('refuses a tampered ciphertext, nonce or truncation', () => {
    const key = randomKey()
    const handle = loginHandle('alice')
    const bytes = fromBase64Url(sealVault(plain, key, handle, 1))
    for (const index of [0, 30, bytes.length - 1]) {
      const tampered = bytes.slice()
      tampered[index]! ^= 1
      expect(() => openVault(toBase64Url(tampered), key, handle, 1)).toThrow(WrongPasswordError)
    }
    const truncated = toBase64Url(bytes.subarray(0, bytes.length - 1))
    expect(() => openVault(truncated, key, handle, 1)).toThrow(WrongPasswordError)
  })

  it('refuses a body that is not base64url', () => {
    expect(() => openVault('not base64!', randomKey(), loginHandle('alice'), 1)).toThrow(
      WrongPasswordError,
    )
  })

  it('refuses a vault key of the wrong size as a programming error', () => {
    expect(() => sealVault(plain, new Uint8Array(16), loginHandle('alice'), 1)).toThrow(
      InvalidInputError,
    )
  })
})
