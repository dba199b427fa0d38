// For the message tests: reading and posting channel shards directly with a member's keys, as
// a hostile member or a meddling server could.
import { shardPayload, type Shard } from '../../shared/protocol'
import { signPayloadB64 } from '../crypto'
import { sealItem } from '../shard-codec'
import type { TestUser } from '../sync/test-world'

/** Every shard of the channel after `after`, read with the user's current read key. */
export async function fetchRequestFor(
  user: TestUser,
  serverId: string,
  channelId: string,
  after: number,
): Promise<Shard[]> {
  const proof = await user.servers.readProof(serverId, channelId, user.session.accountId)
  const page = await user.session.client.fetchShards(channelId, { after, limit: 500, proof })
  return page.shards
}

type RawShard =
  | { readonly id: string; readonly body: string; readonly burnAt: number }
  /** A message sealed with the poster's own keys but naming another author. */
  | { readonly id: string; readonly forgeAuthor: string; readonly text: string }
  /**
   * Any item, signed by the poster and sealed in the current epoch as a modified client would:
   * with the burn time and dates it likes, and under `contentKey` instead of the epoch's when
   * given.
   */
  | {
      readonly id: string
      readonly burnAt: number
      readonly item: unknown
      readonly contentKey?: Uint8Array
    }

/** Posts with the channel's valid post key of the current epoch, bypassing every check. */
export async function rawPost(
  user: TestUser,
  serverId: string,
  channelId: string,
  shard: RawShard,
) {
  const access = await user.servers.keyring.currentAccess(serverId, channelId, true)
  const keys = user.servers.keyring.streamKeys(serverId, channelId, access.epoch!)!
  const signer = {
    userId: user.session.userId,
    signPublicKey: user.session.identity.signing.publicKey,
    signSecretKey: user.session.identity.signing.privateKey,
  }
  let body: string
  let burnAt: number
  if ('body' in shard) {
    body = shard.body
    burnAt = shard.burnAt
  } else if ('item' in shard) {
    burnAt = shard.burnAt
    body = sealItem(
      { stream: channelId, shardId: shard.id, burnAt },
      access.epoch!,
      shard.contentKey ?? keys.contentKey,
      signer,
      shard.item,
    )
  } else {
    const sentAt = Date.now()
    burnAt = sentAt + 3600_000
    body = sealItem(
      { stream: channelId, shardId: shard.id, burnAt },
      access.epoch!,
      keys.contentKey,
      { ...signer, userId: shard.forgeAuthor },
      { type: 'message', text: shard.text, sentAt },
    )
  }
  const signature = signPayloadB64(
    shardPayload({ stream: channelId, id: shard.id, burnAt, body }),
    keys.post.privateKey,
  )
  return user.session.client.postShard(channelId, { id: shard.id, body, burnAt, signature })
}
