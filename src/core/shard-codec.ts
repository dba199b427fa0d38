// Shard bodies (docs/KEYS.md section 4): version || epoch || nonce || ciphertext, sealed with
// the stream's content key of that epoch and bound to (stream, shard id, burn_at, epoch). The
// plaintext is JSON signed by its author's identity key over the same binding.
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../shared/encoding'
import { concat, encodeFields } from '../shared/signing'
import { decrypt, encrypt, shardAd, sign, verify } from './crypto'

const BODY_VERSION = 1
const HEADER_BYTES = 5
const ITEM_LABEL = 'paracord-item-v1'

export interface ShardBinding {
  readonly stream: string
  readonly shardId: string
  readonly burnAt: number | null
}

/** What a decoded body claims; `payload` is only trustworthy after `verifyItem`. */
export interface SignedItem {
  readonly author: string
  /** The author's Ed25519 identity key, base64url. */
  readonly authorKey: string
  readonly payload: unknown
  readonly signature: string
}

export class ShardRejected extends Error {
  constructor(readonly reason: 'malformed' | 'undecryptable' | 'bad_signature' | 'unknown_epoch') {
    super(`shard rejected: ${reason}`)
    this.name = 'ShardRejected'
  }
}

/** The epoch a body was sealed in, read before choosing a key. */
export function bodyEpoch(body: string): number {
  const bytes = safeDecode(body)
  if (bytes.length < HEADER_BYTES || bytes[0] !== BODY_VERSION) throw new ShardRejected('malformed')
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(1)
}

function itemBytes(binding: ShardBinding, epoch: number, author: string, payloadJson: string) {
  return encodeFields(ITEM_LABEL, [
    binding.stream,
    binding.shardId,
    binding.burnAt,
    epoch,
    author,
    payloadJson,
  ])
}

/** Signs `payload` as `author` and seals it for the shard at `binding`; returns the wire body. */
export function sealItem(
  binding: ShardBinding,
  epoch: number,
  contentKey: Uint8Array,
  author: { userId: string; signPublicKey: Uint8Array; signSecretKey: Uint8Array },
  payload: unknown,
): string {
  const payloadJson = JSON.stringify(payload)
  const signature = sign(
    itemBytes(binding, epoch, author.userId, payloadJson),
    author.signSecretKey,
  )
  const plain = utf8(
    JSON.stringify({
      author: author.userId,
      authorKey: toBase64Url(author.signPublicKey),
      payload: payloadJson,
      signature: toBase64Url(signature),
    }),
  )
  const header = new Uint8Array(HEADER_BYTES)
  header[0] = BODY_VERSION
  new DataView(header.buffer).setUint32(1, epoch)
  const sealed = encrypt(contentKey, plain, shardAd({ ...binding, epoch }))
  return toBase64Url(concat([header, sealed]))
}

/**
 * Opens a body sealed for `binding` and checks its author signature by the key it names. The
 * caller must still check that `authorKey` is the key pinned for `author`.
 */
export function openItem(
  binding: ShardBinding,
  body: string,
  keyForEpoch: (epoch: number) => Uint8Array | null,
): SignedItem & { readonly epoch: number } {
  const epoch = bodyEpoch(body)
  const key = keyForEpoch(epoch)
  if (!key) throw new ShardRejected('unknown_epoch')
  let plain: Uint8Array
  try {
    plain = decrypt(key, safeDecode(body).subarray(HEADER_BYTES), shardAd({ ...binding, epoch }))
  } catch {
    throw new ShardRejected('undecryptable')
  }
  let outer: unknown
  try {
    outer = JSON.parse(fromUtf8(plain))
  } catch {
    throw new ShardRejected('malformed')
  }
  if (!isOuter(outer)) throw new ShardRejected('malformed')
  let authorKey: Uint8Array
  let signature: Uint8Array
  try {
    authorKey = fromBase64Url(outer.authorKey)
    signature = fromBase64Url(outer.signature)
  } catch {
    throw new ShardRejected('malformed')
  }
  const signed = itemBytes(binding, epoch, outer.author, outer.payload)
  if (!verify(signature, signed, authorKey)) throw new ShardRejected('bad_signature')
  let payload: unknown
  try {
    payload = JSON.parse(outer.payload)
  } catch {
    throw new ShardRejected('malformed')
  }
  return {
    epoch,
    author: outer.author,
    authorKey: outer.authorKey,
    payload,
    signature: outer.signature,
  }
}

interface Outer {
  author: string
  authorKey: string
  payload: string
  signature: string
}

function isOuter(value: unknown): value is Outer {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return ['author', 'authorKey', 'payload', 'signature'].every((k) => typeof v[k] === 'string')
}

function safeDecode(body: string): Uint8Array {
  try {
    return fromBase64Url(body)
  } catch {
    throw new ShardRejected('malformed')
  }
}
