import { beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_KDF } from '../../shared/protocol/limits'
import type { KdfParams } from '../../shared/protocol/schemas'
import { InvalidInputError, WeakKdfError, WrongPasswordError } from './errors'
import { checkKdfParams, deriveLoginSecrets, newSalt } from './kdf'
import { sign, verify } from './sign'
import { loadSodium } from './sodium'
import { openVault, sealVault } from './vault'
import { loginHandle } from './handle'
import { TEST_KDF } from './test-kdf'

beforeAll(loadSodium)

describe('deriveLoginSecrets', () => {
  it('gives the same secrets for the same password and salt', async () => {
    const salt = await newSalt()
    const first = await deriveLoginSecrets('correct horse', salt, TEST_KDF)
    const second = await deriveLoginSecrets('correct horse', salt, TEST_KDF)
    expect(first.vaultKey).toHaveLength(32)
    expect(first.loginKeys.publicKey).toHaveLength(32)
    expect(first.loginKeys.privateKey).toHaveLength(64)
    expect(second.vaultKey).toEqual(first.vaultKey)
    expect(second.loginKeys.publicKey).toEqual(first.loginKeys.publicKey)
    // The vault key is not a part of the login key.
    expect(first.loginKeys.privateKey.subarray(0, 32)).not.toEqual(first.vaultKey)
  })

  it('derives the same secrets in the worker and inline', async () => {
    const salt = await newSalt()
    const inWorker = await deriveLoginSecrets('pw in a thread', salt, TEST_KDF)
    const inline = await deriveLoginSecrets('pw in a thread', salt, TEST_KDF, { offThread: false })
    expect(inline.vaultKey).toEqual(inWorker.vaultKey)
    expect(inline.loginKeys.privateKey).toEqual(inWorker.loginKeys.privateKey)
  })

  it('gives different secrets for a different password or salt', async () => {
    const salt = await newSalt()
    const base = await deriveLoginSecrets('password one', salt, TEST_KDF)
    const otherPassword = await deriveLoginSecrets('password two', salt, TEST_KDF)
    const otherSalt = await deriveLoginSecrets('password one', await newSalt(), TEST_KDF)
    for (const other of [otherPassword, otherSalt]) {
      expect(other.vaultKey).not.toEqual(base.vaultKey)
      expect(other.loginKeys.publicKey).not.toEqual(base.loginKeys.publicKey)
    }
  })

  it('opens the vault only with the right password', async () => {
    const salt = await newSalt()
    const handle = loginHandle('alice')
    const right = await deriveLoginSecrets('s3cret!', salt, TEST_KDF)
    const wrong = await deriveLoginSecrets('s3cret?', salt, TEST_KDF)
    const body = sealVault(new TextEncoder().encode('{"v":1}'), right.vaultKey, handle, 1)
    expect(() => openVault(body, wrong.vaultKey, handle, 1)).toThrow(WrongPasswordError)
    expect(new TextDecoder().decode(openVault(body, right.vaultKey, handle, 1))).toBe('{"v":1}')
  })

  it('treats composed and decomposed spellings of a password as the same', async () => {
    const salt = await newSalt()
    const composed = await deriveLoginSecrets('caf\u00e9', salt, TEST_KDF)
    const decomposed = await deriveLoginSecrets('cafe\u0301', salt, TEST_KDF)
    expect(decomposed.vaultKey).toEqual(composed.vaultKey)
  })

  it('yields a login key that signs challenges', async () => {
    const { loginKeys } = await deriveLoginSecrets('pw', await newSalt(), TEST_KDF)
    const challenge = new Uint8Array([1, 2, 3])
    expect(verify(sign(challenge, loginKeys.privateKey), challenge, loginKeys.publicKey)).toBe(true)
  })

  it('accepts the default parameters for new accounts', async () => {
    expect(() => checkKdfParams(DEFAULT_KDF)).not.toThrow()
    const secrets = await deriveLoginSecrets('default strength', await newSalt(), DEFAULT_KDF)
    expect(secrets.vaultKey).toHaveLength(32)
  })

  const weak: Array<[string, KdfParams, RegExp]> = [
    ['too few passes', { ...TEST_KDF, opsLimit: 1 }, /opsLimit 1 is below the minimum of 2/],
    ['too little memory', { ...TEST_KDF, memLimit: 8 * 1024 * 1024 }, /memLimit 8388608 is below/],
    ['a fractional pass count', { ...TEST_KDF, opsLimit: 2.5 }, /opsLimit 2.5/],
    ['another algorithm', { ...TEST_KDF, alg: 'argon2i13' as 'argon2id13' }, /unsupported KDF/],
    ['absurd passes from a hostile server', { ...TEST_KDF, opsLimit: 64 }, /above the maximum/],
    ['absurd memory', { ...TEST_KDF, memLimit: 4 * 1024 * 1024 * 1024 }, /above the maximum/],
  ]
  it.each(weak)('rejects %s with a clear error', async (_name, kdf, message) => {
    const promise = deriveLoginSecrets('pw', await newSalt(), kdf)
    await expect(promise).rejects.toBeInstanceOf(WeakKdfError)
    await expect(promise).rejects.toThrow(message)
  })

  it('rejects an empty password and a salt of the wrong size', async () => {
    await expect(deriveLoginSecrets('', await newSalt(), TEST_KDF)).rejects.toThrow(
      /password must not be empty/,
    )
    await expect(deriveLoginSecrets('pw', new Uint8Array(8), TEST_KDF)).rejects.toBeInstanceOf(
      InvalidInputError,
    )
  })
})

describe('newSalt', () => {
  it('returns 16 fresh random bytes', async () => {
    const [a, b] = [await newSalt(), await newSalt()]
    expect(a).toHaveLength(16)
    expect(a).not.toEqual(b)
  })
})
