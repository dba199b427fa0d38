// Posting one item to a server stream (docs/KEYS.md section 4), the one way every writer does it
// (spine entries, messages, voice signalling): sealed with the content key of an epoch and
// signed by its author inside, signed with the stream's post key of that epoch outside. Keys
// rotate under a writer (a member removed, a new epoch): the backend then refuses the post key,
// and the writer reads the spine to learn the new keys, seals the item again for the epoch the
// stream is in now and posts it once more.
import { shardPayload } from '../../shared/protocol'
import { signPayloadB64 } from '../crypto'
import { sealItem } from '../shard-codec'
import type { UnlockedSession } from '../session'
import { isApiCode } from './errors'
import type { Keyring } from './keyring'

/** Where an item goes: one shard of one stream of a server. */
export interface ItemShard {
  readonly serverId: string
  /** A channel, or the server id itself for its spine. */
  readonly streamId: string
  readonly shardId: string
  readonly burnAt: number | null
}

export interface SealedItem {
  readonly epoch: number
  readonly body: string
}

export interface ItemPost extends ItemShard {
  /** What is sealed, asked at each seal; null: there is nothing to post any more. */
  readonly payload: () => unknown
  /** Sealed already (the outbox seals before it queues): posted as it is first. */
  readonly sealed?: SealedItem
  /** Reads the server's spine, so the keyring learns keys rotated since it last looked. */
  readonly catchUp: () => Promise<void>
  /** False: a refused post key is final (the item was sealed again once already). */
  readonly retryAfterRotation?: boolean
  /** Told of the item sealed again for a new epoch, before it is posted. */
  readonly resealed?: (sealed: SealedItem) => void
}

export interface PostedItem {
  readonly seq: number
  /** As it was posted in the end. */
  readonly sealed: SealedItem
}

/** Seals `payload` as this session's user for `shard` in `epoch`; null without that epoch's keys. */
export function sealForStream(
  session: UnlockedSession,
  keyring: Keyring,
  shard: ItemShard,
  epoch: number,
  payload: unknown,
): SealedItem | null {
  const keys = keyring.streamKeys(shard.serverId, shard.streamId, epoch)
  if (!keys) return null
  const { identity } = session
  const body = sealItem(
    { stream: shard.streamId, shardId: shard.shardId, burnAt: shard.burnAt },
    epoch,
    keys.contentKey,
    {
      userId: identity.userId,
      signPublicKey: identity.signing.publicKey,
      signSecretKey: identity.signing.privateKey,
    },
    payload,
  )
  return { epoch, body }
}

/**
 * Seals, signs and posts one item, and after a key rotation seals and posts it once more. Null:
 * nothing was posted, as this client holds no key for the stream (in the item's epoch, when it
 * came sealed) or `payload` withdrew the item. Otherwise throws what the backend answered.
 */
export async function postItem(
  session: UnlockedSession,
  keyring: Keyring,
  post: ItemPost,
): Promise<PostedItem | null> {
  // 1. Sealed in the epoch of the stream's current key version, unless it came sealed. A key
  //    version this client cannot match to an epoch may be one the spine has not told it yet.
  let sealed = post.sealed ?? null
  if (sealed === null) {
    let epoch = await currentEpoch(keyring, post, false)
    if (epoch === null) {
      await post.catchUp()
      epoch = await currentEpoch(keyring, post, true)
    }
    sealed = epoch === null ? null : seal(session, keyring, post, epoch)
    if (sealed === null) return null
  }
  try {
    // 2. Signed with that epoch's post key, and posted.
    return await send(session, keyring, post, sealed)
  } catch (error) {
    // 3. The post key was refused: the stream's keys rotated since they were read. Read the
    //    spine; if it names a new epoch, seal the item for it and post it once more.
    if (post.retryAfterRotation === false || !isApiCode(error, 'invalid_signature')) throw error
    await post.catchUp()
    const epoch = await currentEpoch(keyring, post, true)
    if (epoch === null || epoch === sealed.epoch) throw error
    const resealed = seal(session, keyring, post, epoch)
    if (resealed === null) return null
    post.resealed?.(resealed)
    return await send(session, keyring, post, resealed)
  }
}

function currentEpoch(keyring: Keyring, post: ItemPost, refresh: boolean) {
  return keyring.currentAccess(post.serverId, post.streamId, refresh).then((access) => access.epoch)
}

function seal(session: UnlockedSession, keyring: Keyring, post: ItemPost, epoch: number) {
  const payload = post.payload()
  return payload === null ? null : sealForStream(session, keyring, post, epoch, payload)
}

/** Signs the sealed item with its epoch's post key and posts it; null without that key. */
async function send(
  session: UnlockedSession,
  keyring: Keyring,
  shard: ItemShard,
  sealed: SealedItem,
): Promise<PostedItem | null> {
  const keys = keyring.streamKeys(shard.serverId, shard.streamId, sealed.epoch)
  if (!keys) return null
  const { streamId: stream, shardId: id, burnAt } = shard
  const signature = signPayloadB64(
    shardPayload({ stream, id, burnAt, body: sealed.body }),
    keys.post.privateKey,
  )
  const posted = await session.client.postShard(stream, {
    id,
    body: sealed.body,
    burnAt,
    signature,
  })
  return { seq: posted.seq, sealed }
}
