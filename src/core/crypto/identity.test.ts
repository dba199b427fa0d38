import { beforeAll, describe, expect, it } from 'vitest'
import { fromBase64Url, toBase64Url } from '../../shared/encoding'
import { InvalidInputError } from './errors'
import {
  exportIdentity,
  generateIdentity,
  importIdentity,
  publicIdentity,
  verifyPublicIdentity,
} from './identity'
import { sign, verify } from './sign'
import { loadSodium } from './sodium'

beforeAll(loadSodium)

describe('identity', () => {
  it('has a random 16-byte user id and fresh keys', () => {
    const a = generateIdentity()
    const b = generateIdentity()
    expect(fromBase64Url(a.userId)).toHaveLength(16)
    expect(a.userId).not.toBe(b.userId)
    expect(a.signing.publicKey).not.toEqual(b.signing.publicKey)
    expect(a.box.publicKey).toHaveLength(32)
  })

  it('publishes a self-signed bundle that verifies', () => {
    const identity = generateIdentity()
    const bundle = publicIdentity(identity)
    expect(bundle.userId).toBe(identity.userId)
    expect(bundle.signKey).toBe(toBase64Url(identity.signing.publicKey))
    expect(bundle.boxKey).toBe(toBase64Url(identity.box.publicKey))
    expect(verifyPublicIdentity(bundle)).toBe(true)
  })

  it('rejects a bundle with a swapped key or user id', () => {
    const bundle = publicIdentity(generateIdentity())
    const other = publicIdentity(generateIdentity())
    expect(verifyPublicIdentity({ ...bundle, boxKey: other.boxKey })).toBe(false)
    expect(verifyPublicIdentity({ ...bundle, signKey: other.signKey })).toBe(false)
    expect(verifyPublicIdentity({ ...bundle, userId: other.userId })).toBe(false)
    expect(verifyPublicIdentity({ ...bundle, signature: other.signature })).toBe(false)
  })

  it('rejects malformed bundles without throwing', () => {
    const bundle = publicIdentity(generateIdentity())
    expect(verifyPublicIdentity({ ...bundle, boxKey: 'short' })).toBe(false)
    expect(verifyPublicIdentity({ ...bundle, signKey: '!!' })).toBe(false)
    expect(verifyPublicIdentity({ ...bundle, userId: toBase64Url(new Uint8Array(15)) })).toBe(false)
    expect(verifyPublicIdentity({} as never)).toBe(false)
  })

  it('survives export to and import from the vault', () => {
    const identity = generateIdentity()
    const stored = exportIdentity(identity)
    const restored = importIdentity(JSON.parse(JSON.stringify(stored)) as typeof stored)
    expect(restored.userId).toBe(identity.userId)
    expect(restored.signing.publicKey).toEqual(identity.signing.publicKey)
    expect(restored.box.publicKey).toEqual(identity.box.publicKey)
    const message = new Uint8Array([7])
    expect(
      verify(sign(message, restored.signing.privateKey), message, identity.signing.publicKey),
    ).toBe(true)
  })

  it('refuses a corrupted stored identity', () => {
    const stored = exportIdentity(generateIdentity())
    const secret = fromBase64Url(stored.signSecretKey)
    secret[40]! ^= 1 // the embedded public key no longer matches the seed
    expect(() => importIdentity({ ...stored, signSecretKey: toBase64Url(secret) })).toThrow(
      /inconsistent/,
    )
    expect(() => importIdentity({ ...stored, boxSecretKey: 'AAAA' })).toThrow(InvalidInputError)
    expect(() => importIdentity({ ...stored, userId: '!' })).toThrow(InvalidInputError)
  })
})
