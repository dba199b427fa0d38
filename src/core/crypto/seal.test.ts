import { beforeAll, describe, expect, it } from 'vitest'
import { utf8 } from '../../shared/encoding'
import { DecryptionError, InvalidInputError } from './errors'
import { generateIdentity } from './identity'
import { openSealed, sealTo } from './seal'
import { loadSodium } from './sodium'

beforeAll(loadSodium)

describe('sealed boxes', () => {
  it('open only with the recipient’s key pair', () => {
    const bob = generateIdentity()
    const eve = generateIdentity()
    const channelKey = utf8('a channel key, 32 bytes long....')
    const sealed = sealTo(bob.box.publicKey, channelKey)
    expect(openSealed(bob.box, sealed)).toEqual(channelKey)
    expect(() => openSealed(eve.box, sealed)).toThrow(DecryptionError)
  })

  it('refuses an altered or truncated box', () => {
    const bob = generateIdentity()
    const sealed = sealTo(bob.box.publicKey, utf8('key'))
    const altered = sealed.slice()
    altered[altered.length - 1]! ^= 1
    expect(() => openSealed(bob.box, altered)).toThrow(DecryptionError)
    expect(() => openSealed(bob.box, sealed.subarray(0, 47))).toThrow(/too short/)
  })

  it('refuses a recipient key of the wrong size', () => {
    expect(() => sealTo(new Uint8Array(31), utf8('x'))).toThrow(InvalidInputError)
  })
})
