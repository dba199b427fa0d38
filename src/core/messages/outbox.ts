// The outbox: every item is sealed with its final shard id and burn time and queued on disk
// before the first attempt to post it, so a crash or a dead network loses nothing and a retry
// after an unknown outcome is stored once (the backend de-duplicates on the shard id).
import { ApiError, ServerUnreachableError } from '../net/errors'
import type { OutboxItem } from '../cache'
import type { UnlockedSession } from '../session'
import { postItem, sealForStream } from '../servers/post-item'
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
    const epoch = this.servers.keyring.offlineEpoch(serverId)
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
    // 2. Post it as sealed; after a key rotation it is sealed again for the new epoch (once,
    //    and the new copy replaces the queued one).
    let current = data
    try {
      const posted = await postItem(this.session, this.servers.keyring, {
        serverId: data.serverId,
        streamId: data.channelId,
        shardId: id,
        burnAt: data.burnAt,
        payload: () => data.item,
        sealed: { epoch: data.epoch, body: data.body },
        catchUp: () => this.servers.catchUp(data.serverId),
        retryAfterRotation: !data.resealed,
        resealed: (sealed) => {
          current = { ...data, ...sealed, resealed: true }
          this.requeue(id, current)
        },
      })
      if (!posted) return this.drop(id, current, 'you are no longer in this server')
      if (this.session.cache.removeOutbox(id)) this.hooks.sizeChanged()
      this.hooks.sent(id, current, posted.seq)
      return { status: 'sent', seq: posted.seq }
    } catch (error) {
      if (error instanceof ServerUnreachableError) return { status: 'queued' }
      if (
        error instanceof ApiError &&
        error.code !== 'rate_limited' &&
        error.code !== 'unavailable'
      )
        return this.drop(id, current, `the server refused it (${error.code})`)
      return { status: 'queued' }
    }
  }

  /** Replaces the queued copy; the outbox keeps an id's first content, so it goes first. */
  private requeue(id: string, data: OutboxData): void {
    this.session.cache.removeOutbox(id)
    this.session.cache.enqueueOutbox({ id, stream: data.channelId, data })
  }

  private seal(id: string, data: Omit<OutboxData, 'body'>): OutboxData {
    const shard = {
      serverId: data.serverId,
      streamId: data.channelId,
      shardId: id,
      burnAt: data.burnAt,
    }
    const sealed = sealForStream(this.session, this.servers.keyring, shard, data.epoch, data.item)
    if (!sealed) throw new Error(`no keys for epoch ${data.epoch}`)
    return { ...data, body: sealed.body }
  }

  private drop(id: string, data: OutboxData, reason: string): DeliveryOutcome {
    if (this.session.cache.removeOutbox(id)) this.hooks.sizeChanged()
    this.hooks.dropped(id, data, reason)
    return { status: 'dropped', reason }
  }
}
