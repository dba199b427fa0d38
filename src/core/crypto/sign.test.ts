import { beforeAll, describe, expect, it } from 'vitest'
import { toBase64Url, utf8 } from '../../shared/encoding'
import { shardPayload } from '../../shared/protocol/payloads'
import { InvalidInputError } from './errors'
import { sign, signPayloadB64, verify, verifyPayloadB64 } from './sign'
import { loadSodium, type Sodium } from './sodium'

let sodium: Sodium
beforeAll(async () => {
  sodium = await loadSodium()
})

describe('sign and verify', () => {
  it('accepts a genuine signature and rejects any change', () => {
    const keys = sodium.crypto_sign_keypair()
    const other = sodium.crypto_sign_keypair()
    const message = utf8('message')
    const signature = sign(message, keys.privateKey)
    expect(signature).toHaveLength(64)
    expect(verify(signature, message, keys.publicKey)).toBe(true)
    expect(verify(signature, utf8('massage'), keys.publicKey)).toBe(false)
    expect(verify(signature, message, other.publicKey)).toBe(false)
    const flipped = signature.slice()
    flipped[0]! ^= 1
    expect(verify(flipped, message, keys.publicKey)).toBe(false)
  })

  it('answers false, never throws, on malformed signatures and keys', () => {
    const keys = sodium.crypto_sign_keypair()
    const message = utf8('m')
    const signature = sign(message, keys.privateKey)
    const garbage = [
      undefined,
      null,
      'not bytes',
      new Uint8Array(0),
      new Uint8Array(63),
      new Uint8Array(65),
    ] as unknown as Uint8Array[]
    for (const bad of garbage) {
      expect(verify(bad, message, keys.publicKey)).toBe(false)
      expect(verify(signature, message, bad)).toBe(false)
    }
    expect(verify(new Uint8Array(64), message, keys.publicKey)).toBe(false)
    // An all-zero public key is a small-order point: no signature may verify under it.
    expect(verify(new Uint8Array(64), message, new Uint8Array(32))).toBe(false)
    expect(verify(signature, 'm' as unknown as Uint8Array, keys.publicKey)).toBe(false)
  })

  it('signs protocol payloads for the wire', () => {
    const keys = sodium.crypto_sign_keypair()
    const payload = shardPayload({
      stream: toBase64Url(new Uint8Array(16).fill(1)),
      id: toBase64Url(new Uint8Array(16).fill(2)),
      burnAt: null,
      body: 'Ym9keQ',
    })
    const signature = signPayloadB64(payload, keys.privateKey)
    const publicKey = toBase64Url(keys.publicKey)
    expect(verifyPayloadB64(signature, payload, publicKey)).toBe(true)
    expect(verifyPayloadB64(signature, utf8('other'), publicKey)).toBe(false)
    expect(verifyPayloadB64('not base64!', payload, publicKey)).toBe(false)
    expect(verifyPayloadB64(signature, payload, '***')).toBe(false)
  })

  it('refuses to sign with a malformed secret key', () => {
    expect(() => sign(utf8('m'), new Uint8Array(32))).toThrow(InvalidInputError)
  })
})
