// Posting one item to a server stream (docs/KEYS.md), the one way every writer does it (log
// messages, channel messages, voice signalling): sealed with the content key of the group's
// epoch and signed by its author inside, signed with the stream's post key of that epoch
// outside.
import { shardPayload } from '../../shared/protocol'
import { signPayloadB64 } from '../crypto'
import { sealItem } from '../shard-codec'
import type { UnlockedSession } from '../session'
import { isApiCode } from './errors'
import type { Keyring } from './keyring'
import { ensureStreamCurrent, StreamMismatchError } from './streams'

/** Where an item goes: one shard of one stream of a server. */
export interface ItemShard {
  readonly serverId: string
  /** A channel, or the server id itself for its log. */
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
  /** The epoch to seal in; the group's current one when absent. */
  readonly epoch?: number
  /** Sealed already (the outbox seals before it queues): posted as it is first. */
  readonly sealed?: SealedItem
  /** Reads the server's log, so the keyring learns keys rotated since it last looked. */
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
 * Seals, signs and posts one item in the group's current epoch (never the epoch the backend's
 * stream record names). When the post key is refused, the stream and the group are out of
 * step: the log is read, a stream left on an older epoch is moved on (stream records naming
 * keys of no known epoch are refused, StreamMismatchError), and the item is sealed again for
 * the epoch the group is in now and posted once more. Null: nothing was posted, as this client
 * holds no key of the epoch, or `payload` withdrew the item.
 */
export async function postItem(
  session: UnlockedSession,
  keyring: Keyring,
  post: ItemPost,
): Promise<PostedItem | null> {
  let sealed = post.sealed ?? null
  if (sealed === null) {
    sealed = seal(session, keyring, post, post.epoch ?? keyring.currentEpoch(post.serverId))
    if (sealed === null) return null
  }
  try {
    return await send(session, keyring, post, sealed)
  } catch (error) {
    if (post.retryAfterRotation === false || !isApiCode(error, 'invalid_signature')) throw error
    await post.catchUp()
    const epoch = keyring.currentEpoch(post.serverId)
    try {
      await ensureStreamCurrent(
        session,
        keyring,
        post.serverId,
        post.streamId,
        post.streamId === post.serverId,
      )
    } catch (mismatch) {
      // The log is read: a record no epoch of the group explains is the backend's, not lag.
      if (mismatch instanceof StreamMismatchError)
        keyring.reportMismatch(post.serverId, mismatch.message)
      throw mismatch
    }
    if (epoch !== sealed.epoch) {
      const resealed = seal(session, keyring, post, epoch)
      if (resealed === null) return null
      post.resealed?.(resealed)
      sealed = resealed
    }
    return await send(session, keyring, post, sealed)
  }
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
