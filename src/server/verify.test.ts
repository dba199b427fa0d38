import { describe, expect, it } from 'vitest'
import { EncodingError, utf8 } from '../shared/encoding'
import { newKeyPair, randomB64 } from './testing/keys'
import { verifySignature } from './verify'

describe('verifySignature', () => {
  const key = newKeyPair()
  const message = utf8('paracord')

  it('accepts the key holder signature and nothing else', () => {
    const signature = key.sign(message)
    expect(verifySignature(key.publicKey, message, signature)).toBe(true)
    expect(verifySignature(key.publicKey, utf8('paracorD'), signature)).toBe(false)
    expect(verifySignature(newKeyPair().publicKey, message, signature)).toBe(false)
    // Repeated look-ups come from the key cache and answer the same.
    expect(verifySignature(key.publicKey, message, signature)).toBe(true)
  })

  it('answers false for keys and signatures of the wrong size', () => {
    expect(verifySignature(randomB64(31), message, key.sign(message))).toBe(false)
    expect(verifySignature(key.publicKey, message, randomB64(63))).toBe(false)
    expect(verifySignature(randomB64(32), message, randomB64(64))).toBe(false)
  })

  it('throws EncodingError for non-canonical base64url', () => {
    expect(() => verifySignature(key.publicKey, message, `${'A'.repeat(85)}B`)).toThrow(
      EncodingError,
    )
  })
})
