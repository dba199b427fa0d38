// The outbox: every item is sealed with its final shard id and burn time and queued on disk
// before the first attempt to post it, so a crash or a dead network loses nothing and a retry
// after an unknown outcome is stored once (the backend de-duplicates on the shard id).
import { shardPayload } from '../../shared/protocol'
import { signPayloadB64 } from '../crypto'
import { ApiError, ServerUnreachableError } from '../net/errors'
import type { OutboxItem } from '../cache'
import { sealItem } from '../shard-codec'
import type { UnlockedSession } from '../session'
import type { ServerService } from '../servers/server-service'
import type { ChannelItem, OutboxData } from './message-items'

export type DeliveryOutcome =
  | { readonly status: 'sent'; readonly seq: number }
  /** Not sent yet (offline); stays queued for the next flush. */
  | { readonly status: 'queued' }
  /** Refused for good, or burned before it could be sent; removed from the outbox. */
  | { readonly status: 'dropped'; readonly reason: string }

export interface OutboxHooks {
  /** The backend stored the item at `seq`. */
  sent(id: string, data: OutboxData, seq: number): void
  /** The item left the outbox without being sent. */
  dropped(id: string, data: OutboxData, reason: string): void
  /** The number of queued items changed. */
  sizeChanged(): void
}

export class Outbox {
  private readonly inFlight = new Map<string, Promise<DeliveryOutcome>>()
  private flushing: Promise<void> | null = null

  constructor(
    private readonly session: UnlockedSession,
    private readonly servers: ServerService,
    private readonly hooks: OutboxHooks,
  ) {}

  size(): number {
    return this.session.cache.outboxSize()
  }

  /** Seals `item` for the shard `id` in the epoch the channel is in as far as known offline. */
  compose(
    id: string,
    serverId: string,
    channelId: string,
    burnAt: number,
    item: ChannelItem,
  ): OutboxData {
    const epoch = this.servers.keyring.offlineEpoch(serverId, channelId)
    return this.seal(id, { serverId, channelId, burnAt, epoch, item, resealed: false })
  }

  /** Queues the sealed item durably; nothing is posted before this. */
  enqueue(id: string, data: OutboxData): void {
    this.session.cache.enqueueOutbox({ id, stream: data.channelId, data })
    this.hooks.sizeChanged()
  }

  /** Tries to post a queued item once now. */
  post(id: string, data: OutboxData): Promise<DeliveryOutcome> {
    return this.deliver({ id, stream: data.channelId, data })
  }

  /** Removes an item the live stream showed stored (its post's answer may have been lost). */
  settle(id: string): boolean {
    const removed = this.session.cache.removeOutbox(id)
    if (removed) this.hooks.sizeChanged()
    return removed
  }

  pending(channelId: string): OutboxItem<OutboxData>[] {
    return this.session.cache.listOutbox<OutboxData>().filter((i) => i.data.channelId === channelId)
  }

  /** Sends everything queued, in order, each exactly once; stops at the first network failure. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing
    const run = this.sendQueued()
    this.flushing = run
    const clear = () => {
      if (this.flushing === run) this.flushing = null
    }
    run.then(clear, clear)
    return run
  }

  private async sendQueued(): Promise<void> {
    for (const item of this.session.cache.listOutbox<OutboxData>()) {
      const outcome = await this.deliver(item)
      if (outcome.status === 'queued') return
    }
  }

  private deliver(item: OutboxItem<OutboxData>): Promise<DeliveryOutcome> {
    let running = this.inFlight.get(item.id)
    if (!running) {
      running = this.attempt(item.id, item.data).finally(() => this.inFlight.delete(item.id))
      this.inFlight.set(item.id, running)
    }
    return running
  }

  private async attempt(id: string, data: OutboxData): Promise<DeliveryOutcome> {
    // 1. Burned while waiting: it must never reach anyone.
    if (data.burnAt <= this.session.now())
      return this.drop(id, data, 'it burned before it could be sent')
    const keys = this.servers.keyring.streamKeys(data.serverId, data.channelId, data.epoch)
    if (!keys) return this.drop(id, data, 'you are no longer in this server')
    // 2. Post with the channel's post key of the item's epoch.
    const signature = signPayloadB64(
      shardPayload({ stream: data.channelId, id, burnAt: data.burnAt, body: data.body }),
      keys.post.privateKey,
    )
    try {
      const posted = await this.session.client.postShard(data.channelId, {
        id,
        body: data.body,
        burnAt: data.burnAt,
        signature,
      })
      if (this.session.cache.removeOutbox(id)) this.hooks.sizeChanged()
      this.hooks.sent(id, data, posted.seq)
      return { status: 'sent', seq: posted.seq }
    } catch (error) {
      if (error instanceof ServerUnreachableError) return { status: 'queued' }
      // 3. The stream's keys rotated since it was sealed: seal it again for the new epoch, once.
      if (error instanceof ApiError && error.code === 'invalid_signature' && !data.resealed) {
        const resealed = await this.resealForCurrentEpoch(id, data)
        if (resealed) return this.attempt(id, resealed)
      }
      if (
        error instanceof ApiError &&
        error.code !== 'rate_limited' &&
        error.code !== 'unavailable'
      )
        return this.drop(id, data, `the server refused it (${error.code})`)
      return { status: 'queued' }
    }
  }

  private async resealForCurrentEpoch(id: string, data: OutboxData): Promise<OutboxData | null> {
    try {
      await this.servers.catchUp(data.serverId)
      const access = await this.servers.keyring.currentAccess(data.serverId, data.channelId, true)
      if (access.epoch === null || access.epoch === data.epoch) return null
      const resealed = this.seal(id, { ...data, epoch: access.epoch, resealed: true })
      // Replace the queued copy; the outbox keeps an id's first content, so remove it first.
      this.session.cache.removeOutbox(id)
      this.session.cache.enqueueOutbox({ id, stream: data.channelId, data: resealed })
      return resealed
    } catch {
      return null
    }
  }

  private seal(id: string, data: Omit<OutboxData, 'body'>): OutboxData {
    const keys = this.servers.keyring.streamKeys(data.serverId, data.channelId, data.epoch)
    if (!keys) throw new Error(`no keys for epoch ${data.epoch}`)
    const { identity } = this.session
    const body = sealItem(
      { stream: data.channelId, shardId: id, burnAt: data.burnAt },
      data.epoch,
      keys.contentKey,
      {
        userId: identity.userId,
        signPublicKey: identity.signing.publicKey,
        signSecretKey: identity.signing.privateKey,
      },
      data.item,
    )
    return { ...data, body }
  }

  private drop(id: string, data: OutboxData, reason: string): DeliveryOutcome {
    if (this.session.cache.removeOutbox(id)) this.hooks.sizeChanged()
    this.hooks.dropped(id, data, reason)
    return { status: 'dropped', reason }
  }
}
