import { beforeAll, describe, expect, it } from 'vitest'
import { utf8 } from '../../shared/encoding'
import { DecryptionError, InvalidInputError } from './errors'
import { randomKey } from './derive'
import { AD_LABELS, cacheAd, decrypt, encrypt, enclaveAd, shardAd, vaultAd } from './envelope'
import { loadSodium } from './sodium'

beforeAll(loadSodium)

const where = {
  stream: 'c3RyZWFtLWlkLTAwMDAwMQ',
  shardId: 'c2hhcmQtaWQtMDAwMDAwMQ',
  burnAt: 1_700_000_000_000,
  epoch: 3,
}

describe('envelope', () => {
  it('round-trips with nonce || ciphertext || tag', () => {
    const key = randomKey()
    const message = utf8('hello, channel')
    const sealed = encrypt(key, message, shardAd(where))
    expect(sealed).toHaveLength(24 + message.length + 16)
    expect(decrypt(key, sealed, shardAd(where))).toEqual(message)
  })

  const moves: Array<[string, Partial<typeof where> | { burnAt: null }]> = [
    ['moved to another stream', { stream: 'b3RoZXItc3RyZWFtLWlkLTAx' }],
    ['given another shard id', { shardId: 'b3RoZXItc2hhcmQtaWQtMDAx' }],
    ['burn time pushed back', { burnAt: where.burnAt + 1 }],
    ['burn time removed', { burnAt: null }],
    ['replayed into another epoch', { epoch: 4 }],
  ]
  it.each(moves)('is caught when a shard is %s', (_name, change) => {
    const key = randomKey()
    const sealed = encrypt(key, utf8('burn me'), shardAd(where))
    expect(() => decrypt(key, sealed, shardAd({ ...where, ...change }))).toThrow(DecryptionError)
  })

  it('refuses a wrong key, a flipped bit, or a too-short input', () => {
    const key = randomKey()
    const ad = shardAd(where)
    const sealed = encrypt(key, utf8('x'), ad)
    expect(() => decrypt(randomKey(), sealed, ad)).toThrow(DecryptionError)
    const flipped = sealed.slice()
    flipped[10]! ^= 0x80
    expect(() => decrypt(key, flipped, ad)).toThrow(DecryptionError)
    expect(() => decrypt(key, sealed.subarray(0, 39), ad)).toThrow(/too short/)
  })

  it('refuses keys of the wrong size', () => {
    expect(() => encrypt(new Uint8Array(31), utf8('x'), shardAd(where))).toThrow(InvalidInputError)
    expect(() => decrypt(new Uint8Array(33), new Uint8Array(64), shardAd(where))).toThrow(
      InvalidInputError,
    )
  })

  it('keeps the kinds of associated data apart from each other and from signed payloads', () => {
    const all = [
      shardAd(where),
      vaultAd(where.stream, 1),
      enclaveAd({ id: where.stream, kind: 'invite' }),
      cacheAd({ table: where.stream, rowId: 'r', column: 'c' }),
    ]
    const decoded = all.map((bytes) => new TextDecoder().decode(bytes))
    expect(new Set(decoded).size).toBe(all.length)
    for (const text of decoded) {
      expect(text.startsWith('paracord-ad-v1:')).toBe(true)
      expect(text.startsWith('paracord-v1:')).toBe(false)
    }
    expect(Object.values(AD_LABELS).every((label) => label.startsWith('paracord-ad-v1:'))).toBe(
      true,
    )
    const key = randomKey()
    const asVault = encrypt(key, utf8('x'), vaultAd(where.stream, 1))
    expect(() => decrypt(key, asVault, enclaveAd({ id: where.stream, kind: 'vault' }))).toThrow(
      DecryptionError,
    )
  })
})
