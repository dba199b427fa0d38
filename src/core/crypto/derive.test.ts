import { beforeAll, describe, expect, it } from 'vitest'
import { InvalidInputError } from './errors'
import { deriveKey, randomKey, streamKeys, type StreamKeyPurpose } from './derive'
import { sign, verify } from './sign'
import { loadSodium } from './sodium'

beforeAll(loadSodium)

describe('streamKeys', () => {
  it('gives every holder of the channel key the same key pair', () => {
    const channelKey = randomKey()
    const copy = channelKey.slice()
    const mine = streamKeys(channelKey, 'post', 'stream-1')
    const theirs = streamKeys(copy, 'post', 'stream-1')
    expect(theirs.publicKey).toEqual(mine.publicKey)
    const message = new Uint8Array([1, 2])
    expect(verify(sign(message, theirs.privateKey), message, mine.publicKey)).toBe(true)
  })

  it('differs across purposes, contexts and secrets', () => {
    const secret = randomKey()
    const keys = [
      ...(['post', 'read', 'admin'] as const).map((p) => streamKeys(secret, p, 'stream-1')),
      streamKeys(secret, 'post', 'stream-2'),
      streamKeys(randomKey(), 'post', 'stream-1'),
    ].map((pair) => Buffer.from(pair.publicKey).toString('hex'))
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('refuses an unknown purpose or a secret of the wrong size', () => {
    expect(() => streamKeys(randomKey(), 'write' as StreamKeyPurpose, 'x')).toThrow(
      /purpose must be one of post, read, admin/,
    )
    expect(() => streamKeys(new Uint8Array(16), 'post', 'x')).toThrow(InvalidInputError)
  })
})

describe('deriveKey', () => {
  it('is deterministic per (secret, purpose, context) and distinct otherwise', () => {
    const secret = randomKey()
    const key = deriveKey(secret, 'messages', 'epoch-1')
    expect(key).toHaveLength(32)
    expect(deriveKey(secret, 'messages', 'epoch-1')).toEqual(key)
    expect(deriveKey(secret, 'messages', 'epoch-2')).not.toEqual(key)
    expect(deriveKey(secret, 'files', 'epoch-1')).not.toEqual(key)
    // The encoding is length-prefixed, so shifting a character between fields changes the key.
    expect(deriveKey(secret, 'messagese', 'poch-1')).not.toEqual(key)
  })
})

describe('randomKey', () => {
  it('returns 32 fresh bytes', () => {
    expect(randomKey()).toHaveLength(32)
    expect(randomKey()).not.toEqual(randomKey())
  })
})
