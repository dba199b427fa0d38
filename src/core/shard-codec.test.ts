import { beforeAll, describe, expect, it } from 'vitest'
import { fromBase64Url, toBase64Url } from '../shared/encoding'
import { generateIdentity, loadSodium, randomKey } from './crypto'
import { bodyEpoch, openItem, sealItem, ShardRejected, type ShardBinding } from './shard-codec'

beforeAll(async () => {
  await loadSodium()
})

const binding: ShardBinding = { stream: 'S'.repeat(22), shardId: 'M'.repeat(22), burnAt: 1_000_000 }

function setup() {
  const identity = generateIdentity()
  const author = {
    userId: identity.userId,
    signPublicKey: identity.signing.publicKey,
    signSecretKey: identity.signing.privateKey,
  }
  const key = randomKey()
  const body = sealItem(binding, 3, key, author, { type: 'message', text: 'meet at noon' })
  return { identity, author, key, body }
}

function rejection(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    if (error instanceof ShardRejected) return error.reason
    throw error
  }
  return 'accepted'
}

describe('shard codec', () => {
  it('round-trips a signed item and reports its epoch and author', () => {
    const { identity, key, body } = setup()
    expect(bodyEpoch(body)).toBe(3)
    const item = openItem(binding, body, (epoch) => (epoch === 3 ? key : null))
    expect(item.payload).toEqual({ type: 'message', text: 'meet at noon' })
    expect(item.author).toBe(identity.userId)
    expect(item.authorKey).toBe(toBase64Url(identity.signing.publicKey))
  })

  it('rejects a body moved to another stream or shard id, or re-timed', () => {
    const { key, body } = setup()
    const keyFor = () => key
    expect(rejection(() => openItem({ ...binding, stream: 'T'.repeat(22) }, body, keyFor))).toBe(
      'undecryptable',
    )
    expect(rejection(() => openItem({ ...binding, shardId: 'N'.repeat(22) }, body, keyFor))).toBe(
      'undecryptable',
    )
    expect(rejection(() => openItem({ ...binding, burnAt: 2_000_000 }, body, keyFor))).toBe(
      'undecryptable',
    )
  })

  it('rejects an unknown epoch, a wrong key, garbage and a truncated body', () => {
    const { key, body } = setup()
    expect(rejection(() => openItem(binding, body, () => null))).toBe('unknown_epoch')
    expect(rejection(() => openItem(binding, body, () => randomKey()))).toBe('undecryptable')
    expect(rejection(() => openItem(binding, '!!!', () => key))).toBe('malformed')
    expect(rejection(() => openItem(binding, body.slice(0, 4), () => key))).toBe('malformed')
  })

  it('rejects an item whose signature does not hold for the key it names (a member forging another)', () => {
    const { key } = setup()
    const victim = generateIdentity()
    const forger = generateIdentity()
    // The forger signs with its own secret key but claims the victim's id and public key.
    const forged = sealItem(
      binding,
      3,
      key,
      {
        userId: victim.userId,
        signPublicKey: victim.signing.publicKey,
        signSecretKey: forger.signing.privateKey,
      },
      { type: 'message', text: 'i resign' },
    )
    expect(rejection(() => openItem(binding, forged, () => key))).toBe('bad_signature')
  })

  it('changing the epoch byte breaks the tag, so a server cannot relabel epochs', () => {
    const { key, body } = setup()
    const bytes = fromBase64Url(body)
    bytes[4] = 4
    expect(rejection(() => openItem(binding, toBase64Url(bytes), () => key))).toBe('undecryptable')
  })
})
