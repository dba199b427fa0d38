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
    const body = sealVault(plain, key, handle)
    expect(openVault(body, key, handle)).toEqual(plain)
  })

  it('uses a fresh nonce each time', () => {
    const key = randomKey()
    const handle = loginHandle('alice')
    expect(sealVault(plain, key, handle)).not.toBe(sealVault(plain, key, handle))
  })

  it('refuses another account’s handle (a swapped vault)', () => {
    const key = randomKey()
    const body = sealVault(plain, key, loginHandle('alice'))
    expect(() => openVault(body, key, loginHandle('mallory'))).toThrow(WrongPasswordError)
  })

  it('refuses a wrong key', () => {
    const body = sealVault(plain, randomKey(), loginHandle('alice'))
    expect(() => openVault(body, randomKey(), loginHandle('alice'))).toThrow(WrongPasswordError)
  })

  it('refuses a tampered ciphertext, nonce or truncation', () => {
    const key = randomKey()
    const handle = loginHandle('alice')
    const bytes = fromBase64Url(sealVault(plain, key, handle))
    for (const index of [0, 30, bytes.length - 1]) {
      const tampered = bytes.slice()
      tampered[index]! ^= 1
      expect(() => openVault(toBase64Url(tampered), key, handle)).toThrow(WrongPasswordError)
    }
    const truncated = toBase64Url(bytes.subarray(0, bytes.length - 1))
    expect(() => openVault(truncated, key, handle)).toThrow(WrongPasswordError)
  })

  it('refuses a body that is not base64url', () => {
    expect(() => openVault('not base64!', randomKey(), loginHandle('alice'))).toThrow(
      WrongPasswordError,
    )
  })

  it('refuses a vault key of the wrong size as a programming error', () => {
    expect(() => sealVault(plain, new Uint8Array(16), loginHandle('alice'))).toThrow(
      InvalidInputError,
    )
  })
})
